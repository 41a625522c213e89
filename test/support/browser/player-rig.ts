/**
 * The servers and browser of one player test file (testing.md §3.2): a loopcast test server
 * (with the file's own hooks, e.g. a request log), the harness server on another origin, and one
 * Chromium launched by the first playback; all stopped after the file. `samplePlaying` is the
 * judge's input for tests that check more than `watch` does (switches, gaps, failover).
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestServerOptions } from '../loopcast.js';
import { launchChromium } from './chromium.js';
import { startHarnessServer, type HarnessServer } from './harness-server.js';
import { openPlayback, type Playback, type PlaybackOptions } from './playback.js';
import { snapshot, type Snapshot } from './watch.js';

export interface PlayerRig {
  readonly loopcast: TestServer;
  readonly harness: HarnessServer;
  /**
   * A playback in the file's one browser that may talk to loopcast and the harness only. The
   * caller checks `requireChromium(t)` first, so a missing Chromium skips (locally) or fails (CI).
   */
  open(opts: Omit<PlaybackOptions, 'allowedOrigins'>): Promise<Playback>;
}

export function playerRig(server: TestServerOptions = {}): PlayerRig {
  let loopcast: TestServer | undefined;
  let harness: HarnessServer | undefined;
  // a promise, so two tests that start at once share one launch
  let browser: Promise<Browser> | undefined;
  before(async () => {
    loopcast = await startTestServer(server);
    harness = await startHarnessServer();
  });
  after(async () => {
    await (await browser?.catch(() => undefined))?.close();
    await harness?.stop();
    await loopcast?.stop();
  });
  return {
    get loopcast() {
      assert.ok(loopcast, 'the test server has not started');
      return loopcast;
    },
    get harness() {
      assert.ok(harness, 'the harness server has not started');
      return harness;
    },
    async open(opts) {
      browser ??= launchChromium();
      return openPlayback(await browser, this.harness, {
        ...opts,
        allowedOrigins: [this.loopcast.origin, this.harness.origin],
      });
    },
  };
}

/**
 * Waits up to 15 s for playback (a `playing` event and a playhead past 0), then samples the probe
 * once a second for `seconds`; the first sample is the one at the start.
 */
export async function samplePlaying(page: Page, seconds: number): Promise<Snapshot[]> {
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
