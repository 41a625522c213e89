/** availabilityStartTime (dash.md §7.3) as a pure function of the `start` option and a clock. */
import type { AvailabilityStartSpec } from '../options/domain-codecs.js';

const DAY_MS = 86400000;

/**
 * Resolves `start` with the clock `cMs` (the manifest clock, drift included, or the segment
 * clock): keywords are relative to the clock; a date-time is returned unchanged.
 */
export function resolveAvailabilityStart(spec: AvailabilityStartSpec, cMs: number): number {
  if (typeof spec === 'number') return spec;
  const d = new Date(cMs);
  switch (spec) {
    case 'epoch':
      return 0;
    case 'now':
      return Math.floor(cMs / 1000) * 1000 - 60000;
    case 'year': {
      const y = Date.UTC(d.getUTCFullYear(), 0, 1);
      return cMs - y < DAY_MS ? y - DAY_MS : y;
    }
    case 'month': {
      const m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      return cMs - m < DAY_MS ? m - DAY_MS : m;
    }
    case 'today': {
      const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return cMs - t < 60000 ? t - DAY_MS : t;
    }
  }
}

/** The manifest and `/time` clock: `nowMs − drift × 1000` (§7.2). */
export function manifestClock(nowMs: number, driftSeconds: number | null): number {
  return nowMs - (driftSeconds ?? 0) * 1000;
}
