/**
 * Where each Period instance sits in the presentation (drm-events.md §12.6, §12.7): in `vod` the
 * playlist once; in `live` looped for ever, loop L's Period j starting at
 * PS(L, j) = L × T + Σ_{i<j} duration_i after the availabilityStartTime. Whole milliseconds.
 */
import type { MpsPeriod, MultiPeriodStream } from './model.js';

export interface PeriodInstance {
  period: MpsPeriod;
  /** Index j in the playlist. */
  index: number;
  /** Loop L (0 in vod). */
  loop: number;
  /** `pid` in vod, `<pid>_<L>` in live (§12.5). */
  id: string;
  /** PS in ms after the presentation's start. */
  startMs: number;
}

/** T = Σ durations, ms. */
export function playlistLengthMs(mps: MultiPeriodStream): number {
  return mps.periods.reduce((sum, p) => sum + p.durationMs, 0);
}

/** Σ_{i<j} duration_i for every j. */
function offsets(mps: MultiPeriodStream): number[] {
  let at = 0;
  return mps.periods.map((p) => {
    const start = at;
    at += p.durationMs;
    return start;
  });
}

export function vodInstances(mps: MultiPeriodStream): PeriodInstance[] {
  const starts = offsets(mps);
  return mps.periods.map((period, index) => ({
    period,
    index,
    loop: 0,
    id: period.pid,
    startMs: starts[index]!,
  }));
}

/**
 * Live instances whose end is after the buffer start B and whose start is at or before the
 * manifest's edge, in time order; `limit` bounds the count (a huge depth over short Periods).
 */
export function liveInstances(
  mps: MultiPeriodStream,
  bufferStartMs: number,
  edgeMs: number,
  limit: number,
): PeriodInstance[] | null {
  const total = playlistLengthMs(mps);
  const starts = offsets(mps);
  const out: PeriodInstance[] = [];
  for (let loop = Math.max(0, Math.floor(bufferStartMs / total)); ; loop++) {
    for (let index = 0; index < mps.periods.length; index++) {
      const period = mps.periods[index]!;
      const startMs = loop * total + starts[index]!;
      if (startMs > edgeMs) return out;
      if (startMs + period.durationMs <= bufferStartMs) continue;
      if (out.length >= limit) return null;
      out.push({ period, index, loop, id: `${period.pid}_${loop}`, startMs });
    }
  }
}

/** The instance named by a Period id of a segment URL; null when there is none. */
export function instanceById(
  mps: MultiPeriodStream,
  mode: 'live' | 'vod',
  id: string,
): PeriodInstance | null {
  const starts = offsets(mps);
  if (mode === 'vod') {
    const index = mps.periods.findIndex((p) => p.pid === id);
    return index < 0 ? null : { period: mps.periods[index]!, index, loop: 0, id, startMs: starts[index]! };
  }
  const m = /^(.+)_(\d{1,9})$/.exec(id);
  if (!m) return null;
  const index = mps.periods.findIndex((p) => p.pid === m[1]);
  if (index < 0) return null;
  const loop = Number(m[2]);
  if (`${m[1]}_${loop}` !== id) return null;
  return {
    period: mps.periods[index]!,
    index,
    loop,
    id,
    startMs: loop * playlistLengthMs(mps) + starts[index]!,
  };
}
