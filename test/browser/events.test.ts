/**
 * Events in dash.js (drm-events.md §14.2, testing.md §3.6): the demo stream live, on the real
 * clock, with ping events every 2 s and SCTE-35 every 4 s — in band as emsg v0 and v1, and in the
 * MPD. dash.js hands each event to the handler registered for its scheme when the playhead reaches
 * it; the probe records id, presentation time, playhead and payload, which must follow §9.2's
 * schedule (t_i = i × interval, counted from the availabilityStartTime) and §9.5/§9.6's payloads.
 * Two playbacks at once (testing.md §3.7), then the third.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { spliceInfoSection } from '@loopcast/dash';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startHarnessServer, type HarnessServer } from '../support/browser/harness-server.js';
import { openPlayback } from '../support/browser/playback.js';
import { formatFigures, watch } from '../support/browser/watch.js';

const PING = 'urn:dash-live:pingpong:2022';
const SCTE_INBAND = 'urn:scte:scte35:2013:bin';
const SCTE_MPD = 'urn:scte:scte35:2014:xml+bin';
const WATCH_S = 12;

interface Logged {
  scheme: string;
  id: number;
  /** dash.js calculatedPresentationTime, seconds of the Period. */
  at: number;
  /** video.currentTime when dash.js raised the event (null for Shaka). */
  playhead: number | null;
  data: number[] | string | null;
}

const VARIANTS = [
  {
    name: 'ping v0 and SCTE-35 (v1) in band',
    query: 'events=ping,scte35&ping__interval=200&scte35__interval=400',
    expect: [PING, SCTE_INBAND],
  },
  {
    name: 'ping v1 in band, SCTE-35 in the MPD',
    query: 'events=ping,scte35&ping__interval=200&ping__version=1&scte35__interval=400&scte35__inband=0',
    expect: [PING, SCTE_MPD],
  },
  { name: 'ping in the MPD', query: 'events=ping&ping__interval=200&ping__inband=0', expect: [PING] },
  {
    name: 'Shaka: ping v0 and SCTE-35 (v1) in band, as emsg events',
    query: 'events=ping,scte35&ping__interval=200&scte35__interval=400',
    expect: [PING, SCTE_INBAND],
    player: 'shaka' as const,
  },
];
const INTERVAL_S: Record<string, number> = { [PING]: 2, [SCTE_INBAND]: 4, [SCTE_MPD]: 4 };

let loopcast: TestServer;
let harness: HarnessServer;
let browser: Promise<Browser> | undefined;

before(async () => {
  loopcast = await startTestServer();
  harness = await startHarnessServer();
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness.stop();
  await loopcast.stop();
});

/**
 * Shaka raises every in-band box of a signalled scheme as an `emsg` event when it parses the
 * segment (testing.md §3.6), ahead of the playhead: no playhead check for it.
 */
const RECORD_SHAKA = `(() => {
  window.eventLog = [];
  const v = document.getElementById('v');
  window.probe.player.addEventListener('emsg', (e) => {
    const d = e.detail;
    window.eventLog.push({ scheme: d.schemeIdUri, id: d.id, at: d.startTime, playhead: null,
      data: Array.from(d.messageData) });
  });
})()`;

/** Registers a recording handler per scheme as soon as the player exists (before any segment). */
const RECORD = (schemes: string[]) => `(() => {
  window.eventLog = [];
  const v = document.getElementById('v');
  for (const s of ${JSON.stringify(schemes)}) {
    window.probe.player.on(s, (e) => {
      const ev = e.event, d = ev.messageData;
      window.eventLog.push({ scheme: s, id: ev.id, at: ev.calculatedPresentationTime, playhead: v.currentTime,
        data: d instanceof Uint8Array ? Array.from(d) : typeof d === 'string' ? d : null });
    });
  }
})()`;

describe('dash.js and Shaka raise loopcast events at their media times', { concurrency: 2 }, () => {
  for (const variant of VARIANTS) {
    it(variant.name, { timeout: 60_000 }, async (t) => {
      if (!requireChromium(t)) return;
      browser ??= launchChromium();
      const mpd = `${loopcast.origin}/dash/live/demo/hand_made.mpd?abr=0&${variant.query}`;
      const shaka = variant.player === 'shaka';
      const pb = await openPlayback(await browser, harness, {
        player: variant.player ?? 'dashjs',
        mpd,
        settings: shaka ? undefined : { streaming: { delay: { liveDelay: 8 } } },
        allowedOrigins: [loopcast.origin, harness.origin],
      });
      try {
        await pb.page.waitForFunction('window.probe && window.probe.player', null, { timeout: 10_000 });
        await pb.page.evaluate(shaka ? RECORD_SHAKA : RECORD(variant.expect));
        // What this test judges is when events fire; dash.js's first requests of a live stream
        // with many in-band events sometimes run a few segments ahead of availability and are
        // retried after 425 (every retry must succeed), which the playback judge allows here.
        const figures = await watch(pb, { seconds: WATCH_S, live: true, maxEdgeRetries: 12 });
        const log = await pb.page.evaluate<Logged[]>('window.eventLog');
        t.diagnostic(`${formatFigures(figures)}; ${log.length} events`);
        for (const scheme of variant.expect) {
          const mine = log.filter((e) => e.scheme === scheme);
          // one event per interval while watching, the first maybe missed at the join
          const least = Math.floor(WATCH_S / INTERVAL_S[scheme]!) - 2;
          assert.ok(mine.length >= least, `${scheme}: ${mine.length} events, expected ≥ ${least}`);
          for (const e of mine) {
            // §9.2: t_i = i × interval from the availabilityStartTime (Period start 0)
            assert.ok(
              Math.abs(e.at - e.id * INTERVAL_S[scheme]!) < 0.001,
              `${scheme} event ${e.id} at ${e.at}`,
            );
            // dash.js raises it while the playhead is inside the event (duration 2 s), checked on
            // its own timer; an MPD event may also be raised while it seeks to the live edge at
            // start-up (playhead still 0)
            assert.ok(
              !e.playhead || (e.playhead >= e.at - 0.5 && e.playhead <= e.at + 2),
              `${scheme} event ${e.id} at ${e.at} raised at playhead ${e.playhead}`,
            );
            if (scheme === PING) {
              const text = typeof e.data === 'string' ? e.data : Buffer.from(e.data ?? []).toString();
              assert.equal(text, e.id % 2 === 0 ? 'ping' : 'pong');
            }
            if (scheme === SCTE_INBAND) {
              const section = spliceInfoSection({
                index: e.id,
                time: BigInt(e.id * 400),
                duration: 200n,
                timescale: 100,
                count: 0,
                programId: 1620,
              });
              assert.deepEqual(e.data, [...section], `SCTE-35 event ${e.id} payload`);
            }
          }
          if (!shaka)
            assert.ok(
              mine.some((e) => e.playhead! > 0),
              `${scheme}: no event raised during playback`,
            );
          const ids = mine.map((e) => e.id);
          assert.deepEqual(
            ids,
            [...new Set(ids)].sort((a, b) => a - b),
            `${scheme}: each event once, in order`,
          );
        }
      } finally {
        await pb.close();
      }
    });
  }
});
