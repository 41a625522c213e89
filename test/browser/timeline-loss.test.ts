/**
 * Players across SegmentTimeline gaps (drm-events.md §10.10, §14.4): the demo stream live with
 * `timeline=1` and one 2 s video gap every 20 s. dash.js and Shaka must keep playing (playhead,
 * no player error), never request a missing segment (no 404 in the browser) and stall at most
 * once per gap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireChromium } from '../support/browser/chromium.js';
import type { PlayerName } from '../support/browser/harness-server.js';
import { playerRig, samplePlaying } from '../support/browser/player-rig.js';
import { isEdgeRetry } from '../support/browser/watch.js';

const WATCH_S = 30;
const CYCLE_S = 20;

const seen: string[] = [];
const rig = playerRig({
  configure: (app) =>
    app.addHook('onResponse', (request, reply, done) => {
      seen.push(`${reply.statusCode} ${request.url.split('?')[0]}`);
      done();
    }),
});

describe('players across SegmentTimeline gaps', { concurrency: 2 }, () => {
  for (const player of ['dashjs', 'shaka'] as const satisfies readonly PlayerName[]) {
    // Finding: dash.js 5 never asks for the segment after a gap inside a live SegmentTimeline
    // (its live gap fix covers a gap at a Period start only), so its video stops at the first
    // gap; the test runs and reports, marked todo, while Shaka must pass.
    const todo = player === 'dashjs' ? 'dash.js 5 stops requesting video at a mid-timeline gap' : undefined;
    it(
      `${player} plays across the gaps without requesting a missing segment`,
      { timeout: 80_000, todo },
      async (t) => {
        if (!requireChromium(t)) return;
        const startMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
        const start = new Date(startMs).toISOString().replace('.000Z', 'Z');
        const loss = `segtimelineloss=[{cycle:${CYCLE_S},rsq:4,rep:video}]`;
        const mpd = `${rig.loopcast.origin}/dash/live/demo/hand_made.mpd?abr=0&timeline=1&${loss}&start=${start}`;
        // dash.js jumps only gaps under smallGapLimit (1.5 s by default); a lost 2 s segment is larger
        const settings =
          player === 'dashjs'
            ? {
                streaming: {
                  delay: { liveDelay: 8 },
                  gaps: { jumpGaps: true, jumpLargeGaps: true, smallGapLimit: 3 },
                },
              }
            : {};
        const pb = await rig.open({ player, mpd, settings });
        try {
          const samples = await samplePlaying(pb.page, WATCH_S);
          const a = samples[0]!;
          const b = samples.at(-1)!;
          const wall = (b.wall - a.wall) / 1000;
          // gaps crossed by the playhead: one per cycle, 8–10 s into each (rsq 4 of 2 s segments)
          const gaps = Math.ceil((b.t - a.t) / CYCLE_S) + 1;
          const waiting = b.events.filter((e) => e === 'waiting').length;
          t.diagnostic(
            `${player}: playhead ${a.t.toFixed(1)} → ${b.t.toFixed(1)} s in ${wall.toFixed(1)} s; waiting ${waiting}; ` +
              `HTTP errors ${pb.badResponses.length}; video requests ${seen.filter((x) => x.includes('.m4v')).length}; samples ${samples.map((x) => x.t.toFixed(1)).join(' ')}`,
          );
          assert.deepEqual(b.errors, [], 'player errors');
          assert.ok(
            b.t - a.t >= 0.75 * wall,
            `playhead advanced ${(b.t - a.t).toFixed(1)} s in ${wall.toFixed(1)} s`,
          );
          // stalls: at most one per gap, plus the start
          assert.ok(waiting <= gaps + 1, `${waiting} waiting events for ${gaps} gaps`);
          const bad = pb.badResponses.filter((l) => !isEdgeRetry(pb, l));
          assert.deepEqual(bad, [], 'no missing segment is requested');
        } finally {
          await pb.close();
        }
      },
    );
  }
});
