/**
 * The time-shift window (dash.md §7.5), the `$Number$` window of a live MPD (§7.7) and the
 * availability of live segments (§7.9). Times in whole milliseconds after AST.
 */
import { ceilDiv, floorDiv, maxBig, minBig } from './exact.js';
import { liveSegment, type TrackTiming } from './track.js';

/** `depth` with 0 meaning 60 s. */
export function effectiveDepth(depth: number): number {
  return depth === 0 ? 60 : depth;
}

/** TSBD = min(depth, floor(E)) in whole seconds; E in ms. */
export function timeShiftBufferDepth(depth: number, elapsedMs: number): number {
  return Math.max(0, Math.min(effectiveDepth(depth), Math.floor(elapsedMs / 1000)));
}

/**
 * `$Number$` window of a live MPD at Em: first = S0 + max(0, floor(B·ts / Dn)),
 * last = S0 + floor((Em + ATO)·ts / Dn) − 1 (last < first: none yet).
 */
export function numberWindow(
  t: TrackTiming,
  bufferStartMs: number,
  edgeMs: number,
): { first: number; last: number } {
  const perMs = (ms: number): number =>
    Number(floorDiv(BigInt(ms) * t.ts * t.addressing.den, 1000n * t.addressing.num));
  return { first: t.s0 + Math.max(0, perMs(bufferStartMs)), last: t.s0 + perMs(edgeMs) - 1 };
}

export type Availability =
  | { kind: 'available'; maxAgeSeconds: number }
  | { kind: 'TooEarly'; retryAfterSeconds: number; availableInMs: number }
  | { kind: 'Gone' };

export interface AvailabilityClock {
  /** Es in ms (segment clock − AST). */
  elapsedMs: number;
  depth: number;
  leeway: number;
  /** ATO in whole ms, or 'inf'. */
  atoMs: number | 'inf';
}

/**
 * §7.9 steps 2–5 for live segment (l, k), addressed by number (`byNumber`) or by time.
 * Availability starts at the segment's end minus ATO (ISO/IEC 23009-1 §5.3.9.5.3); it ends
 * one segment duration plus the time-shift depth after the end, plus the leeway.
 */
export function liveAvailability(
  t: TrackTiming,
  loop: number,
  k: number,
  byNumber: boolean,
  clock: AvailabilityClock,
): Availability {
  const seg = liveSegment(t, loop, k);
  const den = t.addressing.den;
  const num = t.addressing.num;
  const ea = (seg.position + seg.duration) * den;
  const en = byNumber ? BigInt(seg.number - t.s0 + 1) * num : ea;
  const eEarly = minBig(ea, en);
  const eLate = maxBig(ea, en);
  const dmax = maxBig(seg.duration * den, num);
  const es = BigInt(clock.elapsedMs);
  const unit = t.ts * den; // ticks·den per second
  if (clock.elapsedMs < 0) {
    return {
      kind: 'TooEarly',
      retryAfterSeconds: Math.max(1, Number(ceilDiv(-es, 1000n))),
      availableInMs: -clock.elapsedMs,
    };
  }
  if (clock.atoMs !== 'inf') {
    const wait = eEarly * 1000n - BigInt(clock.atoMs) * unit - es * unit; // ms·unit
    if (wait > 0n)
      return {
        kind: 'TooEarly',
        retryAfterSeconds: Math.max(1, Number(ceilDiv(wait, unit * 1000n))),
        availableInMs: Number(ceilDiv(wait, unit)),
      };
  }
  const tsbd = BigInt(timeShiftBufferDepth(clock.depth, clock.elapsedMs));
  const goneAt = (eLate + dmax) * 1000n + (tsbd + BigInt(clock.leeway)) * 1000n * unit; // ms·unit
  if (goneAt < es * unit) return { kind: 'Gone' };
  const maxAge = Number(floorDiv(goneAt - es * unit, unit * 1000n));
  return { kind: 'available', maxAgeSeconds: Math.min(3600, Math.max(1, maxAge)) };
}
