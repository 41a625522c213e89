/**
 * The inspect page in Chromium (app.md §7.4, §15): a visitor is sent to log in; a logged-in media
 * user uploads bbb_a1.mp4 under a file name carrying markup, sees the name as text, the top-level
 * boxes, the whole-file tree and one fragment's tree, sees the URL form, and deletes the inspection.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT, SHARED } from '../support/paths.js';
import { requireShared } from '../support/tools.js';

const WEB = join(REPO_ROOT, 'packages', 'web');
const PASSWORD = 'inspect-page-admin-1';
const HOSTILE = '"><img src=x onerror=alert(1)>.mp4';

let loopcast: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(join(WEB, 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build'], { cwd: WEB, stdio: 'pipe', timeout: 120_000 });
  }
  loopcast = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
});
after(async () => {
  await browser?.close();
  await loopcast?.stop();
});

describe('inspect page in Chromium', () => {
  it('uploads an MP4 and shows its boxes as text', { timeout: 90_000 }, async (t) => {
    if (!requireChromium(t) || !requireShared(t)) return;
    browser ??= await launchChromium();
    const origin = loopcast!.origin;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog ${d.message()}`);
      void d.dismiss();
    });
    try {
      await page.goto(`${origin}/inspect`);
      await page.waitForURL(`${origin}/login?next=%2Finspect`);
      await page.waitForSelector('[data-ready]');
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${origin}/inspect`), page.click('button[type=submit]')]);
      await page.waitForSelector('[data-ready]');
      assert.ok(await page.isVisible('#inspect-url'), 'media users may inspect a URL');

      const bytes = readFileSync(join(SHARED, 'media', 'bbb', 'bbb_a1.mp4'));
      await page.setInputFiles('input[name=file]', { name: HOSTILE, mimeType: 'video/mp4', buffer: bytes });
      await page.click('#inspect-upload button[type=submit]');
      await page.waitForSelector('[data-testid=inspection]');
      // (Chromium sends `"` in a multipart file name as %22; the markup itself arrives intact.)
      assert.match((await page.textContent('#inspection h2')) ?? '', /<img src=x onerror=alert\(1\)>\.mp4$/);
      assert.equal(await page.locator('main img').count(), 0, 'the file name made no element');
      const top = await page.locator('[data-testid=top-level] tbody code').allTextContents();
      assert.equal(top[0], 'ftyp');
      assert.ok(top.includes('moov') && top.includes('moof'), top.join(','));
      await page.waitForSelector('[data-testid=box-tree] [data-box=moov]');

      await page.selectOption('#inspect-segment', '1');
      await page.waitForSelector('[data-testid=box-tree] [data-box=moof]');
      assert.equal(await page.locator('[data-testid=box-tree] > [data-box=moov]').count(), 0);

      await page.click('#inspect-delete');
      await page.waitForSelector('[data-testid=inspection]', { state: 'detached' });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
