/**
 * One playback: a fresh browser context (no shared cache or storage), the harness page, and the
 * network guards of testing.md §3.3 attached to the context, so requests made by workers count too.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HarnessServer, PlayerName } from './harness-server.js';

export interface PlaybackOptions {
  player: PlayerName;
  mpd: string;
  /** dash.js updateSettings / Shaka configure object. */
  settings?: unknown;
  /** Every origin the page may talk to; anything else (besides data: and blob:) is off-host. */
  allowedOrigins: string[];
  viewport?: { width: number; height: number };
  /** CSS width of the video element, to scale it up for a screenshot. */
  videoWidth?: number;
}

export interface Playback {
  player: PlayerName;
  mpd: string;
  context: BrowserContext;
  page: Page;
  /** `<status> <url>` of every response ≥ 400 seen by the context. */
  badResponses: string[];
  /** URLs answered 2xx, to tell a retried 425 from a refused segment. */
  okUrls: Set<string>;
  /** URLs requested outside the allowed origins. */
  offHost: string[];
  /** Requests that failed below HTTP (CORS refusals, resets), aborts by the player excluded. */
  failedRequests: string[];
  close(): Promise<void>;
}

export async function openPlayback(
  browser: Browser,
  harness: HarnessServer,
  opts: PlaybackOptions,
): Promise<Playback> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 800, height: 500 } });
  const badResponses: string[] = [];
  const offHost: string[] = [];
  const failedRequests: string[] = [];
  const okUrls = new Set<string>();
  const allowed = opts.allowedOrigins.map((o) => (o.endsWith('/') ? o : `${o}/`));
  context.on('response', (r) => {
    if (r.status() >= 400) badResponses.push(`${r.status()} ${r.url()}`);
    else if (r.status() < 300) okUrls.add(r.url());
  });
  context.on('request', (r) => {
    const url = r.url();
    if (!allowed.some((o) => url.startsWith(o)) && !/^(data|blob):/.test(url)) offHost.push(url);
  });
  context.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? 'unknown';
    // Players abort their own requests when they seek or switch; that is not a server fault.
    if (!reason.includes('ERR_ABORTED')) failedRequests.push(`${reason} ${r.url()}`);
  });
  try {
    const page = await context.newPage();
    await page.goto(
      harness.pageUrl(opts.player, opts.mpd, { settings: opts.settings, width: opts.videoWidth }),
    );
    return {
      player: opts.player,
      mpd: opts.mpd,
      context,
      page,
      badResponses,
      okUrls,
      offHost,
      failedRequests,
      close: () => context.close(),
    };
  } catch (err) {
    await context.close();
    throw err;
  }
}
