/**
 * Multi-period streams in players (drm-events.md §14.2): dash.js and Shaka play a two-Period live
 * multi-period stream of the demo across Period boundaries in Chromium, with decoded frames, no
 * HTTP or player error and no stall over 1 s. The playlist is two 12 s slices of the demo (from
 * 0 s and from 30 s), so a boundary comes every 12 s; `start=` is pinned 40 s before load so the
 * players (10 s behind the clock, `spd=10`) meet the first boundary a few seconds after starting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createMps } from '../../packages/server/src/multi-period/store.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import {
  startHarnessServer,
  type HarnessServer,
  type PlayerName,
} from '../support/browser/harness-server.js';
import { expectedLatencyRange } from '../support/browser/live-target.js';
import { openPlayback } from '../support/browser/playback.js';
import { formatFigures, snapshot, watch } from '../support/browser/watch.js';

const PERIOD_SECONDS = 12;
const WATCH_SECONDS = 20;
const tracks = [
  { trackId: 1, role: 'main' as const, lang: null, encrypted: false },
  { trackId: 2, role: 'main' as const, lang: null, encrypted: false },
];

let loopcast: TestServer | undefined;
let harness: HarnessServer | undefined;
let browser: Promise<Browser> | undefined;

before(async () => {
  loopcast = await startTestServer();
  harness = await startHarnessServer();
  await createMps(loopcast.server.context.database.db, {
    name: 'boundary',
    title: 'Two slices of the demo',
    options: {},
    periods: [
      { pid: 'early', stream: 'demo', startMs: 0, durationMs: PERIOD_SECONDS * 1000, tracks },
      { pid: 'late', stream: 'demo', startMs: 30000, durationMs: PERIOD_SECONDS * 1000, tracks },
    ],
  });
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness?.stop();
  await loopcast?.stop();
});

describe('a two-Period live multi-period stream in dash.js and Shaka', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as PlayerName[]) {
    it(`${player} plays across a Period boundary`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      browser ??= launchChromium();
      const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 40_000)
        .toISOString()
        .replace('.000Z', 'Z');
      const mpd = `${loopcast!.origin}/mps/live/boundary/hand_made.mpd?abr=0&spd=10&start=${start}`;
      const res = await fetch(mpd);
      const manifest = await res.text();
      assert.equal(res.status, 200, manifest);
      assert.match(manifest, /<Period id="early_1"|<Period id="late_0"/);
      const pb = await openPlayback(await browser, harness!, {
        player,
        mpd,
        allowedOrigins: [loopcast!.origin, harness!.origin],
      });
      try {
        const first = await snapshotWhenPlaying(pb.page);
        // the playhead sampled every 100 ms in the page: a stall is the playhead standing still
        await pb.page.evaluate(`(() => {
          const v = document.getElementById('v');
          window.playhead = [];
          setInterval(() => window.playhead.push([Date.now(), v.currentTime]), 100);
        })()`);
        const figures = await watch(pb, {
          seconds: WATCH_SECONDS,
          live: true,
          latencyRange: expectedLatencyRange(player, 10, manifest, 2),
        });
        const last = await snapshot(pb.page);
        const samples = await pb.page.evaluate<[number, number][]>('window.playhead');
        let frozen = 0;
        let longestStall = 0;
        for (let i = 1; i < samples.length; i++) {
          frozen = samples[i]![1] === samples[i - 1]![1] ? frozen + samples[i]![0] - samples[i - 1]![0] : 0;
          longestStall = Math.max(longestStall, frozen);
        }
        t.diagnostic(
          `${player}: ${formatFigures(figures)}; playhead ${first.t.toFixed(2)} → ${last.t.toFixed(2)} s; ` +
            `longest stall ${longestStall} ms`,
        );
        // the playhead (presentation time after AST) passed a multiple of 12 s: a Period boundary
        const boundary = Math.ceil(first.t / PERIOD_SECONDS) * PERIOD_SECONDS;
        assert.ok(
          last.t > boundary + 1,
          `${player} did not cross the boundary at ${boundary} s (${first.t} → ${last.t})`,
        );
        assert.ok(longestStall <= 1000, `${player}: the playhead stood still for ${longestStall} ms`);
        // segments of both slices were fetched, from their own Period BaseURLs
        const fetched = [...pb.okUrls].filter((u) => /\/time\/\d+\.m4[va]/.test(u));
        for (const pid of ['early', 'late'])
          assert.ok(
            fetched.some((u) => u.includes(`/mps/live/boundary/${pid}_`)),
            `${player}: no segment of ${pid} among ${fetched.length}`,
          );
      } finally {
        await pb.close();
      }
    });
  }
});

/** The first snapshot once the player is really playing (watch() waits the same way). */
async function snapshotWhenPlaying(page: Parameters<typeof snapshot>[0]) {
  for (let i = 0; i < 150; i++) {
    const s = await snapshot(page);
    if (s.t > 0 && !s.paused && s.events.includes('playing')) return s;
    await page.waitForTimeout(100);
  }
  return snapshot(page);
}
