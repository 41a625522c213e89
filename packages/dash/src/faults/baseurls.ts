/**
 * Several BaseURLs (drm-events.md §10.8): with `baseurls` = N ≥ 2 the single BaseURL of
 * dash.md §6.1 becomes N elements `<base>bu{i}/`, each its own DVB-DASH service location with a
 * distinct priority, so a failing one takes no other out of the player's list.
 */

/** One BaseURL element of the multiplied list. */
export interface BaseUrlEntry {
  url: string;
  /** `bu{i}`. */
  serviceLocation: string;
  /** DVB-DASH `dvb:priority` = i + 1 (distinct: a failing priority removes its whole group). */
  priority: number;
  /** DVB-DASH `dvb:weight`, always 1. */
  weight: number;
}

/** The namespace the `dvb:` attributes need on the MPD element (DVB-DASH, ETSI TS 103 285). */
export const DVB_NAMESPACE = 'urn:dvb:dash:dash-extensions:2014';

/** The N BaseURLs of `base` (ending in `/`), in index order; null for N = 1 (the plain BaseURL). */
export function baseUrlList(base: string, count: number): BaseUrlEntry[] | null {
  if (count < 2) return null;
  return Array.from({ length: count }, (_, i) => ({
    url: `${base}bu${i}/`,
    serviceLocation: `bu${i}`,
    priority: i + 1,
    weight: 1,
  }));
}

/** A `bu{i}` path part beyond the request's `baseurls` is a 404 (§10.8 "Paths"). */
export function baseUrlIndexAllowed(index: number | null, count: number): boolean {
  return index === null || index < count;
}
