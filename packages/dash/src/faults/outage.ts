/**
 * BaseURL outages (drm-events.md §10.8): pattern k of `outage` applies to requests whose BaseURL
 * index is k; its state follows the wall clock (the pinned `now` when given), counted from the
 * Unix epoch, so every node and client agree without state.
 */
import type { FaultUsage } from './errors.js';

export type OutageState = 'u' | 'd' | 's' | 'h';

/** What an outage does to one segment request. */
export type OutageEffect =
  | { kind: 'up' }
  /** `d`: answered at once with `outage__code`. */
  | { kind: 'down'; code: number; usage: FaultUsage }
  /** `h`: nothing sent for `ms`, then 503. */
  | { kind: 'hang'; ms: number; usage: FaultUsage }
  /** `s`: `ms` added to the request's delay (§10.9), then served as usual. */
  | { kind: 'slow'; ms: number };

export interface OutageOptions {
  outage: readonly string[];
  outage__code: number;
  outage__hang: number;
  outage__slow: number;
}

/** The state of one pattern (`-` or `<state><seconds>…`, already validated) at `nowMs`. */
export function outageState(pattern: string | undefined, nowMs: number): OutageState {
  if (pattern === undefined || pattern === '-') return 'u';
  const parts = [...pattern.toLowerCase().matchAll(/([udsh])([0-9]+)/g)].map(
    (m) => [m[1] as OutageState, Number(m[2]) * 1000] as const,
  );
  const cycle = parts.reduce((sum, [, ms]) => sum + ms, 0);
  if (cycle <= 0) return 'u';
  let x = ((nowMs % cycle) + cycle) % cycle;
  for (const [state, ms] of parts) {
    if (x < ms) return state;
    x -= ms;
  }
  return 'u';
}

/** The outage effect for a request under BaseURL `index` (0 without a `bu{i}` part). */
export function outageEffect(
  options: OutageOptions,
  index: number,
  usage: FaultUsage,
  nowMs: number,
): OutageEffect {
  switch (outageState(options.outage[index], nowMs)) {
    case 'd':
      return { kind: 'down', code: options.outage__code, usage };
    case 'h':
      return { kind: 'hang', ms: options.outage__hang, usage };
    case 's':
      return { kind: 'slow', ms: options.outage__slow };
    default:
      return { kind: 'up' };
  }
}
