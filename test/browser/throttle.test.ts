/**
 * ABR under throttling (drm-events.md §10.9, §14.4): the demo stream live with every video
 * response capped at 45000 B/s (360 kbit/s: below demo_v1's ~68 kB per second of media, above
 * demo_v2's ~33 kB). Started on the top Representation, dash.js and Shaka must switch down and
 * keep playing; the server's log of video requests proves it (none for demo_v1 in the last 12 s).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import {
  startHarnessServer,
  type HarnessServer,
  type PlayerName,
} from '../support/browser/harness-server.js';
import { openPlayback } from '../support/browser/playback.js';
import { snapshot, type Snapshot } from '../support/browser/watch.js';

const WATCH_S = 30;
const LAST_MS = 12_000;

let loopcast: TestServer;
let harness: HarnessServer;
let browser: Promise<Browser> | undefined;
const seen: { url: string; at: number }[] = [];

before(async () => {
  loopcast = await startTestServer({
    configure: (app) =>
      app.addHook('onRequest', (request, _reply, done) => {
        seen.push({ url: request.url, at: Date.now() });
        done();
      }),
  });
  harness = await startHarnessServer();
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness.stop();
  await loopcast.stop();
});

async function play(page: Page, seconds: number): Promise<Snapshot[]> {
  const deadline = Date.now() + 15_000;
  let s = await snapshot(page);
  while (!(s.t > 0 && s.events.includes('playing'))) {
    assert.ok(Date.now() < deadline, `no playback within 15 s: ${JSON.stringify(s)}`);
    await page.waitForTimeout(200);
    s = await snapshot(page);
  }
  const out = [s];
  for (let i = 0; i < seconds; i++) {
    await page.waitForTimeout(1000);
    out.push(await snapshot(page));
  }
  return out;
}

describe('ABR under a video rate cap', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as const satisfies readonly PlayerName[]) {
    it(`${player} switches down from demo_v1 and keeps playing`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      // a start of its own per player keeps the parallel playbacks apart in the server's log
      const startMs = Math.floor(Date.now() / 1000) * 1000 - (player === 'shaka' ? 62_000 : 60_000);
      const start = new Date(startMs).toISOString().replace('.000Z', 'Z');
      const mpd = `${loopcast.origin}/dash/live/demo/hand_made.mpd?abr=1&rate=video:45000&start=${start}`;
      browser ??= launchChromium();
      // both start on the top Representation (dash.js from its initial bitrate, Shaka from a
      // high default estimate), so any switch is down
      const settings =
        player === 'shaka'
          ? { abr: { enabled: true, defaultBandwidthEstimate: 2_000_000 } }
          : {
              streaming: {
                delay: { liveDelay: 8 },
                abr: { initialBitrate: { video: 2000 }, autoSwitchBitrate: { video: true } },
              },
            };
      const pb = await openPlayback(await browser, harness, {
        player,
        mpd,
        settings,
        allowedOrigins: [loopcast.origin, harness.origin],
      });
      try {
        const samples = await play(pb.page, WATCH_S);
        const a = samples[0]!;
        const b = samples.at(-1)!;
        const wall = (b.wall - a.wall) / 1000;
        const video = seen.filter((s) => s.url.includes(`start=${start}`) && /\/\d+\.m4v\?/.test(s.url));
        const rep = (s: { url: string }) => /\/(demo_v\d)\//.exec(s.url)?.[1] ?? '?';
        const end = Date.now();
        const last = video.filter((s) => s.at >= end - LAST_MS).map(rep);
        t.diagnostic(
          `${player}: video requests ${video.map(rep).join(' ')}; playhead +${(b.t - a.t).toFixed(1)} s in ` +
            `${wall.toFixed(1)} s; waiting ${b.events.filter((e) => e === 'waiting').length}`,
        );
        assert.deepEqual(b.errors, [], 'player errors');
        assert.ok(
          b.t - a.t >= 0.75 * wall,
          `playhead advanced ${(b.t - a.t).toFixed(1)} s in ${wall.toFixed(1)} s`,
        );
        assert.ok(
          video.some((s) => rep(s) === 'demo_v1'),
          'started on the top Representation',
        );
        assert.ok(last.length > 0, 'video requests in the last 12 s');
        assert.ok(!last.includes('demo_v1'), `still demo_v1 in the last 12 s: ${last.join(' ')}`);
        // a 425 at the live edge that the player retried with success is fine (watch.ts)
        const bad = pb.badResponses.filter((l) => !(l.startsWith('425 ') && pb.okUrls.has(l.slice(4))));
        assert.deepEqual(bad, [], 'HTTP errors seen by the browser');
      } finally {
        await pb.close();
      }
    });
  }
});
