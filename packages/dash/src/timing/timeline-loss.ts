/**
 * Gaps in the SegmentTimeline (drm-events.md §10.10, `segtimelineloss`): a media segment
 * starting at S seconds (from the Period start, as `statuscode`, §10.5) lies in cycle
 * c = floor(S / cycle) with index = the number of its Representation's segments starting in
 * [c·cycle, S); it is missing when an entry for its content type has rsq ≤ index < rsq + count.
 * The rule depends on the segment's position only, so every MPD, node and client agree.
 */
import type { Options } from '../options/registry.js';
import type { SegmentAddress } from '../segments/plan.js';
import { findRepresentation, timingReferenceOf, type StreamModel } from '../stream.js';
import type { TimelineText } from './timeline.js';
import {
  liveSegment,
  loopAt,
  loopOffset,
  segmentForNumber,
  segmentForTime,
  trackTiming,
  type TrackTiming,
} from './track.js';

export interface LossEntry {
  cycle: number;
  rsq: number;
  count: number;
  /** `*` or content types. */
  reps: string[];
}

/** An S element that may carry `n` (ISO/IEC 23009-1 `S@n`) after a gap. */
export interface GappedTimelineText extends TimelineText {
  n?: string;
}

/** Entries of the canonical option text `[{cycle:60,rsq:10,count:2,rep:video},…]`. */
export function parseTimelineLoss(text: string): LossEntry[] {
  const v = text.replace(/\s+/g, '');
  if (v === '') return [];
  return v
    .replace(/^\[\{/, '')
    .replace(/\}\]$/, '')
    .split('},{')
    .map((entry) => {
      const e: LossEntry = { cycle: 0, rsq: 0, count: 1, reps: [] };
      for (const pair of entry.split(',')) {
        const [k, val = ''] = pair.split(':', 2) as [string, string?];
        if (k === 'rep') e.reps.push(val.toLowerCase());
        else if (k === 'cycle' || k === 'rsq' || k === 'count') e[k] = Number(val);
      }
      if (e.reps.length === 0) e.reps.push('*');
      return e;
    });
}

/** Global index l·N + (k − 1) of the first segment starting at or after tick s. */
function firstIndexFrom(t: TrackTiming, s: bigint): number {
  const l = loopAt(t, s);
  const rem = s - loopOffset(t, l);
  const k = t.start.findIndex((start) => start >= rem);
  return k < 0 ? (l + 1) * t.count : l * t.count + k;
}

/** True when segment (loop, k) of a `contentType` Representation is left out (§10.10). */
export function segmentMissing(
  entries: readonly LossEntry[],
  contentType: string,
  t: TrackTiming,
  loop: number,
  k: number,
): boolean {
  const position = liveSegment(t, loop, k).position;
  const own = loop * t.count + (k - 1);
  for (const e of entries) {
    if (!e.reps.some((r) => r === '*' || r === contentType)) continue;
    const cycleTicks = BigInt(e.cycle) * t.ts;
    const index = own - firstIndexFrom(t, (position / cycleTicks) * cycleTicks);
    if (index >= e.rsq && index < e.rsq + e.count) return true;
  }
  return false;
}

/** The filter keeping listed segments, or null without `segtimelineloss` (or outside live). */
export function timelineLossFilter(
  options: Options,
  contentType: string,
  t: TrackTiming,
): ((s: { loop: number; k: number }) => boolean) | null {
  const entries = parseTimelineLoss(options.segtimelineloss);
  if (entries.length === 0) return null;
  return (s) => !segmentMissing(entries, contentType, t, s.loop, s.k);
}

/**
 * S elements of the kept segments: a run continues while segments are contiguous with the same
 * duration; the entry after a gap starts a new S with `t` and, with `numbers`, `n` (§10.10 "MPD":
 * the numbering of dash.md §7.6 does not skip missing segments).
 */
export function gappedTimeline(
  segments: readonly { position: bigint; duration: bigint; number: number }[],
  pto: bigint,
  numbers: boolean,
): GappedTimelineText[] {
  const out: GappedTimelineText[] = [];
  let prevEnd: bigint | null = null;
  let last: GappedTimelineText | undefined;
  let lastD: bigint | null = null;
  for (const s of segments) {
    const contiguous = prevEnd === s.position;
    if (last && contiguous && lastD === s.duration) last.r = (last.r ?? 0) + 1;
    else {
      last = contiguous
        ? { d: s.duration.toString() }
        : {
            t: (pto + s.position).toString(),
            ...(numbers && prevEnd !== null ? { n: String(s.number) } : {}),
            d: s.duration.toString(),
          };
      lastD = s.duration;
      out.push(last);
    }
    prevEnd = s.position + s.duration;
  }
  return out;
}

/**
 * §10.10 "Segments": a live `$Number$` or `$Time$` request for a missing segment (a 404, after
 * the faults of §10.3 and §10.5 and before availability). Init segments are never missing.
 */
export function missingFromTimeline(input: {
  stream: StreamModel;
  live: boolean;
  rep: string;
  address: SegmentAddress;
  options: Options;
}): boolean {
  const { options, address } = input;
  if (!input.live || options.segtimelineloss === '' || address.kind === 'init') return false;
  const ref = timingReferenceOf(input.stream);
  const file = findRepresentation(input.stream, input.rep);
  if (!ref || !file) return false;
  const t = trackTiming(file.index, ref.index, options.snr);
  const lk =
    address.kind === 'number' ? segmentForNumber(t, address.number) : segmentForTime(t, address.time, true);
  if (!lk) return false;
  return segmentMissing(parseTimelineLoss(options.segtimelineloss), file.index.contentType, t, lk.loop, lk.k);
}
