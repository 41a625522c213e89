/**
 * loopcast's own streams validate clean (validator.md §9), part 2: multi-period streams (VOD and
 * live across Period boundaries) and the DRM, event, timeline, PIFF and patch variants of bbb,
 * with the checks and tables of test/fixtures/validator/own-streams.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ValidationReport } from '@loopcast/dash';
import { checkOwnStream } from '../fixtures/validator/own-streams.js';
import { createMps } from '../../packages/server/src/multi-period/store.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';

let server: TestServer;
let withBbb = false;

before(async () => {
  server = await startTestServer();
  // a multi-period stream: two slices of the demo (drm-events.md §12.1)
  await createMps(server.server.context.database.db, {
    name: 'demo-two',
    title: 'Demo in two Periods',
    options: {},
    periods: [
      {
        pid: 'intro',
        stream: 'demo',
        startMs: 8000,
        durationMs: 16000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: false },
          { trackId: 2, role: 'main', lang: null, encrypted: false },
        ],
      },
      {
        pid: 'rest',
        stream: 'demo',
        startMs: 0,
        durationMs: 16000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: false },
          { trackId: 2, role: 'main', lang: null, encrypted: false },
        ],
      },
    ],
  });
  if (sharedAvailable()) {
    await addBbbStream(server);
    withBbb = true;
  }
});
after(() => server.stop());

const check = (stream: string, path: string, template: string, mode: string): Promise<ValidationReport> =>
  checkOwnStream(server.origin, stream, path, template, mode);

describe('loopcast stream variants validate clean', { timeout: 120_000 }, () => {
  it('multi-period streams: VOD and live across a Period boundary', async () => {
    const vod = await check('demo', '/mps/vod/demo-two/hand_made.mpd', 'hand_made', 'vod');
    assert.deepEqual([...new Set(vod.codecs.map((c) => c.periodId))], ['intro', 'rest']);
    await check('demo', '/mps/live/demo-two/hand_made.mpd', 'hand_made', 'live');
  });

  it('DRM, events, timelines, PIFF and patch variants', async (t) => {
    if (!withBbb) return t.skip('shared media absent');
    const variants: [string, string][] = [
      ['live', 'drm=all,widevine'],
      ['vod', 'drm=all-cenc,widevine-cenc'],
      ['vod', 'drm=clearkey-moov'],
      ['vod', 'drm=playready&playready__piff=1'],
      ['live', 'events=ping,scte35'],
      ['live', 'events=ping,scte35&ping__inband=0&scte35__inband=0'],
      ['vod', 'events=scte35&scte35__command=time_signal'],
      ['vod', 'timeline=1'],
      ['live', 'timeline=1'],
      ['live', 'patch=1'],
    ];
    for (const [mode, query] of variants) {
      const r = await check('bbb', `/dash/${mode}/bbb/hand_made.mpd?${query}`, 'hand_made', mode);
      if (query.startsWith('drm='))
        assert.ok(
          r.codecs.some((c) => c.encrypted),
          `${query}: encrypted representations`,
        );
    }
  });
});
