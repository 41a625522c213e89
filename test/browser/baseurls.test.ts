/**
 * BaseURL failover in players (drm-events.md §10.8, §14.4): the demo stream live with two
 * BaseURLs and a 20 s down window on `bu0/` that starts about 10 s into playback. dash.js and
 * Shaka must keep playing (testing.md §3.3: playhead, decoded frames, no player error but
 * dash.js's report of the failed `bu0/` downloads that make it switch); the
 * server counts requests per prefix: every failed answer is under `bu0/` inside the down window,
 * and requests under `bu1/` appear after the first failure.
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
import { DEMO_FPS, snapshot, type Snapshot } from '../support/browser/watch.js';

const WATCH_S = 32;
const CYCLE_S = 60;

interface Seen {
  url: string;
  status: number;
  at: number;
}

let loopcast: TestServer;
let harness: HarnessServer;
let browser: Promise<Browser> | undefined;
const seen: Seen[] = [];

before(async () => {
  loopcast = await startTestServer({
    configure: (app) =>
      app.addHook('onResponse', (request, reply, done) => {
        seen.push({ url: request.url, status: reply.statusCode, at: Date.now() });
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

/**
 * A pattern of a 60 s cycle whose 20 s down state starts at `downAt` (ms, wall clock): the
 * pattern follows the epoch, so the up state before it is as long as needed.
 */
function downWindow(downAt: number): { pattern: string; from: number; to: number } {
  const from = Math.ceil(downAt / 1000) * 1000;
  const x = (from / 1000) % CYCLE_S;
  const pattern =
    x === 0 ? 'd20u40' : x <= 40 ? `u${x}d20${x < 40 ? `u${40 - x}` : ''}` : `d${x - 40}u40d${60 - x}`;
  return { pattern, from, to: from + 20_000 };
}

/** Playhead, frames and errors, once a second for `seconds` after the first frame. */
async function play(pb: { page: Page }, seconds: number): Promise<Snapshot[]> {
  const deadline = Date.now() + 15_000;
  let s = await snapshot(pb.page);
  while (!(s.t > 0 && s.events.includes('playing'))) {
    assert.ok(Date.now() < deadline, `no playback within 15 s: ${JSON.stringify(s)}`);
    await pb.page.waitForTimeout(200);
    s = await snapshot(pb.page);
  }
  const out = [s];
  for (let i = 0; i < seconds; i++) {
    await pb.page.waitForTimeout(1000);
    out.push(await snapshot(pb.page));
  }
  return out;
}

describe('BaseURL failover in players', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as const satisfies readonly PlayerName[]) {
    it(`${player} moves to bu1/ while bu0/ is down and keeps playing`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      const w = downWindow(Date.now() + 10_000);
      // a start of its own per player (carried to every segment URL) keeps the two parallel
      // playbacks apart in the server's log
      const startMs = Math.floor(Date.now() / 1000) * 1000 - (player === 'shaka' ? 62_000 : 60_000);
      const start = new Date(startMs).toISOString().replace('.000Z', 'Z');
      const query = `abr=0&baseurls=2&outage=${w.pattern},-&start=${start}`;
      const mpd = `${loopcast.origin}/dash/live/demo/hand_made.mpd?${query}`;
      browser ??= launchChromium();
      const settings =
        player === 'shaka'
          ? { streaming: { retryParameters: { maxAttempts: 3, baseDelay: 200, timeout: 4000 } } }
          : { streaming: { delay: { liveDelay: 8 } } };
      const pb = await openPlayback(await browser, harness, {
        player,
        mpd,
        settings,
        allowedOrigins: [loopcast.origin, harness.origin],
      });
      try {
        const samples = await play(pb, WATCH_S);
        const a = samples[0]!;
        const b = samples.at(-1)!;
        const wall = (b.wall - a.wall) / 1000;
        const mine = seen.filter((s) => s.url.includes(`start=${start}`) && /\.m4[va]\?/.test(s.url));
        // a 425 at the live edge that the player then fetched successfully is an edge retry
        // (watch.ts isEdgeRetry), not a failure of either BaseURL
        const okUrls = new Set(mine.filter((s) => s.status < 400).map((s) => s.url));
        const failed = mine.filter((s) => s.status >= 400 && !(s.status === 425 && okUrls.has(s.url)));
        const firstFail = failed[0]?.at ?? Infinity;
        const bu1After = mine.filter((s) => s.url.includes('/bu1/') && s.at >= firstFail);
        const count = (p: string) => mine.filter((s) => s.url.includes(p)).length;
        t.diagnostic(
          `${player}: pattern ${w.pattern}; bu0 ${count('/bu0/')} requests (${failed.length} failed), ` +
            `bu1 ${count('/bu1/')}; playhead +${(b.t - a.t).toFixed(1)} s in ${wall.toFixed(1)} s; ` +
            `frames +${b.frames - a.frames}; waiting ${b.events.filter((e) => e === 'waiting').length}`,
        );
        // dash.js 5 reports each failed download (error 27) before it takes the serviceLocation
        // out of its list; any other error, or one for bu1/, fails the test
        const unexpected = b.errors.filter(
          (e) => !(player === 'dashjs' && /^dashjs \{"code":27,"message":"[^"]*\/bu0\//.test(e)),
        );
        assert.deepEqual(unexpected, [], `player errors ${JSON.stringify(unexpected).slice(0, 600)}`);
        assert.ok(b.errors.length <= failed.length, 'at most one report per failed download');
        assert.ok(
          b.t - a.t >= 0.75 * wall,
          `playhead advanced ${(b.t - a.t).toFixed(1)} s in ${wall.toFixed(1)} s`,
        );
        assert.ok(b.frames - a.frames >= 0.7 * DEMO_FPS * wall, 'video keeps decoding');
        assert.ok(failed.length >= 1, 'the player met the outage');
        for (const f of failed) {
          assert.match(f.url, /\/bu0\//, `failed outside bu0: ${f.status} ${f.url}`);
          assert.ok(f.at >= w.from - 500 && f.at <= w.to + 500, `failure outside the down window: ${f.url}`);
        }
        assert.ok(bu1After.length > 0, 'requests move to bu1/ after the first failure');
        assert.deepEqual(pb.offHost, []);
      } finally {
        await pb.close();
      }
    });
  }
});
