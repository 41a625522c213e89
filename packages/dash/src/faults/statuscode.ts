/**
 * `statuscode` (drm-events.md §10.5, livesim2's cyclic status codes): a media segment starting
 * at S seconds lies in cycle floor(S / cycle); its index there is the number of the
 * Representation's segments starting in [cycle start, S). Index = rsq answers `code`. Stateless:
 * the answer depends on the URL and the segment only.
 */
import { liveSegment, type TrackTiming } from '../timing/track.js';

export interface StatusCodeEntry {
  cycle: number;
  rsq: number;
  code: number;
  /** `*`, Representation ids or content-type words. */
  reps: string[];
}

/** Entries of the canonical option text `[{cycle:30,rsq:0,code:404,rep:video},…]`. */
export function parseStatusCodes(text: string): StatusCodeEntry[] {
  const v = text.replace(/\s+/g, '');
  if (v === '') return [];
  const body = v.replace(/^\[\{/, '').replace(/\}\]$/, '');
  return body.split('},{').map((entry) => {
    const e: StatusCodeEntry = { cycle: 0, rsq: 0, code: 0, reps: [] };
    for (const pair of entry.split(',')) {
      const [k, val = ''] = pair.split(':', 2) as [string, string?];
      if (k === 'rep') e.reps.push(val);
      else if (k === 'cycle' || k === 'rsq' || k === 'code') e[k] = Number(val);
    }
    if (e.reps.length === 0) e.reps.push('*');
    return e;
  });
}

const matchesRep = (e: StatusCodeEntry, repId: string, contentType: string): boolean =>
  e.reps.some((r) => r === '*' || r.toLowerCase() === repId || r === contentType);

/**
 * The code for segment (loop, k) of a Representation, or null. Positions count from the
 * Period start in live and from the presentation start in vod (loop 0 only).
 */
export function statusCodeFor(
  entries: readonly StatusCodeEntry[],
  repId: string,
  contentType: string,
  t: TrackTiming,
  loop: number,
  k: number,
): number | null {
  const position = liveSegment(t, loop, k).position;
  for (const e of entries) {
    if (!matchesRep(e, repId, contentType)) continue;
    const cycleTicks = BigInt(e.cycle) * t.ts;
    const cycleStart = (position / cycleTicks) * cycleTicks;
    // walk back over the segments that start in [cycleStart, position), stopping past rsq
    let index = 0;
    let l = loop;
    let kk = k;
    while (index <= e.rsq) {
      if (kk > 1) kk--;
      else if (l > 0) {
        l--;
        kk = t.count;
      } else break;
      if (liveSegment(t, l, kk).position < cycleStart) break;
      index++;
    }
    if (index === e.rsq) return e.code;
  }
  return null;
}
