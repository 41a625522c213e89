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

/**
 * The clear → encrypted switch as measured in Chromium: dash.js holds the playhead at the first
 * encrypted Period while it sets up the key session (1.0–1.7 s) and renders no frames for a few
 * seconds more (420–580 frames in 20 s instead of 600), so that case is judged with a 2.5 s stall
 * bound (which the latency tolerance grows by) and frames as for 24 fps; Shaka switches without a
 * stop.
 */
const KEY_SWITCH = { dashjs: { stallMs: 2500, fps: 24 }, shaka: { stallMs: 1000, fps: 30 } } as const;

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
  // the same playlist with the late slice's tracks marked encrypted: with drm=clearkey the demo is
  // encrypted on the fly there (§3.4, §8) and stays clear in the early slice
  await createMps(loopcast.server.context.database.db, {
    name: 'keyed',
    title: 'Clear, then encrypted',
    options: {},
    periods: [
      { pid: 'early', stream: 'demo', startMs: 0, durationMs: PERIOD_SECONDS * 1000, tracks },
      {
        pid: 'late',
        stream: 'demo',
        startMs: 30000,
        durationMs: PERIOD_SECONDS * 1000,
        tracks: tracks.map((t) => ({ ...t, encrypted: true })),
      },
    ],
  });
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness?.stop();
  await loopcast?.stop();
});

describe('a two-Period live multi-period stream in dash.js and Shaka', { concurrency: 2 }, () => {
  const cases = [
    { player: 'dashjs', name: 'boundary', query: '' },
    { player: 'shaka', name: 'boundary', query: '' },
    { player: 'dashjs', name: 'keyed', query: '&drm=clearkey' },
    { player: 'shaka', name: 'keyed', query: '&drm=clearkey' },
  ] as const satisfies readonly { player: PlayerName; name: string; query: string }[];
  for (const { player, name, query } of cases) {
    const what =
      name === 'keyed' ? 'from clear into encrypted Periods (ClearKey)' : 'across a Period boundary';
    it(`${player} plays ${what}`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      browser ??= launchChromium();
      const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 40_000)
        .toISOString()
        .replace('.000Z', 'Z');
      const mpd = `${loopcast!.origin}/mps/live/${name}/hand_made.mpd?abr=0&spd=10&start=${start}${query}`;
      const res = await fetch(mpd);
      const manifest = await res.text();
      assert.equal(res.status, 200, manifest);
      assert.match(manifest, /<Period id="early_1"|<Period id="late_0"/);
      if (name === 'keyed') assert.match(manifest, /ClearKey1\.0/);
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
          // a stall adds to the latency for good (no catch-up outside low latency)
          latencyRange: expectedLatencyRange(
            player,
            10,
            manifest,
            2,
            name === 'keyed' ? 2 + KEY_SWITCH[player].stallMs / 1000 : 2,
          ),
          ...(name === 'keyed' ? { fps: KEY_SWITCH[player].fps } : {}),
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
        const allowed = name === 'keyed' ? KEY_SWITCH[player].stallMs : 1000;
        assert.ok(longestStall <= allowed, `${player}: the playhead stood still for ${longestStall} ms`);
        if (name === 'keyed') {
          // the keys switched: this player's licence request to loopcast was answered (the
          // watch above already refused any answer of 400 or more)
          assert.ok(pb.okUrls.has(`${loopcast!.origin}/clearkey`), `${player}: no licence was asked for`);
        }
        // segments of both slices were fetched, from their own Period BaseURLs
        const fetched = [...pb.okUrls].filter((u) => /\/time\/\d+\.m4[va]/.test(u));
        for (const pid of ['early', 'late'])
          assert.ok(
            fetched.some((u) => u.includes(`/mps/live/${name}/${pid}_`)),
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
