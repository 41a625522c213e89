/**
 * A representation's live timeline (dash.md §7.6): segments (l, k) looped with the timing
 * reference's length, so tracks of different lengths never drift apart.
 */
import type { MediaIndex } from '@loopcast/bmff';
import { floorDiv, type Ratio } from './exact.js';

export interface TrackTiming {
  /** Representation timescale. */
  ts: bigint;
  /** Number of media segments N. */
  count: number;
  /** dur[k − 1] and start[k − 1] for k = 1…N, in ticks. */
  dur: readonly bigint[];
  start: readonly bigint[];
  /** M: Σ dur. */
  mediaDuration: bigint;
  /** t0: decode time of the first fragment. */
  t0: bigint;
  /** S0: the start number in effect (index `startNumber` or `snr`, §7.16). */
  s0: number;
  /** Timing reference: Mref (ticks), tsRef. */
  refDuration: bigint;
  refTimescale: bigint;
  /** Nref: the timing reference's segment count (its addressing duration is Mref / (tsRef·Nref)). */
  refCount: bigint;
  /** Dn = Mref·ts / (tsRef·N) as a ratio (not reduced). */
  addressing: Ratio;
}

export interface LiveSegment {
  loop: number;
  /** 1…N; also the index in `MediaIndex.segments`. */
  k: number;
  /** Position p(l, k) in ticks after PeriodStart. */
  position: bigint;
  /** Listed duration d(l, k), loop correction included for k = N. */
  duration: bigint;
  /** Segment number n(l, k). */
  number: number;
}

/** S0 of §7.16: `snr` when given (`-1` means 1), else the file's own start number. */
export function effectiveStartNumber(index: MediaIndex, snr: number | null): number {
  if (snr === null) return index.startNumber;
  return snr < 0 ? 1 : snr;
}

/** Memo by index object (indexes are immutable once loaded), then reference and start number. */
const MEMO = new WeakMap<MediaIndex, WeakMap<MediaIndex, Map<number | null, TrackTiming>>>();

export function trackTiming(index: MediaIndex, ref: MediaIndex, snr: number | null): TrackTiming {
  let byRef = MEMO.get(index);
  if (!byRef) MEMO.set(index, (byRef = new WeakMap<MediaIndex, Map<number | null, TrackTiming>>()));
  let bySnr = byRef.get(ref);
  if (!bySnr) byRef.set(ref, (bySnr = new Map<number | null, TrackTiming>()));
  let t = bySnr.get(snr);
  if (!t) bySnr.set(snr, (t = computeTrackTiming(index, ref, snr)));
  return t;
}

function computeTrackTiming(index: MediaIndex, ref: MediaIndex, snr: number | null): TrackTiming {
  const dur: bigint[] = [];
  const start: bigint[] = [];
  let acc = 0n;
  for (const seg of index.segments.slice(1)) {
    start.push(acc);
    const d = BigInt(seg.duration ?? 0);
    dur.push(d);
    acc += d;
  }
  const ts = BigInt(index.timescale);
  const refDuration = BigInt(ref.mediaDuration);
  const refTimescale = BigInt(ref.timescale);
  return {
    ts,
    count: dur.length,
    dur,
    start,
    mediaDuration: acc,
    t0: BigInt(index.startTime),
    s0: effectiveStartNumber(index, snr),
    refDuration,
    refTimescale,
    refCount: BigInt(ref.segments.length - 1),
    addressing: { num: refDuration * ts, den: refTimescale * BigInt(dur.length) },
  };
}

/**
 * True when two tracks (against the same timing reference and start number option) have the
 * same timescale, start time, start number and segment durations: every listed position,
 * duration and number of one is the other's.
 */
export function sameTiming(a: TrackTiming, b: TrackTiming): boolean {
  if (a === b) return true;
  if (a.ts !== b.ts || a.t0 !== b.t0 || a.s0 !== b.s0 || a.count !== b.count) return false;
  if (a.refDuration !== b.refDuration || a.refTimescale !== b.refTimescale || a.refCount !== b.refCount)
    return false;
  for (let i = 0; i < a.count; i++) if (a.dur[i] !== b.dur[i]) return false;
  return true;
}

/** o(l) = floor(l × Mref × ts / tsRef): where loop l starts, in this track's ticks. */
export function loopOffset(t: TrackTiming, loop: number): bigint {
  return floorDiv(BigInt(loop) * t.refDuration * t.ts, t.refTimescale);
}

/** δ(l) = o(l+1) − o(l) − M. */
export function loopCorrection(t: TrackTiming, loop: number): bigint {
  return loopOffset(t, loop + 1) - loopOffset(t, loop) - t.mediaDuration;
}

export function liveSegment(t: TrackTiming, loop: number, k: number): LiveSegment {
  const position = loopOffset(t, loop) + (t.start[k - 1] ?? 0n);
  let duration = t.dur[k - 1] ?? 0n;
  if (k === t.count) duration += loopCorrection(t, loop);
  return { loop, k, position, duration, number: t.s0 + loop * t.count + (k - 1) };
}

/** n → (l, k) by counting; null below S0. */
export function segmentForNumber(t: TrackTiming, n: number): { loop: number; k: number } | null {
  if (!Number.isSafeInteger(n) || n < t.s0) return null;
  const i = n - t.s0;
  return { loop: Math.floor(i / t.count), k: 1 + (i % t.count) };
}

/** The loop holding tick position u (≥ 0): the largest l with o(l) ≤ u. */
export function loopAt(t: TrackTiming, u: bigint): number {
  let l = Number(floorDiv(u * t.refTimescale, t.refDuration * t.ts));
  while (l > 0 && loopOffset(t, l) > u) l--;
  while (loopOffset(t, l + 1) <= u) l++;
  return l;
}

/** A `$Time$` t → (l, k) when a segment starts exactly there (§7.8), else null. */
export function segmentForTime(
  t: TrackTiming,
  time: bigint,
  live: boolean,
): { loop: number; k: number } | null {
  if (time < t.t0) return null;
  const u = time - t.t0;
  const loop = live ? loopAt(t, u) : 0;
  const within = u - loopOffset(t, loop);
  const k = t.start.indexOf(within);
  return k < 0 ? null : { loop, k: k + 1 };
}

/** Served decode time t(l, k) = t0 + o(l) + start[k]. */
export function decodeTime(t: TrackTiming, loop: number, k: number): bigint {
  return t.t0 + loopOffset(t, loop) + (t.start[k - 1] ?? 0n);
}
