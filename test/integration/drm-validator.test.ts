/**
 * loopcast's validator over DRM variants of `hand_made` (drm-events.md §14.1, validator.md): the
 * pre-encrypted bbb files and the demo stream encrypted on the fly, with each system, location,
 * PlayReady version and header, and both schemes, MPD and segments. A variant must report no
 * error or warning beyond those of the same stream without DRM.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, validate } from '@loopcast/dash';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';
import { requireShared } from '../support/tools.js';

const VARIANTS = [
  'drm=all',
  'drm=clearkey-cenc-moov',
  'drm=playready&playready__version=1.0',
  'drm=playready-pro-moov&playready__header=4.1',
  'drm=marlin',
  'drm=all&otf=1',
  'drm=all&otf=1&enc_scheme=cbcs',
];

let server: TestServer;
before(async () => {
  server = await startTestServer();
  if (sharedAvailable()) await addBbbStream(server);
});
after(() => server.stop());

async function problems(
  stream: string,
  mode: string,
  query: string,
): Promise<{ codes: string[]; text: string }> {
  const r = await validate(
    {
      url: `${server.origin}/dash/${mode}/${stream}/hand_made.mpd${query ? `?${query}` : ''}`,
      duration: 1,
      encrypted: query !== '',
      media: true,
      concurrency: 4,
    },
    createFetcher({ addressRule: false }),
  );
  const bad = r.issues.filter((i) => i.severity !== 'info');
  return { codes: bad.map((i) => `${i.severity} ${i.code}`).sort(), text: reportText(r) };
}

describe('DRM variants pass the validator', { timeout: 28_000 }, () => {
  for (const stream of ['bbb', 'demo'] as const) {
    it(`${stream}: vod variants report nothing beyond the clear stream`, async (t) => {
      if (stream === 'bbb' && !requireShared(t)) return;
      const clear = await problems(stream, 'vod', '');
      for (const q of stream === 'demo'
        ? VARIANTS.filter((v) => v.includes('otf') || v === 'drm=all')
        : VARIANTS) {
        const got = await problems(stream, 'vod', q);
        assert.deepEqual(got.codes, clear.codes, `${stream} ${q}\n${got.text}`);
      }
    });
  }
});
