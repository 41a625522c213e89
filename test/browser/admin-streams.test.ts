/**
 * The stream and media pages in Chromium (app.md §9.2, §5.2, §7.1–§7.3): log in, add a stream,
 * upload two demo files through the upload area and see each progress bar finish and the file
 * indexed, set the timing reference, visit media info, the segment list and a box tree, then open
 * the player page on the new stream and see playback advance with dash.js and with Shaka.
 * Screenshots go to test-output/screenshots/admin-*.png for a person to look at (testing.md §3.10).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';

const WEB = join(REPO_ROOT, 'packages', 'web');
const DEMO = join(REPO_ROOT, 'packages', 'server', 'demo', 'media');
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const PASSWORD = 'admin-streams-pw-1';
const MUSIC = join(REPO_ROOT, 'packages', 'server', 'demo', 'music');
/** The installed 5.x and 4.x builds of each player (app.md §9.5). */
const PLAYER_BUILDS = (
  [
    ['dashjs', 'dashjs'],
    ['dashjs', 'dashjs4'],
    ['shaka', 'shaka-player'],
    ['shaka', 'shaka4'],
  ] as const
).map(([player, pkg]) => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
    version: string;
  };
  return [player, manifest.version] as const;
});

function ensureWebBuild(): void {
  if (existsSync(join(WEB, 'dist', 'index.html'))) return;
  execFileSync('npx', ['vite', 'build'], { cwd: WEB, stdio: 'pipe', timeout: 120_000 });
}

/** Waits until the page's `<video>` has played `seconds` past where it first moved. */
async function playbackAdvances(page: Page, seconds: number, timeoutMs: number): Promise<number> {
  const read = () => page.evaluate<number>('document.querySelector("video")?.currentTime ?? 0');
  const end = Date.now() + timeoutMs;
  let first = 0;
  for (;;) {
    const t = await read();
    if (first === 0 && t > 0) first = t;
    if (first > 0 && t - first >= seconds) return t;
    if (Date.now() > end) throw new Error(`playback reached only ${t.toFixed(2)} s`);
    await page.waitForTimeout(250);
  }
}

/** The page's CSP refuses string evaluation, so counts are polled from here. */
async function untilCount(locator: Locator, n: number): Promise<void> {
  const end = Date.now() + 10_000;
  while ((await locator.count()) !== n) {
    if (Date.now() > end) throw new Error(`expected ${n} rows, see ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fresh context logged in as the admin through the login page, on `/${path}`. */
async function loggedIn(origin: string, path: string) {
  const context = await browser!.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(`pageerror ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${origin}/login?next=%2F${path}`);
  await page.waitForSelector('[data-ready]');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${origin}/${path}`), page.click('button[type=submit]')]);
  return { context, page, consoleErrors };
}

let loopcast: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  ensureWebBuild();
  mkdirSync(SCREENSHOTS, { recursive: true });
  loopcast = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
});

after(async () => {
  await browser?.close();
  await loopcast?.stop();
});

describe('stream and media pages in Chromium', () => {
  it(
    'adds a stream, uploads files with progress bars, sets the timing reference and plays it',
    { timeout: 90_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const origin = loopcast!.origin;
      const { context, page, consoleErrors } = await loggedIn(origin, 'streams');
      try {
        await page.waitForSelector('[data-testid=streams-table]');
        assert.ok(await page.isVisible('nav a[href="/streams"]'), 'the navigation links the streams page');
        assert.match((await page.textContent('[data-testid=streams-table]')) ?? '', /demo/);

        // Add a stream.
        await Promise.all([page.waitForURL(`${origin}/streams/.add`), page.click('a[href="/streams/.add"]')]);
        await page.waitForSelector('[data-ready]');
        await page.fill('input[name=directory]', 'brw1');
        await page.fill('input[name=title]', 'Browser upload');
        await Promise.all([page.waitForURL(`${origin}/streams/brw1`), page.click('button[type=submit]')]);
        await page.waitForSelector('[data-testid=upload-input]');

        // Upload two files; each progress bar fills, then the file is indexed.
        await page.setInputFiles('[data-testid=upload-input]', [
          join(DEMO, 'demo_v3.mp4'),
          join(DEMO, 'demo_a1.mp4'),
        ]);
        for (const name of ['demo_v3.mp4', 'demo_a1.mp4']) {
          const row = page.locator(`[data-upload="${name}"]`);
          await row
            .locator('xpath=self::*[@data-state="done" or @data-state="failed"]')
            .waitFor({ timeout: 30_000 });
          assert.equal(await row.getAttribute('data-state'), 'done', (await row.textContent()) ?? '');
          const bar = row.locator('progress');
          assert.equal(
            await bar.getAttribute('value'),
            await bar.getAttribute('max'),
            `${name}: the bar is full`,
          );
          assert.match((await row.textContent()) ?? '', /Indexed: \d+ segments/);
        }
        await page.locator('[data-testid=files-table] tr[data-file=demo_a1]').waitFor();
        assert.match((await page.textContent('[data-testid=adaptation-summary]')) ?? '', /videodemo_v3—/);
        await page.screenshot({ path: join(SCREENSHOTS, 'admin-stream.png'), fullPage: true });

        // Timing reference: the first video became it; choose "none", save, then choose it again.
        const select = page.locator('[data-testid=timing-reference]');
        assert.equal(await select.inputValue(), 'demo_v3');
        await select.selectOption('');
        await page.click('form[aria-label="Stream settings"] button[type=submit]');
        await page.waitForSelector('text=Saved.');
        let api = (await (await context.request.get(`${origin}/api/streams/brw1`)).json()) as {
          timingReference: { name: string } | null;
        };
        assert.equal(api.timingReference, null);
        await page.locator('[data-testid=timing-reference]').selectOption('demo_v3');
        await page.click('form[aria-label="Stream settings"] button[type=submit]');
        await page.waitForSelector('text=Saved.');
        api = (await (await context.request.get(`${origin}/api/streams/brw1`)).json()) as typeof api;
        assert.equal(api.timingReference?.name, 'demo_v3');

        // Option defaults: a form from the registry; the stored value is the one that differs.
        await page.goto(`${origin}/streams/brw1/defaults`);
        await page.waitForSelector('[data-ready]');
        const depth = page.locator('#opt-depth');
        if (!(await depth.isVisible())) await page.click('details:has(#opt-depth) > summary');
        await depth.fill('30');
        await page.click('form button[type=submit]');
        await page.waitForSelector('text=Saved.');
        const stored = (await (await context.request.get(`${origin}/api/streams/brw1/defaults`)).json()) as {
          values: Record<string, unknown>;
        };
        assert.deepEqual(stored.values, { timeShiftBufferDepth: '30' });
        assert.equal(await page.locator('#opt-now').count(), 0, 'the pinned clock is not a stream default');
        await page.screenshot({ path: join(SCREENSHOTS, 'admin-defaults.png'), fullPage: true });

        // Edit the audio file's language with live validation, then see it on the info page.
        await page.goto(`${origin}/streams/brw1/files/demo_a1/edit`);
        await page.waitForSelector('[data-ready]');
        await page.fill('input[name=language]', 'en GB');
        await page.waitForSelector('input[name=language][aria-invalid=true]');
        await page.fill('input[name=language]', 'en-GB');
        await page.waitForSelector('input[name=language]:not([aria-invalid])');
        await Promise.all([
          page.waitForURL(`${origin}/streams/brw1/files/demo_a1`),
          page.click('form button[type=submit]'),
        ]);
        await page.waitForSelector('[data-testid=media-info]');
        assert.match((await page.textContent('[data-testid=media-info]')) ?? '', /Languageen-GB/);
        await page.goto(`${origin}/streams/brw1`);
        await page.waitForSelector('[data-testid=files-table]');

        // Media info → segment list → box tree.
        await Promise.all([
          page.waitForURL(`${origin}/streams/brw1/files/demo_v3`),
          page.click('[data-testid=files-table] a[href="/streams/brw1/files/demo_v3"]'),
        ]);
        await page.waitForSelector('[data-testid=media-info]');
        assert.match((await page.textContent('[data-testid=media-info]')) ?? '', /Number of Segments/);
        await page.waitForSelector('[data-testid=media-info] th:text("Timescale")');
        await page.screenshot({ path: join(SCREENSHOTS, 'admin-media-info.png'), fullPage: true });
        await Promise.all([page.waitForURL('**/segments'), page.click('a[href$="/segments"]')]);
        await page.waitForSelector('[data-testid=segments-table]');
        await Promise.all([page.waitForURL('**/segments/1'), page.click('a[href$="/segments/1"]')]);
        await page.waitForSelector('[data-testid=box-tree] [data-box=moof]');
        await page.click('text=Collapse all');
        await page.screenshot({ path: join(SCREENSHOTS, 'admin-box-tree.png'), fullPage: true });

        // The new stream plays on the player page with dash.js and Shaka, both majors of each.
        for (const [player, version] of PLAYER_BUILDS) {
          await page.goto(`${origin}/play/vod/brw1/hand_made?player=${player}&${player}=${version}&abr=0`);
          await page.waitForSelector('[data-ready]');
          assert.match(
            (await page.textContent('.player-meta')) ?? '',
            new RegExp(version.replace(/\./g, '\\.')),
          );
          const reached = await playbackAdvances(page, 2, 30_000);
          t.diagnostic(
            `${player} ${version}: playback reached ${reached.toFixed(2)} s on the uploaded stream`,
          );
        }
        assert.deepEqual(consoleErrors, []);
      } finally {
        await context.close();
      }
    },
  );

  it('uploads a track on the music page and deletes it again', { timeout: 60_000 }, async (t) => {
    if (!requireChromium(t)) return;
    browser ??= await launchChromium();
    const origin = loopcast!.origin;
    const { context, page, consoleErrors } = await loggedIn(origin, 'music');
    try {
      await page.waitForSelector('[data-testid=music-library]');
      const rows = page.locator('[data-testid=music-library] tbody tr');
      const before = await rows.count();
      await page.click('text=Upload music');
      await page.setInputFiles(
        '[data-testid=music-upload-input]',
        join(MUSIC, 'juniper-hale_paper-boats.mp3'),
      );
      const row = page.locator('[data-upload="juniper-hale_paper-boats.mp3"]');
      await row
        .locator('xpath=self::*[@data-state="done" or @data-state="failed"]')
        .waitFor({ timeout: 30_000 });
      assert.equal(await row.getAttribute('data-state'), 'done', (await row.textContent()) ?? '');
      await untilCount(rows, before + 1);
      const deletes = page.locator('[data-testid=music-delete]');
      assert.equal(await deletes.count(), 1, 'delete is offered for the upload only');
      await page.screenshot({ path: join(SCREENSHOTS, 'admin-music-upload.png'), fullPage: true });
      await deletes.first().click();
      await untilCount(rows, before);
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });
});
