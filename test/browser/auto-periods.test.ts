/**
 * Automatic periods in players (dash.md §7.15, issue 13 item 2): dash.js and Shaka play the demo
 * cut into 8 s Periods (`periods=8s&continuous=1`, each Period with its own presentationTimeOffset
 * and a period-continuity or -connectivity descriptor) across at least two Period boundaries in
 * Chromium, with decoded frames, no HTTP or player error and no stall over 1 s. The demo's text
 * segments last 4 s, so 8 s is its shortest valid Period length with `$Number$`; boundaries come
 * every 8 s and a 20 s watch crosses two of them whatever the phase.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import {
  startHarnessServer,
  type HarnessServer,
  type PlayerName,
} from '../support/browser/harness-server.js';
import { expectedLatencyRange } from '../support/browser/live-target.js';
import { openPlayback } from '../support/browser/playback.js';
import { formatFigures, snapshot, watch, type Snapshot } from '../support/browser/watch.js';

const PERIOD_SECONDS = 8;
const WATCH_SECONDS = 20;
const SPD = 10;

let loopcast: TestServer | undefined;
let harness: HarnessServer | undefined;
let browser: Promise<Browser> | undefined;

before(async () => {
  loopcast = await startTestServer();
  harness = await startHarnessServer();
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness?.stop();
  await loopcast?.stop();
});

describe('automatic periods in dash.js and Shaka', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as const satisfies readonly PlayerName[]) {
    it(
      `${player} plays across two automatic Period boundaries without a stall`,
      { timeout: 80_000 },
      async (t) => {
        if (!requireChromium(t)) return;
        browser ??= launchChromium();
        // a stream that began 60 s ago: Period ids stay small and the window holds several Periods
        const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
          .toISOString()
          .replace('.000Z', 'Z');
        const mpd =
          `${loopcast!.origin}/dash/live/demo/hand_made.mpd?abr=0&spd=${SPD}&start=${start}` +
          `&periods=${PERIOD_SECONDS}s&continuous=1`;
        const res = await fetch(mpd);
        const manifest = await res.text();
        assert.equal(res.status, 200, manifest);
        const periods = [...manifest.matchAll(/<Period id="p(\d+)" start="([^"]+)"/g)];
        assert.ok(periods.length >= 2, `several Periods listed: ${periods.map((p) => p[1]).join(',')}`);
        assert.match(manifest, /urn:mpeg:dash:period-continuity:2015/);
        const ptos = new Set([...manifest.matchAll(/presentationTimeOffset="(\d+)"/g)].map((m) => m[1]));
        assert.ok(ptos.size >= periods.length, 'a presentationTimeOffset per Period');

        const pb = await openPlayback(await browser, harness!, {
          player,
          mpd,
          // dash.js fetches text right at the live edge, so a subtitle segment asked a few ms early
          // (425) can fall on the last second of the watch before its retry; Shaka streams no text
          // while none is shown. The text sets stay in every Period of the MPD all the same.
          ...(player === 'dashjs' ? { settings: { streaming: { text: { defaultEnabled: false } } } } : {}),
          allowedOrigins: [loopcast!.origin, harness!.origin],
        });
        try {
          const first = await snapshotWhenPlaying(pb.page);
          const firstPeriod = await activePeriod(pb.page, player);
          // the playhead sampled every 100 ms in the page: a stall is the playhead standing still
          await pb.page.evaluate(`(() => {
          const v = document.getElementById('v');
          window.playhead = [];
          setInterval(() => window.playhead.push([Date.now(), v.currentTime]), 100);
        })()`);
          const figures = await watch(pb, {
            seconds: WATCH_SECONDS,
            live: true,
            latencyRange: expectedLatencyRange(player, SPD, manifest, 2, 2),
          });
          const last = await snapshot(pb.page);
          const lastPeriod = await activePeriod(pb.page, player);
          const samples = await pb.page.evaluate<[number, number][]>('window.playhead');
          let frozen = 0;
          let longestStall = 0;
          for (let i = 1; i < samples.length; i++) {
            frozen = samples[i]![1] === samples[i - 1]![1] ? frozen + samples[i]![0] - samples[i - 1]![0] : 0;
            longestStall = Math.max(longestStall, frozen);
          }
          // the playhead is presentation time after AST, so Period j starts at j·8 s on it
          const crossed = Math.floor(last.t / PERIOD_SECONDS) - Math.floor(first.t / PERIOD_SECONDS);
          t.diagnostic(
            `${player}: ${formatFigures(figures)}; playhead ${first.t.toFixed(2)} → ${last.t.toFixed(2)} s; ` +
              `${crossed} boundaries; longest stall ${longestStall} ms; Period ${firstPeriod} → ${lastPeriod}`,
          );
          assert.ok(crossed >= 2, `${player} crossed ${crossed} boundaries (${first.t} → ${last.t})`);
          assert.ok(longestStall <= 1000, `${player}: the playhead stood still for ${longestStall} ms`);
          // dash.js names the Period it plays: the player itself moved on by as many Periods
          if (player === 'dashjs') {
            const index = (id: string | null) => Number(/^p(\d+)$/.exec(id ?? '')?.[1] ?? NaN);
            // it names the new one a moment after the playhead passes its start: a boundary crossed
            // less than 0.5 s before the last sample may not be named yet
            const moved = index(lastPeriod) - index(firstPeriod);
            const justCrossed = last.t % PERIOD_SECONDS < 0.5;
            assert.ok(
              moved === crossed || (justCrossed && moved === crossed - 1),
              `${firstPeriod} → ${lastPeriod} for ${crossed} boundaries (playhead ${last.t.toFixed(2)} s)`,
            );
          }
        } finally {
          await pb.close();
        }
      },
    );
  }
});

/** The first snapshot once the player is really playing (watch() waits the same way). */
async function snapshotWhenPlaying(page: Parameters<typeof snapshot>[0]): Promise<Snapshot> {
  for (let i = 0; i < 150; i++) {
    const s = await snapshot(page);
    if (s.t > 0 && !s.paused && s.events.includes('playing')) return s;
    await page.waitForTimeout(100);
  }
  return snapshot(page);
}

/** The id of the Period dash.js plays (Shaka has no public getter); null for Shaka. */
function activePeriod(page: Parameters<typeof snapshot>[0], player: PlayerName): Promise<string | null> {
  if (player !== 'dashjs') return Promise.resolve(null);
  return page.evaluate<string | null>(`(() => {
    try { return window.probe.player.getActiveStream().getStreamInfo().id; } catch { return null; }
  })()`);
}
