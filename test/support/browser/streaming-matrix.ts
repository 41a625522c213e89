/**
 * The streaming-core matrix (issue 6, browser tier): dash.js and Shaka play the demo stream from
 * every manifest template in every mode the template allows (dash.md §6.2) for 20 s each, in
 * Debian's Chromium, judged by decoded frames, drops, player errors, HTTP errors, off-loopback
 * requests and, in live, latency (testing.md §3.3–§3.4).
 *
 * The whole matrix is 17 template × mode pairs × 2 players = 34 playbacks, two at a time (the two
 * players of one pair, in two contexts of one browser): about 21 s a pair, 6 minutes in all. The
 * tier runner gives each file at most 5 minutes (scripts/run-tier.sh, --test-timeout), so the
 * matrix is split by mode over two files, each declaring its part with `declareStreamingMatrix`.
 * `abr=0` keeps one 320×180 video rung so decoding stays cheap. Live uses the real clock (no `now`):
 * players refresh the manifest and keep their own clock.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../loopcast.js';
import { REPO_ROOT } from '../paths.js';
import { launchChromium, requireChromium } from './chromium.js';
import { startHarnessServer, type HarnessServer, type PlayerName } from './harness-server.js';
import { expectedLatencyRange, manifestLatencyTarget } from './live-target.js';
import { openPlayback } from './playback.js';
import { formatFigures, watch } from './watch.js';

export type Mode = 'live' | 'vod' | 'odvod';

/** dash.md §6.2, Modes column; checked against GET /api/manifests below. */
export const TEMPLATE_MODES: Record<string, Mode[]> = {
  hand_made: ['live', 'vod', 'odvod'],
  manifest_a: ['live', 'vod'],
  manifest_b: ['vod'],
  manifest_e: ['live', 'vod'],
  manifest_ef: ['live', 'vod'],
  manifest_h: ['live', 'vod'],
  manifest_i: ['live', 'vod'],
  manifest_n: ['live', 'vod'],
  manifest_vod_aiv: ['odvod'],
};
const PLAYERS: PlayerName[] = ['dashjs', 'shaka'];
const WATCH_SECONDS = 20;
/**
 * The players' live delay when a manifest names no target. SegmentTimeline manifests list only the
 * segments complete at the publish instant, which steps every MUP (4 s for the demo, dash.md §7.4),
 * and players reload them every MUP, so the newest segment a player knows of can be up to 2 × MUP
 * old; with 6 s dash.js ran dry and stalled on manifest_a and manifest_n. Five segments are safe.
 */
const CONFIGURED_LIVE_DELAY = 10;
/** The demo's segment duration, for manifests without MPD@maxSegmentDuration. */
const DEMO_SEGMENT_SECONDS = 2;
const SCREENSHOT = join(REPO_ROOT, 'test-output', 'screenshots', 'player-live-dashjs.png');

/** Player settings for a live delay, used only when the manifest names no latency target. */
function liveDelaySettings(player: PlayerName, delay: number): unknown {
  return player === 'dashjs'
    ? { streaming: { delay: { liveDelay: delay } } }
    : { manifest: { defaultPresentationDelay: delay } };
}

/**
 * Declares, in the calling test file, one browser, one loopcast and one harness server, and the
 * playbacks of every template in the given modes.
 */
export function declareStreamingMatrix(modesWanted: Mode[]): void {
  let loopcast: TestServer | undefined;
  let harness: HarnessServer | undefined;
  let browser: Promise<Browser> | undefined;
  const results: string[] = [];

  before(async () => {
    loopcast = await startTestServer();
    harness = await startHarnessServer();
  });

  after(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await harness?.stop();
    await loopcast?.stop();
    if (results.length)
      console.log(`streaming-core figures (${modesWanted.join(', ')}):\n${results.join('\n')}`);
  });

  /** One browser per file, launched by the first test that needs it (two tests ask at once). */
  function getBrowser(): Promise<Browser> {
    browser ??= launchChromium();
    return browser;
  }

  describe(`streaming core in dash.js and Shaka: ${modesWanted.join(', ')}`, { concurrency: 2 }, () => {
    it('the template matrix matches GET /api/manifests', async () => {
      const res = await fetch(`${loopcast!.origin}/api/manifests`);
      assert.equal(res.status, 200);
      const registry = (await res.json()) as Record<
        string,
        { name: string; restrictions: { mode?: Mode[] } }
      >;
      const served = Object.fromEntries(
        Object.values(registry).map((m) => [m.name, m.restrictions.mode ?? ['live', 'vod', 'odvod']]),
      );
      assert.deepEqual(served, TEMPLATE_MODES);
    });

    for (const [template, modes] of Object.entries(TEMPLATE_MODES)) {
      for (const mode of modes.filter((m) => modesWanted.includes(m))) {
        for (const player of PLAYERS) {
          it(`${player} plays ${mode}/${template}`, { timeout: 90_000 }, async (t) => {
            if (!requireChromium(t)) return;
            const mpd = `${loopcast!.origin}/dash/${mode}/demo/${template}.mpd?abr=0`;
            const live = mode === 'live';
            const res = await fetch(mpd);
            assert.equal(res.status, 200, `${mpd}: HTTP ${res.status}`);
            const manifest = await res.text();
            const manifestTarget = live ? manifestLatencyTarget(manifest) : null;
            const target = manifestTarget ?? CONFIGURED_LIVE_DELAY;
            const latencyRange = live
              ? expectedLatencyRange(player, target, manifest, DEMO_SEGMENT_SECONDS)
              : undefined;
            const settings =
              live && manifestTarget === null ? liveDelaySettings(player, CONFIGURED_LIVE_DELAY) : undefined;
            const screenshot = live && template === 'hand_made' && player === 'dashjs';
            const pb = await openPlayback(await getBrowser(), harness!, {
              player,
              mpd,
              settings,
              allowedOrigins: [loopcast!.origin, harness!.origin],
              ...(screenshot ? { viewport: { width: 1280, height: 800 }, videoWidth: 1280 } : {}),
            });
            try {
              const figures = await watch(pb, { seconds: WATCH_SECONDS, live, latencyRange });
              const line = `${player.padEnd(6)} ${mode.padEnd(5)} ${template.padEnd(16)} ${formatFigures(figures)}${
                latencyRange
                  ? ` expected ${latencyRange.map((v) => v.toFixed(2)).join('–')} s (target ${target} s, ${manifestTarget === null ? 'configured' : 'manifest'})`
                  : ''
              }`;
              results.push(line);
              t.diagnostic(line);
              if (screenshot) {
                mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
                await pb.page.screenshot({ path: SCREENSHOT });
                t.diagnostic(`screenshot: ${SCREENSHOT}`);
              }
            } finally {
              await pb.close();
            }
          });
        }
      }
    }
  });
}
