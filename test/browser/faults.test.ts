/**
 * Faults in dash.js (drm-events.md §14.2, testing.md §3.6): a scheduled 404 on one live video
 * segment (`verr`) is the only failed request; dash.js reports it and playback recovers, the
 * playhead moving on past the missing segment with video decoding. `statuscode` cycles fail
 * exactly the expected segment numbers. The demo stream, live on the real clock, with an explicit
 * availabilityStartTime so segment numbers are known: segment n covers [2(n − 1), 2n) s after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { ensureWebBuild } from '../support/browser/ui-pages.js';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startHarnessServer, type HarnessServer } from '../support/browser/harness-server.js';
import { openPlayback, type Playback } from '../support/browser/playback.js';
import { snapshot, type Snapshot } from '../support/browser/watch.js';

const SEGMENT_S = 2;
const WATCH_S = 22;

let loopcast: TestServer;
let harness: HarnessServer;
let browser: Promise<Browser> | undefined;

before(async () => {
  ensureWebBuild();
  loopcast = await startTestServer();
  harness = await startHarnessServer();
});
after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  await harness.stop();
  await loopcast.stop();
});

/** Samples the probe once a second after the first frame, for `seconds` or until `until` holds. */
async function observe(pb: Playback, seconds: number, until?: (s: Snapshot) => boolean): Promise<Snapshot[]> {
  // polled with evaluate: the player page's CSP refuses waitForFunction's string predicates
  const deadline = Date.now() + 10_000;
  while (!(await snapshot(pb.page).catch(() => null))?.events.includes('playing')) {
    if (Date.now() > deadline) assert.fail(`no playback within 10 s: ${JSON.stringify(pb.badResponses)}`);
    await pb.page.waitForTimeout(200);
  }
  const samples = [await snapshot(pb.page)];
  for (let i = 0; i < seconds; i++) {
    await pb.page.waitForTimeout(1000);
    const s = await snapshot(pb.page);
    samples.push(s);
    if (until?.(s)) break;
  }
  return samples;
}

/** The `<status> <url>` lines other than 425s the player retried successfully at the edge. */
const failures = (pb: Playback) =>
  pb.badResponses.filter((line) => !(line.startsWith('425 ') && pb.okUrls.has(line.slice(4))));

/**
 * loopcast's own player page (app.md §9.5), same origin as the streams, so the browser returns
 * the `failures` cookie (drm-events.md §10.4); the same network guards as `openPlayback`.
 */
async function openPlayerPage(b: Browser, query: string): Promise<Playback> {
  const context = await b.newContext({ viewport: { width: 800, height: 600 } });
  const origin = loopcast.origin;
  const pb: Playback = {
    player: 'dashjs',
    mpd: `${origin}/dash/live/demo/hand_made.mpd?${query}`,
    context,
    page: await context.newPage(),
    badResponses: [],
    okUrls: new Set(),
    offHost: [],
    failedRequests: [],
    close: () => context.close(),
  };
  context.on('response', (r) => {
    if (r.status() >= 400) pb.badResponses.push(`${r.status()} ${r.url()}`);
    else if (r.status() < 300) pb.okUrls.add(r.url());
  });
  context.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`) && !/^(data|blob|about):/.test(r.url())) pb.offHost.push(r.url());
  });
  await pb.page.goto(`${origin}/play/live/demo/hand_made?player=dashjs&${query}`);
  return pb;
}

/** A live start 60 s ago, on a whole second: the first numbers are well inside the window. */
function liveStart(): { startMs: number; query: string } {
  const startMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  return { startMs, query: `abr=0&start=${new Date(startMs).toISOString().replace('.000Z', 'Z')}` };
}

describe('dash.js under injected faults', { concurrency: 2 }, () => {
  it(
    'reports a scheduled video 404 as the only failed request (error 27)',
    { timeout: 75_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      const { startMs, query } = liveStart();
      // the segment starting 6 s from now: requested soon after the join, played ~14 s in
      const n = 1 + Math.floor((Date.now() + 6000 - startMs) / 1000 / SEGMENT_S);
      // mup=-1: verr is a video option (dash.md §4.6), which Location does not carry; without
      // MPD updates the player keeps the first MPD's segment URLs, and with them the fault
      const mpd = `${loopcast.origin}/dash/live/demo/hand_made.mpd?${query}&mup=-1&verr=404=${n}`;
      browser ??= launchChromium();
      const pb = await openPlayback(await browser, harness, {
        player: 'dashjs',
        mpd,
        settings: { streaming: { delay: { liveDelay: 8 } } },
        allowedOrigins: [loopcast.origin, harness.origin],
      });
      try {
        // play up to the missing segment: dash.js retries it, then reports error 27
        const segmentStart = (n - 1) * SEGMENT_S;
        const segmentEnd = n * SEGMENT_S;
        const samples = await observe(pb, WATCH_S, (s) => s.t >= segmentStart - 0.5 && s.errors.length > 0);
        const first = samples[0]!;
        const stalled = samples.at(-1)!;
        const failed = failures(pb);
        t.diagnostic(
          `segment ${n}; HTTP failures ${failed.length}; player errors ${JSON.stringify(stalled.errors).slice(0, 300)}`,
        );
        t.diagnostic(
          `playhead ${first.t.toFixed(2)} → ${stalled.t.toFixed(2)} s; frames ${first.frames} → ${stalled.frames}`,
        );
        // the only failed requests are that video segment, answered 404 (dash.js retries it)
        assert.ok(failed.length >= 1, 'the scheduled 404 was requested');
        for (const line of failed) assert.match(line, new RegExp(`^404 .*/demo_v\\d/${n}\\.m4v\\?`));
        // dash.js reports exactly that segment as not available (error 27, testing.md §3.6)
        assert.equal(stalled.errors.length, 1, JSON.stringify(stalled.errors));
        assert.match(stalled.errors[0]!, new RegExp(`"code":27,.*/${n}\\.m4v\\?.* is not available`));
        assert.ok(
          stalled.t >= segmentStart - 0.5,
          `playhead ${stalled.t} stopped before the gap at ${segmentStart}`,
        );
        // dash.js 5 skips a missing live segment only sometimes (it moves on by itself only
        // between BaseURLs with serviceLocation, else its gap handling may jump): either way
        // the stream must raise nothing more; recovery proper is the retry test below
        const later = await observe(pb, 3);
        t.diagnostic(`3 s later: playhead ${later.at(-1)!.t.toFixed(2)} (the gap ends at ${segmentEnd})`);
        assert.equal(failures(pb).length, failed.length, 'no further failed request');
        assert.deepEqual(pb.offHost, []);
      } finally {
        await pb.close();
      }
    },
  );

  it(
    'on the player page, failures=1 makes one 503 that the retry (with the cookie) gets past',
    { timeout: 75_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      const { query } = liveStart();
      // the player page keeps the MPD's 30 s presentation delay: joining ~63 s after the start, it
      // plays from ~33 s and buffers up to the edge at once; segment 21 ([40, 42) s) plays ~8 s in
      const n = 21;
      browser ??= launchChromium();
      const pb = await openPlayerPage(await browser, `${query}&mup=-1&verr=503=${n}&failures=1`);
      try {
        const samples = await observe(pb, 14, (s) => s.t > n * SEGMENT_S + 4);
        const last = samples.at(-1)!;
        const failed = failures(pb);
        t.diagnostic(
          `segment ${n}: ${JSON.stringify(failed)}; playhead ${samples[0]!.t.toFixed(2)} → ${last.t.toFixed(2)} s`,
        );
        // §10.4: the first attempt fails, the retry carries the counter cookie and is served
        assert.equal(failed.length, 1, JSON.stringify(failed));
        assert.match(failed[0]!, new RegExp(`^503 .*/demo_v\\d/${n}\\.m4v\\?`));
        assert.ok(
          [...pb.okUrls].some((u) => new RegExp(`/demo_v\\d/${n}\\.m4v\\?`).test(u)),
          'the retry was served',
        );
        assert.deepEqual(last.errors, [], 'dash.js recovered without an error');
        assert.ok(last.t > n * SEGMENT_S + 2, `playhead ${last.t.toFixed(2)} did not pass segment ${n}`);
        assert.ok(last.frames - samples[0]!.frames >= 0.7 * 30 * (samples.length - 1), 'video decodes');
        assert.deepEqual(pb.offHost, []);
      } finally {
        await pb.close();
      }
    },
  );

  it(
    'fails the statuscode segments of the cycle and the merr manifest update once (player page)',
    { timeout: 75_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      const { startMs, query } = liveStart();
      // a 20 s cycle of ten 2 s segments; rsq 9: the last of each cycle, n = 10, 20, 30 …;
      // merr=503=2&update=1&failures=1: the refresh carrying update=2 fails exactly once
      const codes = '[{cycle:20,rsq:9,code:503,rep:video}]';
      browser ??= launchChromium();
      const pb = await openPlayerPage(
        await browser,
        `${query}&statuscode=${encodeURIComponent(codes)}&merr=503=2&update=1&failures=1`,
      );
      try {
        const samples = await observe(pb, 14);
        const failed = failures(pb);
        t.diagnostic(
          `HTTP failures ${JSON.stringify(failed)}; joined at ${((samples[0]!.wall - startMs) / 1000).toFixed(1)} s`,
        );
        const manifests = failed.filter((l) => l.includes('.mpd'));
        assert.equal(manifests.length, 1, `one failed manifest request: ${JSON.stringify(manifests)}`);
        assert.match(manifests[0]!, /^503 .*hand_made\.mpd\?.*update=2/);
        const segments = failed.filter((l) => !l.includes('.mpd'));
        assert.ok(segments.length >= 1, 'a statuscode segment was requested');
        for (const line of segments) {
          const m = /^503 .*\/demo_v\d\/(\d+)\.m4v\?/.exec(line);
          assert.ok(m, `unexpected failure ${line}`);
          assert.equal(Number(m[1]) % 10, 0, `segment ${m[1]} is not the 10th of its cycle`);
        }
        // the refresh after the failed one succeeded: update=3 was served
        assert.ok(
          [...pb.okUrls].some((u) => /hand_made\.mpd\?.*update=3/.test(u)),
          'manifest refreshes went on',
        );
      } finally {
        await pb.close();
      }
    },
  );
});
