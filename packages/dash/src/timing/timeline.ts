/**
 * SegmentTimeline generation (dash.md §7.8): the live list of segments whose end lies in
 * (B, Em + ATO], and the static list of a file; coded as S elements with `r` runs.
 */
import { floorDiv } from './exact.js';
import { liveSegment, loopAt, type LiveSegment, type TrackTiming } from './track.js';

export interface TimelineEntry {
  /** Present on the first S only. */
  t?: bigint;
  d: bigint;
  /** Repeat count (count − 1); omitted when 0. */
  r?: number;
}

/**
 * Live segments with end e: e > B·ts and e ≤ (Em + ATO)·ts (ms arguments), optionally only
 * those starting before `endTicks` (an event end, §7.14).
 */
export function liveSegments(t: TrackTiming, bufferStartMs: number, edgeMs: number): LiveSegment[] {
  const out: LiveSegment[] = [];
  const lowTicks = floorDiv(BigInt(Math.max(0, bufferStartMs)) * t.ts, 1000n);
  let loop = Math.max(0, loopAt(t, lowTicks) - 1);
  const edge = BigInt(edgeMs) * t.ts;
  const low = BigInt(bufferStartMs) * t.ts;
  for (;;) {
    for (let k = 1; k <= t.count; k++) {
      const seg = liveSegment(t, loop, k);
      const e = (seg.position + seg.duration) * 1000n;
      if (e > edge) return out;
      if (e > low) out.push(seg);
    }
    loop++;
  }
}

/** Run-length codes contiguous segments into S entries; the first carries `t` = pto + p. */
export function timelineEntries(
  segments: readonly { position: bigint; duration: bigint }[],
  pto: bigint,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let prevEnd: bigint | null = null;
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && prevEnd === s.position && last.d === s.duration) {
      last.r = (last.r ?? 0) + 1;
    } else if (last && prevEnd === s.position) {
      out.push({ d: s.duration });
    } else {
      out.push({ t: pto + s.position, d: s.duration });
    }
    prevEnd = s.position + s.duration;
  }
  return out;
}

/** Static (vod) segments: k = 1…N with their own durations, no correction. */
export function staticSegments(
  t: TrackTiming,
): { position: bigint; duration: bigint; number: number; k: number }[] {
  return t.dur.map((d, i) => ({ position: t.start[i] ?? 0n, duration: d, number: t.s0 + i, k: i + 1 }));
}
