/**
 * End of a live event and start-over (dash.md §7.14): the event ends on a segment boundary of
 * the timing reference. Z is kept as a count of the reference's addressing durations, so every
 * comparison stays exact in any timescale.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { StopSpec } from '../options/domain-codecs.js';
import type { TrackTiming } from './track.js';

export interface EventEnd {
  /** Z in addressing durations of the timing reference (Z = count × Dsec). */
  count: number;
  /** Z in ms (rounded down) and the end instant TE = AST + Z. */
  lengthMs: number;
  endMs: number;
}

/** The end request T (epoch ms) from `stoprel` or `stop`, or null without an end. */
export function endRequest(
  stop: StopSpec | null,
  stoprel: number | null,
  astMs: number,
  clockMs: number,
): number | null {
  if (stoprel !== null) return Math.floor(clockMs / 1000) * 1000 + stoprel * 1000;
  if (stop === null) return null;
  return stop.kind === 'at' ? stop.ms : astMs + stop.seconds * 1000;
}

/** Z = floor((T − AST) / Dsec) × Dsec with Dsec = Mref / (tsRef·N) of the timing reference. */
export function eventEnd(ref: MediaIndex, astMs: number, requestMs: number): EventEnd {
  const n = BigInt(ref.segments.length - 1);
  const m = BigInt(ref.mediaDuration);
  const ts = BigInt(ref.timescale);
  const diff = BigInt(requestMs - astMs);
  const count = diff <= 0n ? 0n : (diff * ts * n) / (1000n * m);
  const lengthMs = Number((count * 1000n * m) / (ts * n));
  return { count: Number(count), lengthMs, endMs: astMs + lengthMs };
}

/** A segment at tick position p starts before Z: p < Z·ts. */
export function startsBeforeEnd(t: TrackTiming, position: bigint, end: EventEnd): boolean {
  return position * t.refTimescale * t.refCount < BigInt(end.count) * t.refDuration * t.ts;
}

/** `$Number$` n starts (by its addressing) before Z: (n − S0)·Dn < Z·ts. */
export function numberStartsBeforeEnd(t: TrackTiming, n: number, end: EventEnd): boolean {
  return BigInt(n - t.s0) * t.refCount < BigInt(end.count) * BigInt(t.count);
}
