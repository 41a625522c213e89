/**
 * ClearKey playback through loopcast's licence server (drm-events.md §14.2): dash.js and Shaka in
 * Chromium play the pre-encrypted bbb files (`drm=clearkey`, key derived from the test seed and
 * answered by POST /clearkey) and the clear demo stream encrypted on the fly (`drm=clearkey`,
 * `otf=auto`, `cenc` and `cbcs`). The players find the licence URL in the MPD (`dashif:Laurl`); the harness
 * runs on another origin, so the licence exchange also proves CORS. Decoded frames must grow, and
 * the licence server must have been asked. With a wrong key in the store dash.js raises an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';
import { requireShared } from '../support/tools.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import {
  startHarnessServer,
  type HarnessServer,
  type PlayerName,
} from '../support/browser/harness-server.js';
import { openPlayback } from '../support/browser/playback.js';
import { formatFigures, snapshot, watch } from '../support/browser/watch.js';

const WATCH_SECONDS = 6;

let loopcast: TestServer | undefined;
let harness: HarnessServer | undefined;
let browser: Promise<Browser> | undefined;
const licences: string[] = [];

before(async () => {
  loopcast = await startTestServer({
    configure: (app) =>
      app.addHook('onResponse', (request, reply, done) => {
        if (request.url === '/clearkey' && request.method === 'POST') licences.push(String(reply.statusCode));
        done();
      }),
  });
  if (sharedAvailable()) await addBbbStream(loopcast);
  harness = await startHarnessServer();
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness?.stop();
  await loopcast?.stop();
});

const cases: { stream: 'bbb' | 'demo'; player: PlayerName; fps: number; scheme?: 'cbcs' }[] = [
  { stream: 'bbb', player: 'dashjs', fps: 24 },
  { stream: 'bbb', player: 'shaka', fps: 24 },
  { stream: 'demo', player: 'dashjs', fps: 30 },
  { stream: 'demo', player: 'shaka', fps: 30 },
  { stream: 'demo', player: 'dashjs', fps: 30, scheme: 'cbcs' },
  { stream: 'demo', player: 'shaka', fps: 30, scheme: 'cbcs' },
];

// one playback at a time: two decoders at once on a loaded two-core machine drop frames
describe('ClearKey playback in Chromium', { concurrency: 1 }, () => {
  for (const c of cases) {
    const what =
      c.stream === 'bbb' ? 'pre-encrypted bbb' : `demo encrypted on the fly (${c.scheme ?? 'cenc'})`;
    it(`${c.player} plays ${what} with drm=clearkey`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      if (c.stream === 'bbb' && !requireShared(t)) return;
      const scheme = c.scheme ? `&enc_scheme=${c.scheme}` : '';
      const mpd = `${loopcast!.origin}/dash/vod/${c.stream}/hand_made.mpd?abr=0&drm=clearkey${scheme}`;
      const manifest = await (await fetch(mpd)).text();
      assert.match(manifest, /ClearKey1\.0/);
      browser ??= launchChromium();
      const before = licences.length;
      const pb = await openPlayback(await browser, harness!, {
        player: c.player,
        mpd,
        allowedOrigins: [loopcast!.origin, harness!.origin],
      });
      try {
        const figures = await watch(pb, {
          seconds: WATCH_SECONDS,
          live: false,
          fps: c.fps,
          startTimeout: 20_000,
        });
        t.diagnostic(`${c.player} ${c.stream} ${c.scheme ?? ''} ${formatFigures(figures)}`);
        assert.ok(licences.length > before, 'the player asked loopcast for a licence');
        assert.ok(
          licences.slice(before).every((s) => s === '200'),
          licences.join(' '),
        );
      } finally {
        await pb.close();
      }
    });
  }
});

describe('ClearKey with a wrong key in the store', () => {
  it('dash.js raises an error for bbb', { timeout: 60_000 }, async (t) => {
    if (!requireChromium(t) || !requireShared(t)) return;
    const { db } = loopcast!.server.context.database;
    // the licence server now hands out a key that does not decrypt the bbb files
    await db
      .updateTable('keys')
      .set({ key: '00112233445566778899aabbccddeeff', computed: 0 })
      .where('kid', '=', '1ab45440532c439994dc5c5ad9584bac')
      .execute();
    browser ??= launchChromium();
    const mpd = `${loopcast!.origin}/dash/vod/bbb/hand_made.mpd?abr=0&drm=clearkey`;
    const pb = await openPlayback(await browser, harness!, {
      player: 'dashjs',
      mpd,
      allowedOrigins: [loopcast!.origin, harness!.origin],
    });
    try {
      let last = await snapshot(pb.page);
      for (let i = 0; i < 150 && last.errors.length === 0; i++) {
        await pb.page.waitForTimeout(100);
        last = await snapshot(pb.page);
      }
      t.diagnostic(`errors ${JSON.stringify(last.errors).slice(0, 300)}; frames ${last.frames}`);
      assert.ok(last.errors.length > 0, `no player error; frames ${last.frames}`);
    } finally {
      await pb.close();
    }
  });
});
