/**
 * The validator page in Chromium (validator.md §8.1, §9): `?url=` prefills the form without
 * starting a run; Validate on the demo stream's live manifest shows progress to the end, the log,
 * the codecs table, every fetched manifest and a summary that agrees with the issues table; a URL carrying markup is shown as
 * text in the log and issues table (app.md §15); a logged-in media user saves a validated VOD
 * stream to loopcast (§8.3). A 1280×800 screenshot goes to
 * test-output/screenshots/validate.png (testing.md §3.10).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import {
  ADMIN_PASSWORD,
  ensureWebBuild,
  logIn,
  openUiPage,
  screenshot,
} from '../support/browser/ui-pages.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

let loopcast: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  ensureWebBuild();
  loopcast = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: ADMIN_PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
});
after(async () => {
  await browser?.close();
  await loopcast?.stop();
});

describe('validator page in Chromium', () => {
  it(
    'validates the live demo stream with live progress, then shows untrusted text as text',
    { timeout: 90_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const origin = loopcast!.origin;
      const ui = await openUiPage(browser, origin);
      const { page } = ui;
      try {
        const manifest = `${origin}/dash/live/demo/hand_made.mpd`;
        await page.goto(`${origin}/validate?url=${encodeURIComponent(manifest)}`);
        await page.waitForSelector('[data-ready]');
        assert.equal(await page.inputValue('input[name=url]'), manifest);
        assert.equal(await page.locator('#progress').count(), 0, 'the page never starts a run by itself');

        await page.fill('input[name=duration]', '5');
        await page.click('#validate-start');
        await page.waitForSelector('#progress');
        assert.ok(await page.isEnabled('#validate-cancel'), 'Cancel is offered while the run goes');
        await page.waitForSelector('#finished', { timeout: 40_000 });
        assert.equal(await page.getAttribute('#progress progress', 'value'), '100');
        // The report agrees with itself: the live counter, the summary and the table's error rows.
        // (Whether the demo stream is clean is the checks' business: validator tests, not this page.)
        const summary = (await page.textContent('#summary')) ?? '';
        const errors = Number(/(\d+) errors/.exec(summary)?.[1]);
        assert.ok(Number.isInteger(errors), summary);
        assert.equal(Number(await page.textContent('#error-count')), errors);
        assert.equal(await page.locator('table.issues tbody tr.error').count(), errors);
        assert.match((await page.textContent('#progress-text')) ?? '', /finished/);
        assert.ok(
          (await page.locator('table.codecs tbody tr').count()) >= 2,
          'one codecs row per representation',
        );
        assert.ok((await page.locator('#log .log-line').count()) > 5, 'the log lists the requests');
        assert.ok(
          (await page.locator('#manifest-refresh option').count()) >= 2,
          'each refresh is selectable',
        );
        assert.ok(
          (await page.locator('.manifest-text .mpd-line').count()) > 20,
          'the manifest with line numbers',
        );
        assert.ok(await page.isVisible('#download-report'));
        assert.equal(await page.locator('#save-form').count(), 0, 'visitors get no save form');
        await screenshot(page, 'validate');

        // Markup in a URL travels through the log and the issues table as text only.
        const hostile = `${origin}/dash/vod/demo/"><img src=x onerror=alert(1)>.mpd`;
        await page.fill('input[name=url]', hostile);
        await page.click('#validate-start');
        await page.waitForSelector('table.issues tbody tr', { timeout: 20_000 });
        await page.waitForSelector('#finished');
        assert.match((await page.textContent('table.issues tbody')) ?? '', /DOC_FETCH/);
        assert.equal(await page.locator('main img').count(), 0, 'no element was made from the URL');
        const fieldErrorsBefore = await page.locator('.field-error').count();
        assert.equal(fieldErrorsBefore, 0);

        // A bad duration comes back as a field error under its field.
        await page.fill('input[name=duration]', '0');
        await page.click('#validate-start');
        await page.waitForSelector('.field-error');
        assert.match((await page.textContent('.field-error')) ?? '', /duration/);
        // The 404 of the hostile URL is the only resource error the console may show.
        assert.deepEqual(
          ui.consoleErrors.filter((p) => !/404/.test(p)),
          [],
        );
        assert.deepEqual(ui.dialogs, []);
        assert.deepEqual(ui.offHost, []);
      } finally {
        await ui.close();
      }
    },
  );

  it(
    'a logged-in media user saves the validated VOD stream and gets its link',
    { timeout: 60_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const origin = loopcast!.origin;
      const ui = await openUiPage(browser, origin);
      const { page } = ui;
      try {
        const manifest = `${origin}/dash/vod/demo/hand_made.mpd`;
        await logIn(page, origin, 'admin', ADMIN_PASSWORD, `/validate?url=${encodeURIComponent(manifest)}`);
        await page.fill('input[name=duration]', '2');
        await page.click('#validate-start');
        await page.waitForSelector('#save-form', { timeout: 30_000 });
        await page.fill('#save-form input[name=directory]', 'saved1');
        await page.fill('#save-form input[name=title]', 'Saved from the page');
        await page.click('#save-button');
        await page.waitForSelector('#saved a', { timeout: 30_000 });
        assert.equal(await page.getAttribute('#saved a', 'href'), '/streams/saved1');
        assert.equal((await fetch(`${origin}/dash/vod/saved1/hand_made.mpd`)).status, 200);
        assert.deepEqual(ui.consoleErrors, []);
      } finally {
        await ui.close();
      }
    },
  );
});
