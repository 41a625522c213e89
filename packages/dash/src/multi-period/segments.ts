/**
 * Segment requests of a multi-period stream (drm-events.md §12.8): the source's fragments with
 * their stored decode times and `mfhd` (the MPD's PTO maps them), so every loop instance serves the
 * same bytes. `$Time$` must be the Period's PTO (the fragment containing the offset) or the start
 * of a fragment inside the Period; live availability follows dash.md §7.9 with the segment's end
 * at AST + PS(L, j) + (t − PTO + d) / ts. The first, shortened segment of a Period that starts
 * inside an audio fragment serves that fragment's samples from the PTO on (trim.ts).
 */
import type { EmsgFields, MediaIndex } from '@loopcast/bmff';
import { carriesEvents, inbandEmsg } from '../events/inband.js';
import type { Options } from '../options/registry.js';
import { representationIdOf, timingReferenceOf } from '../stream.js';
import type { SegmentAddress, SegmentRefusal } from '../segments/plan.js';
import { resolveAvailabilityStart } from '../timing/availability-start.js';
import { timeShiftBufferDepth } from '../timing/window.js';
import type { MultiPeriodStream } from './model.js';
import type { PeriodInstance } from './playlist.js';
import { trackSlice } from './slices.js';
import { periodFile } from './tracks.js';
import { keepSamplesFrom } from './trim.js';

export interface MpsSegmentPlan {
  kind: 'init' | 'media';
  representationId: string;
  blobKey: string;
  contentType: MediaIndex['contentType'];
  /** Index in `MediaIndex.segments` (0 = init). */
  fragmentIndex: number;
  /** Live init segments drop `mehd` (dash.md §9.2). */
  removeMehd: boolean;
  maxAgeSeconds: number;
  /**
   * Media segments: in-band events (§9.3) of this Period instance, timed on the presentation
   * timeline (v1 times mapped to the track's media timeline through the PTO); with any, the
   * segment is rewritten around its stored decode time, else served as stored.
   */
  emsg: EmsgFields[];
  /**
   * Media segments: the decode time from which the fragment's samples are served (`samplesFrom`
   * says which), when the Period starts inside an audio fragment; null: the whole fragment.
   */
  keepFrom: bigint | null;
}

const notFound = (reason: string): SegmentRefusal => ({ kind: 'NotFound', reason });

export function planMpsSegment(
  mps: MultiPeriodStream,
  mode: 'live' | 'vod',
  inst: PeriodInstance,
  rep: string,
  address: SegmentAddress,
  options: Options,
  nowMs: number,
): MpsSegmentPlan | SegmentRefusal {
  const period = inst.period;
  const ref = timingReferenceOf(period.stream);
  if (!ref) return { kind: 'NoTimingReference' };
  const file = periodFile(period, rep, options);
  if (!file) return notFound(`no Representation ${rep} in Period ${inst.id}`);
  const base = {
    representationId: representationIdOf(file.name),
    blobKey: file.blobKey,
    contentType: file.index.contentType,
    removeMehd: mode === 'live',
  };
  if (address.kind === 'init')
    return { ...base, kind: 'init', fragmentIndex: 0, maxAgeSeconds: 3600, emsg: [], keepFrom: null };
  if (address.kind !== 'time') return notFound('segments of a multi-period stream are addressed by $Time$');
  const slice = trackSlice(file.index, ref.index, period.startMs, period.durationMs);
  const seg = slice.segments.find((s) => s.time === address.time);
  if (!seg) return notFound(`no segment of Period ${inst.id} starts at ${address.time}`);
  let maxAgeSeconds = 3600;
  if (mode === 'live') {
    const astMs = resolveAvailabilityStart(options.start, nowMs);
    const endTicks = seg.position + seg.duration;
    // end of the segment, ms after AST, rounded up (available from end − ATO, §7.9)
    const endMs = inst.startMs + Number((endTicks * 1000n + slice.ts - 1n) / slice.ts);
    const durMs = Number((seg.duration * 1000n + slice.ts - 1n) / slice.ts);
    const elapsedMs = nowMs - astMs;
    const ato = options.ato === 'inf' ? Infinity : (options.ato ?? 0);
    if (elapsedMs < endMs - ato) {
      const waitMs = endMs - ato - elapsedMs;
      return {
        kind: 'TooEarly',
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        availableInMs: waitMs,
      };
    }
    const tsbd = timeShiftBufferDepth(options.depth, elapsedMs);
    const goneAtMs = endMs + durMs + (tsbd + options.leeway) * 1000;
    if (elapsedMs > goneAtMs) return { kind: 'Gone' };
    maxAgeSeconds = Math.min(3600, Math.max(1, Math.floor((goneAtMs - elapsedMs) / 1000)));
  }
  // the segment's start on the presentation timeline, in track ticks: PS + its Period position
  const presented = (BigInt(inst.startMs) * slice.ts) / 1000n + seg.position;
  const emsg = carriesEvents(period.stream, file.index)
    ? inbandEmsg(options, Number(slice.ts), presented, seg.duration).map((e) =>
        e.presentationTime === undefined
          ? e
          : {
              ...e,
              presentationTime:
                e.presentationTime + ((seg.time - presented) * BigInt(e.timescale)) / slice.ts,
            },
      )
    : [];
  const keepFrom = keepSamplesFrom(seg, file.index.contentType);
  return { ...base, kind: 'media', fragmentIndex: seg.k, maxAgeSeconds, emsg, keepFrom };
}
