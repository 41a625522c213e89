/**
 * SegmentTimeline generation (dash.md §7.8): the live list of segments whose end lies in
 * (B, Em + ATO], and the static list of a file; coded as S elements with `r` runs.
 */
import type { EventEnd } from './event-end.js';
import { ceilDiv, floorDiv } from './exact.js';
import { liveSegment, loopAt, loopOffset, type LiveSegment, type TrackTiming } from './track.js';

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

/**
 * An S element as the manifest writes it (text values; `t` on the first only, `r` omitted when
 * 0). Structurally the manifest model's `TimelineS`.
 */
export interface TimelineText {
  t?: string;
  d: string;
  r?: number;
}

/**
 * Which segments a timeline lists, as bounds in the track's ticks (positions before t0). All
 * three are monotonic in the segment order, so the listed segments are one contiguous run.
 */
export interface TimelineBounds {
  /** Segments whose end e satisfies e > endAbove (null: from the first segment). */
  endAbove: bigint | null;
  /** … and e ≤ endAtMost (null: no such bound). */
  endAtMost: bigint | null;
  /** … and whose start p satisfies p < startBelow (null: no such bound). */
  startBelow: bigint | null;
}

/** Period j's span [lo/den, hi/den) in ticks (§7.15). */
export interface PeriodTicks {
  lo: bigint;
  hi: bigint;
  den: bigint;
}

export interface TimelineWindow {
  /** Live: segments ending in (B, Em + ATO], ms after AST (§7.8); null: from the first (§7.14). */
  live: { bufferStartMs: number; edgeMs: number } | null;
  /** The event end Z: segments starting before it (§7.14). */
  end: EventEnd | null;
  /** Automatic Period j: segments overlapping it (§7.15). */
  period: PeriodTicks | null;
}

/** The window of a timeline as tick bounds, exactly (whole ticks, so floor and ceil are exact). */
export function timelineBounds(t: TrackTiming, w: TimelineWindow): TimelineBounds {
  let endAbove: bigint | null = null;
  let endAtMost: bigint | null = null;
  let startBelow: bigint | null = null;
  if (w.live) {
    // e·1000 > B·ts ⇔ e > floor(B·ts / 1000); e·1000 ≤ (Em + ATO)·ts ⇔ e ≤ floor(…)
    endAbove = floorDiv(BigInt(w.live.bufferStartMs) * t.ts, 1000n);
    endAtMost = floorDiv(BigInt(w.live.edgeMs) * t.ts, 1000n);
  }
  if (w.end) {
    // startsBeforeEnd: p·tsRef·Nref < Z·Mref·ts ⇔ p < ceil(Z·Mref·ts / (tsRef·Nref))
    startBelow = ceilDiv(BigInt(w.end.count) * t.refDuration * t.ts, t.refTimescale * t.refCount);
  }
  if (w.period) {
    // p·den < hi and e·den > lo
    const low = floorDiv(w.period.lo, w.period.den);
    const high = ceilDiv(w.period.hi, w.period.den);
    if (endAbove === null || low > endAbove) endAbove = low;
    if (startBelow === null || high < startBelow) startBelow = high;
  }
  return { endAbove, endAtMost, startBelow };
}

export interface BoundedTimeline {
  timeline: TimelineText[];
  /** Number of the first listed segment; null when none is listed. */
  firstNumber: number | null;
}

/**
 * One loop's durations, run-length coded for k = 1…N−1 (the last segment of a loop carries the
 * correction δ(l) and is added per loop), with their texts.
 */
interface LoopPattern {
  /** See `isRegularTrack`. */
  regular: boolean;
  runFirstK: number[];
  runCount: number[];
  runText: string[];
  /** The corrected last duration d(N) + δ(l): without and with the carry of o(l + 1) − o(l). */
  lastText: string;
  lastTextCarry: string;
  step: LoopStep;
}

/**
 * o(l) = floor(l·num / den) with num = Mref·ts, den = tsRef: o(l + 1) − o(l) = q or q + 1,
 * q = floor(num / den), the + 1 when (l·num mod den) + r reaches den, r = num mod den.
 */
interface LoopStep {
  r: number;
  den: number;
  /** l·num mod den. */
  remainderAt(l: number): number;
}

const PATTERNS = new WeakMap<TrackTiming, LoopPattern>();

function loopPattern(t: TrackTiming): LoopPattern {
  let p = PATTERNS.get(t);
  if (p) return p;
  const runFirstK: number[] = [];
  const runCount: number[] = [];
  const runText: string[] = [];
  let prev: bigint | null = null;
  for (let k = 1; k < t.count; k++) {
    const d = t.dur[k - 1]!;
    if (d === prev) runCount[runCount.length - 1]!++;
    else {
      runFirstK.push(k);
      runCount.push(1);
      runText.push(d.toString());
      prev = d;
    }
  }
  // o(l+1) − o(l) is q = floor(Mref·ts / tsRef) or q + 1, so δ(l) is q − M or q − M + 1
  const num = t.refDuration * t.ts;
  const den = t.refTimescale;
  const q = num / den;
  const last = t.dur[t.count - 1];
  const minCorrection = q - t.mediaDuration;
  const regular =
    t.count > 0 &&
    t.dur.every((d) => d > 0n) &&
    last !== undefined &&
    last + minCorrection > 0n &&
    den <= 2n ** 52n; // remainders stay exact as numbers
  const lastTicks = (last ?? 0n) + minCorrection;
  const r = Number(num % den);
  p = {
    regular,
    runFirstK,
    runCount,
    runText,
    lastText: lastTicks.toString(),
    lastTextCarry: (lastTicks + 1n).toString(),
    step: { r, den: Number(den), remainderAt: (l) => Number((BigInt(l) * num) % den) },
  };
  PATTERNS.set(t, p);
  return p;
}

/**
 * True when `boundedTimeline` applies: every segment, the corrected last one of each loop
 * included, lasts more than 0 ticks, so segment starts and ends strictly increase (and the
 * reference timescale is small enough for the loop remainders to be exact numbers). Other
 * tracks are listed segment by segment, as before.
 */
export function isRegularTrack(t: TrackTiming): boolean {
  return loopPattern(t).regular;
}

/** Index g = l·N + (k − 1) of the first live segment whose end is > a (ticks). */
function firstEndAbove(t: TrackTiming, a: bigint): number {
  if (a < 0n) return 0;
  const l = loopAt(t, a); // o(l) ≤ a < o(l + 1): earlier loops end by o(l), the last of l after a
  const rem = a - loopOffset(t, l);
  // the end of segment k < N is start[k]; the smallest k with start[k] > rem, else N
  let lo = 1;
  let hi = t.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.start[mid]! > rem) hi = mid;
    else lo = mid + 1;
  }
  return l * t.count + (lo - 1);
}

/** Index g of the first live segment whose start is ≥ s (ticks). */
function firstStartAtLeast(t: TrackTiming, s: bigint): number {
  if (s <= 0n) return 0;
  const l = loopAt(t, s);
  const rem = s - loopOffset(t, l);
  let lo = 0;
  let hi = t.count; // hi = N: none in loop l, so the first of loop l + 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.start[mid]! >= rem) hi = mid;
    else lo = mid + 1;
  }
  return l * t.count + lo;
}

/** Appends a finished run of `count` segments of duration `text` (the first S carries t). */
function pushRun(out: TimelineText[], firstT: string, text: string, count: number): void {
  if (out.length === 0) out.push(count > 1 ? { t: firstT, d: text, r: count - 1 } : { t: firstT, d: text });
  else out.push(count > 1 ? { d: text, r: count - 1 } : { d: text });
}

/**
 * The S elements of the live segments within `bounds`, generated loop by loop from the cached
 * pattern instead of segment by segment (a 30-minute window of 2 s segments is ~30 loops, not
 * ~900 segments). Equal to `timelineEntries` over the same segments (the unit tests compare
 * both); `pto` is added to the first `t`. Only for regular tracks (`isRegularTrack`) and with
 * an upper bound.
 */
export function boundedTimeline(t: TrackTiming, bounds: TimelineBounds, pto: bigint): BoundedTimeline {
  const p = loopPattern(t);
  const n = t.count;
  const first = bounds.endAbove === null ? 0 : firstEndAbove(t, bounds.endAbove);
  let end = Infinity; // one past the last listed index
  if (bounds.endAtMost !== null) end = firstEndAbove(t, bounds.endAtMost);
  if (bounds.startBelow !== null) end = Math.min(end, firstStartAtLeast(t, bounds.startBelow));
  if (!Number.isFinite(end)) throw new RangeError('boundedTimeline needs an upper bound');
  const out: TimelineText[] = [];
  if (end <= first) return { timeline: out, firstNumber: null };

  const l0 = Math.floor(first / n);
  const k0 = (first % n) + 1;
  const l1 = Math.floor((end - 1) / n);
  const k1 = ((end - 1) % n) + 1;
  const offset = loopOffset(t, l0);
  const firstT = (pto + offset + t.start[k0 - 1]!).toString();
  // Listed segments are contiguous, so runs merge whenever the duration repeats, across loop
  // joins too; only the first S carries t (as timelineEntries writes them). The open run is held
  // as (text, count) and written once it ends, each S made once in its final form.
  // o(l + 1) − o(l) = q + carry(l): the remainder of l·X walks in steps of X mod 1, so each
  // loop costs an addition instead of a BigInt product and division.
  const { runFirstK, runCount, runText, step } = p;
  const runs = runFirstK.length;
  let openText = '';
  let openCount = 0;
  let rem = step.remainderAt(l0);
  for (let l = l0; l <= l1; l++) {
    const ka = l === l0 ? k0 : 1;
    const kb = l === l1 ? k1 : n;
    const upto = Math.min(kb, n - 1);
    for (let r = 0; r < runs; r++) {
      const runFirst = runFirstK[r]!;
      if (runFirst > upto) break;
      const from = Math.max(ka, runFirst);
      const to = Math.min(upto, runFirst + runCount[r]! - 1);
      if (to < from) continue;
      const text = runText[r]!;
      if (text === openText) openCount += to - from + 1;
      else {
        if (openCount > 0) pushRun(out, firstT, openText, openCount);
        openText = text;
        openCount = to - from + 1;
      }
    }
    rem += step.r;
    const carry = rem >= step.den;
    if (carry) rem -= step.den;
    if (kb === n) {
      const text = carry ? p.lastTextCarry : p.lastText;
      if (text === openText) openCount++;
      else {
        if (openCount > 0) pushRun(out, firstT, openText, openCount);
        openText = text;
        openCount = 1;
      }
    }
  }
  if (openCount > 0) pushRun(out, firstT, openText, openCount);
  return { timeline: out, firstNumber: t.s0 + l0 * n + (k0 - 1) };
}
