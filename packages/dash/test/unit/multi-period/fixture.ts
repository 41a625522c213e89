/** A two-Period multi-period stream over the demo (60 s) and bbb (40 s) fixtures. */
import { fixtureStream } from '../../fixtures/streams.js';
import type { MultiPeriodStream } from '../../../src/multi-period/model.js';
import { resolveMpsOptions } from '../../../src/multi-period/options.js';
import { buildMpsManifest } from '../../../src/multi-period/manifest.js';

export const demo = fixtureStream('demo');
export const bbb = fixtureStream('bbb');

/** p1: demo 10–42 s (32 s, 2 s segments); p2: bbb 0–40 s (the whole source). */
export function twoPeriods(options: Record<string, unknown> = {}): MultiPeriodStream {
  return {
    name: 'two-periods',
    title: 'Two Periods',
    options,
    periods: [
      {
        pid: 'p1',
        stream: demo,
        startMs: 10000,
        durationMs: 32000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: false },
          { trackId: 2, role: 'main', lang: 'en', encrypted: false },
        ],
      },
      {
        pid: 'p2',
        stream: bbb,
        startMs: 0,
        durationMs: 40000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: true },
          { trackId: 2, role: 'dub', lang: 'fr', encrypted: false },
        ],
      },
    ],
  };
}

export const ORIGIN = 'http://localhost:5000';

export function mpsManifest(mps: MultiPeriodStream, mode: 'live' | 'vod', query: string, nowMs: number) {
  const resolved = resolveMpsOptions(mps, null, new URLSearchParams(query), mode, 'manifest');
  if (resolved.issues.length > 0) throw new Error(JSON.stringify(resolved.issues));
  return buildMpsManifest({ mps, mode, resolved, nowMs, origin: ORIGIN });
}
