/**
 * Debian's Chromium driven by playwright-core (testing.md §3.1). playwright-core never downloads a
 * browser; the binary comes from the `chromium` package, and a missing one skips locally but fails
 * in CI (testing.md §1 rule 3).
 */
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { requireTool } from '../tools.js';

export const CHROMIUM_ARGS = [
  // Tests run as root in containers, where the sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps trying to reach Google hosts at start-up, which a closed
  // network refuses over and over; the off-loopback check would also have to tolerate them.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The harness page starts playback without a click.
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's shell wrapper, which adds --disable-dev-shm-usage by itself when /dev/shm is small. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when the test may use Chromium; otherwise the test is skipped (locally) or fails (CI). */
export const requireChromium = (t: TestContext): boolean => requireTool(t, chromiumPath(), 'chromium');

export async function launchChromium(): Promise<Browser> {
  const options = { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS };
  try {
    return await chromium.launch(options);
  } catch (err) {
    // A first launch has been seen to fail once with "browser has been closed" and never again.
    console.warn('chromium launch failed, retrying once:', err);
    return chromium.launch(options);
  }
}
