/**
 * ABR under throttling (drm-events.md §10.9, §14.4): the demo stream live with every video
 * response capped at 45000 B/s (360 kbit/s: below demo_v1's ~68 kB per second of media, above
 * demo_v2's ~33 kB). Started on the top Representation, dash.js and Shaka must switch down and
 * keep playing; the server's log of video requests proves it (none for demo_v1 in the last 12 s).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireChromium } from '../support/browser/chromium.js';
import type { PlayerName } from '../support/browser/harness-server.js';
import { playerRig, samplePlaying } from '../support/browser/player-rig.js';
import { isEdgeRetry } from '../support/browser/watch.js';

const WATCH_S = 30;
const LAST_MS = 12_000;

const seen: { url: string; at: number }[] = [];
const rig = playerRig({
  configure: (app) =>
    app.addHook('onRequest', (request, _reply, done) => {
      seen.push({ url: request.url, at: Date.now() });
      done();
    }),
});

describe('ABR under a video rate cap', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as const satisfies readonly PlayerName[]) {
    it(`${player} switches down from demo_v1 and keeps playing`, { timeout: 80_000 }, async (t) => {
      if (!requireChromium(t)) return;
      // a start of its own per player keeps the parallel playbacks apart in the server's log
      const startMs = Math.floor(Date.now() / 1000) * 1000 - (player === 'shaka' ? 62_000 : 60_000);
      const start = new Date(startMs).toISOString().replace('.000Z', 'Z');
      const mpd = `${rig.loopcast.origin}/dash/live/demo/hand_made.mpd?abr=1&rate=video:45000&start=${start}`;
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
      const pb = await rig.open({ player, mpd, settings });
      try {
        const samples = await samplePlaying(pb.page, WATCH_S);
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
        const bad = pb.badResponses.filter((l) => !isEdgeRetry(pb, l));
        assert.deepEqual(bad, [], 'HTTP errors seen by the browser');
      } finally {
        await pb.close();
      }
    });
  }
});
