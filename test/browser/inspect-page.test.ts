/**
 * The inspect page in Chromium (app.md §7.4, §15): a visitor is sent to log in; a logged-in media
 * user uploads bbb_a1.mp4 under a file name carrying markup, sees the name as text, the top-level
 * boxes, the whole-file tree and one fragment's tree, sees the URL form, and deletes the inspection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { ensureWebBuild, logIn, openUiPage } from '../support/browser/ui-pages.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED } from '../support/paths.js';
import { requireShared } from '../support/tools.js';

const PASSWORD = 'inspect-page-admin-1';
const HOSTILE = '"><img src=x onerror=alert(1)>.mp4';

let loopcast: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  ensureWebBuild();
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
    const ui = await openUiPage(browser, origin);
    const { page } = ui;
    try {
      await page.goto(`${origin}/inspect`);
      await page.waitForURL(`${origin}/login?next=%2Finspect`);
      await logIn(page, origin, 'admin', PASSWORD, '/inspect');
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
      assert.deepEqual(ui.dialogs, []);
      assert.deepEqual(
        ui.consoleErrors.filter((e) => !/status of 401/.test(e)),
        [],
      );
    } finally {
      await ui.close();
    }
  });
});
