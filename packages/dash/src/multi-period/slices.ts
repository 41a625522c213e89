/**
 * The slice of a source stream that one Period plays (drm-events.md §12.3, §12.6): the start
 * snapped down to a fragment of the timing reference, and per track the fragments from the one
 * containing the offset (listed from the PTO, shortened) to the last one starting before the end.
 * Positions are exact ticks of each track's timescale.
 */
import type { MediaIndex } from '@loopcast/bmff';
import { trackTiming } from '../timing/track.js';

export interface SnappedStart {
  /** Whole ms (rounded from the fragment's exact start), as stored and shown. */
  ms: number;
  /** The fragment's start in the timing reference's ticks after its t0. */
  refTicks: bigint;
}

/** The loop length of a source, Mref / tsRef, in whole ms. */
export function sourceLengthMs(ref: MediaIndex): number {
  return Math.round((ref.mediaDuration * 1000) / ref.timescale);
}

/**
 * Snaps `ms` down to the start of the timing reference's fragment containing it (§12.3); null
 * when `ms` is negative or at or after the end of the source.
 */
export function snapStart(ref: MediaIndex, ms: number): SnappedStart | null {
  if (!Number.isFinite(ms) || ms < 0 || ms >= sourceLengthMs(ref)) return null;
  const t = trackTiming(ref, ref, null);
  let best: SnappedStart = { ms: 0, refTicks: 0n };
  for (const start of t.start) {
    const startMs = Number((start * 1000n + t.ts / 2n) / t.ts);
    if (startMs > ms) break;
    best = { ms: startMs, refTicks: start };
  }
  return best;
}

export interface SliceSegment {
  /** 1…N: the fragment in `MediaIndex.segments`. */
  k: number;
  /** Ticks after the Period's start (0 for the first, shortened one). */
  position: bigint;
  /** Listed duration (the first is shortened to start at the offset). */
  duration: bigint;
  /** `$Time$` of the listed segment: the PTO for the first, else the fragment's own decode time. */
  time: bigint;
  /**
   * The fragment's own decode time t0 + start[k]: before `time` when the Period starts inside
   * the fragment (the first, shortened segment), else equal to it.
   */
  fragmentTime: bigint;
}

export interface TrackSlice {
  ts: bigint;
  /** presentationTimeOffset = t0 + offset × ts (§12.6). */
  pto: bigint;
  segments: SliceSegment[];
}

const SLICES = new WeakMap<MediaIndex, Map<string, TrackSlice>>();

/** The listed segments of `index` for a Period of `durationMs` from `startMs` into the source. */
export function trackSlice(
  index: MediaIndex,
  ref: MediaIndex,
  startMs: number,
  durationMs: number,
): TrackSlice {
  let byPeriod = SLICES.get(index);
  if (!byPeriod) SLICES.set(index, (byPeriod = new Map<string, TrackSlice>()));
  const key = `${startMs}/${durationMs}/${ref.mediaDuration}/${ref.timescale}`;
  let slice = byPeriod.get(key);
  if (!slice) byPeriod.set(key, (slice = computeSlice(index, ref, startMs, durationMs)));
  return slice;
}

function computeSlice(index: MediaIndex, ref: MediaIndex, startMs: number, durationMs: number): TrackSlice {
  const t = trackTiming(index, ref, null);
  const snapped = snapStart(ref, startMs) ?? { ms: 0, refTicks: 0n };
  const offset = (snapped.refTicks * t.ts) / BigInt(ref.timescale);
  const end = offset + (BigInt(Math.round(durationMs)) * t.ts) / 1000n;
  const pto = t.t0 + offset;
  const segments: SliceSegment[] = [];
  for (let i = 0; i < t.count; i++) {
    const s = t.start[i]!;
    const d = t.dur[i]!;
    if (s >= end) break;
    if (s + d <= offset) continue;
    const fragmentTime = t.t0 + s;
    if (s < offset)
      segments.push({ k: i + 1, position: 0n, duration: s + d - offset, time: pto, fragmentTime });
    else segments.push({ k: i + 1, position: s - offset, duration: d, time: fragmentTime, fragmentTime });
  }
  return { ts: t.ts, pto, segments };
}
