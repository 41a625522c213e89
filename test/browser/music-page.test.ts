/**
 * The music page in Chromium (app.md §9.7, daap.md §11.5): an anonymous visit to /music goes to
 * the login page and back; the page shows the 10 demo tracks with their artwork thumbnails and the
 * DAAP panel (name, port, mDNS off, revision, no password); after a DAAP client logs in, a reload
 * shows its session. A 1280×800 screenshot goes to test-output/screenshots/music.png for a person
 * to look at (testing.md §3.10). The web app is built first when packages/web/dist is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DaapClient } from '@loopcast/daap';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';

const WEB = join(REPO_ROOT, 'packages', 'web');
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const PASSWORD = 'music-page-admin-1';

/** Polls `check` until it holds or `ms` pass. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the checks read of page elements (this file is compiled without the DOM library). */
interface MediaState {
  paused: boolean;
  currentTime: number;
}
interface ImageState {
  complete: boolean;
  naturalWidth: number;
}

const loaded = (images: ImageState[]): boolean => images.every((i) => i.complete && i.naturalWidth > 0);

function ensureWebBuild(): void {
  if (existsSync(join(WEB, 'dist', 'index.html'))) return;
  execFileSync('npx', ['vite', 'build'], { cwd: WEB, stdio: 'pipe', timeout: 120_000 });
  assert.ok(existsSync(join(WEB, 'dist', 'index.html')), 'vite build left no dist/index.html');
}

let loopcast: TestServer | undefined;
let browser: Browser | undefined;
let daapPort = 0;

before(async () => {
  ensureWebBuild();
  daapPort = await freePort();
  loopcast = await startTestServer({
    env: {
      LOOPCAST_ADMIN_PASSWORD: PASSWORD,
      LOOPCAST_ADMIN_MUST_CHANGE: 'false',
      LOOPCAST_DAAP: 'on',
      LOOPCAST_DAAP_PORT: String(daapPort),
      LOOPCAST_DAAP_NAME: 'loopcast test share',
    },
  });
});

after(async () => {
  await browser?.close();
  await loopcast?.stop();
});

describe('music page in Chromium', () => {
  it(
    'shows the library with artwork, the DAAP panel and a client session',
    { timeout: 90_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const origin = loopcast!.origin;
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      const badResponses: string[] = [];
      const offHost: string[] = [];
      const consoleErrors: string[] = [];
      context.on('response', (r) => {
        if (r.status() >= 400) badResponses.push(`${r.status()} ${r.url()}`);
      });
      context.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)) offHost.push(url);
      });
      page.on('console', (m) => {
        // The anonymous visit's 401 is logged by Chromium as a failed resource load.
        if (m.type() === 'error' && !/status of 401/.test(m.text())) consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(`pageerror ${e.message}`));
      try {
        // Anonymous: the page's API call answers 401 and the page sends the browser to log in.
        await page.goto(`${origin}/music`);
        await page.waitForURL(`${origin}/login?next=%2Fmusic`);
        await page.waitForSelector('[data-ready]');
        await page.fill('input[name=username]', 'admin');
        await page.fill('input[name=password]', PASSWORD);
        await Promise.all([page.waitForURL(`${origin}/music`), page.click('button[type=submit]')]);
        assert.ok(
          badResponses.every((r) => r.startsWith('401 ')),
          `only the anonymous 401s so far: ${badResponses.join(', ')}`,
        );
        badResponses.length = 0;

        await page.waitForSelector('[data-ready]');
        assert.equal(await page.textContent('[data-testid=music-count]'), '10 tracks');
        const rows = page.locator('[data-testid=music-library] tbody tr');
        assert.equal(await rows.count(), 10);
        assert.ok(await page.isVisible('nav a[href="/music"]'), 'the navigation links the music page');

        // Every track that has artwork shows a loaded thumbnail (scrolled into view: they load lazily).
        const api = await context.request.get(`${origin}/api/music`);
        const listing = (await api.json()) as { items: { id: number; hasArtwork: boolean }[] };
        const withArt = listing.items.filter((i) => i.hasArtwork).length;
        assert.ok(withArt > 0, 'some demo tracks have artwork');
        const thumbs = page.locator('img.art-thumb');
        assert.equal(await thumbs.count(), withArt);
        for (let i = 0; i < withArt; i++) await thumbs.nth(i).scrollIntoViewIfNeeded();
        await until(() => thumbs.evaluateAll(loaded), 15_000, 'every thumbnail to load');
        await page.evaluate('window.scrollTo(0, 0)');

        // The DAAP panel: name, port, mDNS off, a revision, no sessions yet.
        assert.equal(await page.textContent('[data-testid=daap-name]'), 'loopcast test share');
        assert.equal(await page.textContent('[data-testid=daap-port]'), String(daapPort));
        assert.equal(await page.textContent('[data-testid=daap-mdns]'), 'Off');
        assert.ok(Number(await page.textContent('[data-testid=daap-revision]')) >= 1);
        assert.ok(await page.isVisible('[data-testid=daap-no-sessions]'));

        // A DAAP client logs in; after a reload the sessions table lists it.
        const client = new DaapClient('127.0.0.1', daapPort, {
          'User-Agent': 'iTunes/12.8 (Macintosh; OS X 10.14)',
        });
        assert.equal((await client.request('/login')).status, 200);
        await page.reload();
        await page.waitForSelector('[data-ready]');
        await page.waitForSelector('[data-testid=daap-sessions]');
        const sessionRows = page.locator('[data-testid=daap-sessions] tbody tr');
        assert.equal(await sessionRows.count(), 1);
        const cells = await sessionRows.first().locator('td').allTextContents();
        assert.equal(cells[1], 'iTunes 12');
        assert.match(cells[2] ?? '', /127\.0\.0\.1/);

        // Sorting by artist reorders the table and keeps all rows.
        await page.click('th a:has-text("Artist")');
        await page.waitForURL(`${origin}/music?sort=artist`);
        assert.equal(await rows.count(), 10);
        // The sorted listing arrives after a short debounce; wait for it before touching a row, or
        // the first row may be re-rendered with another track under the test's hands.
        const sortedListing = page.waitForResponse(
          (r) => new URL(r.url()).pathname === '/api/music' && r.request().method() === 'GET',
        );
        await page.click('th a:has-text("Title")');
        await page.waitForURL(`${origin}/music`);
        const firstId = ((await (await sortedListing).json()) as { items: { id: number }[] }).items[0]?.id;
        await until(
          async () => (await rows.first().getAttribute('data-track-id')) === String(firstId),
          10_000,
          'the listing sorted by title',
        );

        // The row player plays the track from /api/music/{id}/audio, and pauses again.
        const firstRow = rows.first();
        await firstRow.locator('button.play-button').click();
        const audio = firstRow.locator('audio');
        await until(
          () => audio.evaluate((a: MediaState) => !a.paused && a.currentTime > 0.3),
          15_000,
          'the first row to play',
        );
        await firstRow.locator('button.play-button').click();
        await until(() => audio.evaluate((a: MediaState) => a.paused), 5_000, 'the first row to pause');
        const playButton = firstRow.locator('button.play-button');
        // The title is read now, not before playing: the sorted listing arrives after a short
        // debounce, and the first row may have been re-rendered with another track meanwhile.
        const titleCell = firstRow.locator('td').nth(1);
        await until(
          async () =>
            (await playButton.getAttribute('aria-label')) ===
            `Play ${((await titleCell.textContent()) ?? '').trim()}`,
          5_000,
          'the play button to come back',
        );

        // Thumbnails of the rows shown after the reload, then the screenshot.
        for (let i = 0; i < withArt; i++) await thumbs.nth(i).scrollIntoViewIfNeeded();
        await until(() => thumbs.evaluateAll(loaded), 15_000, 'every thumbnail to load after the reload');
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.evaluate('window.scrollTo(0, 0)');
        await page.screenshot({ path: join(SCREENSHOTS, 'music.png'), fullPage: true });

        assert.deepEqual(badResponses, []);
        assert.deepEqual(offHost, []);
        assert.deepEqual(consoleErrors, [], 'console errors (CSP refusals, script errors)');
      } finally {
        await context.close();
      }
    },
  );
});
