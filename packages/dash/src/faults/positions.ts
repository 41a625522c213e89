/**
 * Positions of fault options (drm-events.md §10.2, §10.3; dash.md §7.11): a whole number (an
 * update count or a segment number), a time of day on the availabilityStartTime's UTC date, or
 * a full date-time (beyond the reference).
 */
import { parseDateTime } from '../options/codec.js';
import { floorDiv } from '../timing/exact.js';
import type { TrackTiming } from '../timing/track.js';

export type FaultPosition = { kind: 'number'; n: number } | { kind: 'time'; ms: number };

const TIME_OF_DAY = /^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])Z?$/;
const DAY_MS = 86400000;

/** Resolves a position text against the availabilityStartTime; null when it is not one. */
export function resolvePosition(text: string, astMs: number): FaultPosition | null {
  if (/^[0-9]{1,15}$/.test(text)) return { kind: 'number', n: Number(text) };
  const m = TIME_OF_DAY.exec(text);
  if (m) {
    const day = Math.floor(astMs / DAY_MS) * DAY_MS;
    return { kind: 'time', ms: day + (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 };
  }
  const ms = parseDateTime(text);
  return ms === null ? null : { kind: 'time', ms };
}

/**
 * The segment number a time position addresses (dash.md §7.11):
 * `n = S0 + floor((T − AST) · ts / Dn)` with Dn = Mref·ts / (tsRef·N), so ts cancels out.
 * Null when T is before the availabilityStartTime (no segment was ever there).
 */
export function segmentNumberAt(t: TrackTiming, astMs: number, timeMs: number): number | null {
  if (timeMs < astMs) return null;
  const elapsed = BigInt(timeMs - astMs);
  return t.s0 + Number(floorDiv(elapsed * t.refTimescale * BigInt(t.count), 1000n * t.refDuration));
}
