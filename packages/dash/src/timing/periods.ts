/**
 * Automatic periods (dash.md §7.15): a live stream cut into Periods of fixed length L, every
 * Period on the single-Period timeline (same numbers, times and URLs). L is kept as a rational
 * number of seconds so every check is exact.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { AutoPeriodsSpec } from '../options/domain-codecs.js';
import { gcd, type Ratio } from './exact.js';
import { loopCorrection, segmentForTime, type TrackTiming } from './track.js';

/** L in seconds as num/den. */
export function periodLength(spec: AutoPeriodsSpec): Ratio {
  return spec.kind === 'every' ? { num: BigInt(spec.seconds), den: 1n } : reduce(3600n, BigInt(spec.count));
}

function reduce(num: bigint, den: bigint): Ratio {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** A set's addressing duration in seconds: Mref / (tsRef·N). */
export function addressingSeconds(ref: MediaIndex, count: number): Ratio {
  return reduce(BigInt(ref.mediaDuration), BigInt(ref.timescale) * BigInt(count));
}

/** Whether L is a whole multiple of d. */
export function isMultiple(length: Ratio, d: Ratio): boolean {
  return (length.num * d.den) % (d.num * length.den) === 0n;
}

/** Smallest common multiple of rational durations (lcm of numerators over gcd of denominators). */
export function smallestCommonLength(ds: readonly Ratio[]): Ratio {
  let num = 1n;
  let den = 0n;
  for (const d of ds) {
    num = (num * d.num) / gcd(num, d.num);
    den = gcd(den, d.den);
  }
  return reduce(num, den === 0n ? 1n : den);
}

export function ratioText(r: Ratio): string {
  return r.den === 1n ? String(r.num) : (Number(r.num) / Number(r.den)).toFixed(2);
}

/** Period j's start (or end) in whole ms: floor(j·L·1000). */
export function periodStartMs(length: Ratio, j: number): number {
  return Number((BigInt(j) * length.num * 1000n) / length.den);
}

/**
 * Listed Periods: every j with (j+1)·L > B and j·L < Em + MUP + A; with an event end only
 * those starting before Z.
 */
export function listedPeriods(
  length: Ratio,
  bufferStartMs: number,
  limitMs: number,
  endMs: number | null,
): number[] {
  const out: number[] = [];
  const Lms = (j: number) => BigInt(j) * length.num * 1000n; // × den
  let j = Math.max(0, Number((BigInt(bufferStartMs) * length.den) / (length.num * 1000n)) - 1);
  for (; ; j++) {
    if (Lms(j + 1) <= BigInt(bufferStartMs) * length.den) continue;
    if (Lms(j) >= BigInt(limitMs) * length.den) break;
    if (endMs !== null && Lms(j) >= BigInt(endMs) * length.den) break;
    out.push(j);
  }
  return out;
}

/** Ticks of j·L in a track's timescale, when whole; null otherwise. */
export function periodTicks(t: TrackTiming, length: Ratio, j: number): bigint | null {
  const x = BigInt(j) * length.num * t.ts;
  return x % length.den === 0n ? x / length.den : null;
}

/**
 * Continuity at the start of Period j (§7.15): a segment starts exactly at the boundary and the
 * media before it ends there (k > 1, or no loop correction before it).
 */
export function continuousAt(t: TrackTiming, length: Ratio, j: number): boolean {
  const b = periodTicks(t, length, j);
  if (b === null) return false;
  const seg = segmentForTime(t, t.t0 + b, true);
  if (!seg) return false;
  return seg.k > 1 || seg.loop === 0 || loopCorrection(t, seg.loop - 1) === 0n;
}
