/**
 * The keys pages in Chromium (app.md §8, §9.2): a media user sees the demo stream's on-the-fly KID
 * with its computed key, adds a KID alone (its key is computed and badged), gives it a real key on
 * its page; an anonymous visitor sees KIDs but no key values. The player page plays the demo with
 * drm=clearkey in dash.js and Shaka, asking loopcast's licence server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { ensureWebBuild, logIn, openUiPage, screenshot } from '../support/browser/ui-pages.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const PASSWORD = 'admin-password-1';
const DEMO_OTF_KID = '2a41dba49af555c62986df6811da02e6';
const NEW_KID = '8ba94ade6eb9449db44fa5beefaf43b0';
let server: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  ensureWebBuild();
  server = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('keys pages', () => {
  it('lists, adds and edits keys; values only for media users', { timeout: 80_000 }, async (t) => {
    if (!requireChromium(t)) return;
    browser ??= await launchChromium();
    const origin = server!.origin;
    const anon = await openUiPage(browser, origin);
    try {
      await anon.page.goto(`${origin}/keys`);
      await anon.page.waitForSelector(`tr[data-kid="${DEMO_OTF_KID}"]`);
      const row = (await anon.page.textContent(`tr[data-kid="${DEMO_OTF_KID}"]`)) ?? '';
      assert.match(row, /hidden here/);
      assert.doesNotMatch(row, /0b6221e1c146745c661f8c2f178a7adc/);
    } finally {
      await anon.close();
    }
    const ui = await openUiPage(browser, origin);
    const { page } = ui;
    try {
      await logIn(page, origin, 'admin', PASSWORD, '/keys');
      await page.waitForSelector(`tr[data-kid="${DEMO_OTF_KID}"]`);
      const row = (await page.textContent(`tr[data-kid="${DEMO_OTF_KID}"]`)) ?? '';
      assert.match(row, /0b6221e1c146745c661f8c2f178a7adc/);
      assert.match(row, /computed/);
      assert.match(row, /on-the-fly KID of demo/);

      await Promise.all([page.waitForURL(`${origin}/keys/.add`), page.click('#add-key-link')]);
      await page.fill('input[name=kid]', '8ba94ade-6eb9-449d-b44f-a5beefaf43b0');
      await page.click('#add-key button[type=submit]');
      await page.waitForSelector(`tr[data-kid="${NEW_KID}"]`);
      assert.match(
        (await page.textContent(`tr[data-kid="${NEW_KID}"]`)) ?? '',
        /dbfd6922c321c4bb486f4a1c44097ed6\s*computed/,
      );
      await page.fill('input[name=kid]', 'not-a-kid');
      await page.click('#add-key button[type=submit]');
      await page.waitForSelector('#add-key [role=alert]');
      assert.match((await page.textContent('#add-key [role=alert]')) ?? '', /kid must be/);
      await screenshot(page, 'keys');

      await Promise.all([
        page.waitForURL(`${origin}/keys/${NEW_KID}`),
        page.click(`tr[data-kid="${NEW_KID}"] a.secondary`),
      ]);
      await page.waitForSelector('#edit-key');
      await page.fill('#edit-key input[name=key]', '00112233445566778899aabbccddeeff');
      await page.click('#edit-key button[type=submit]');
      await page.waitForSelector('#edit-key [role=status]');
      const text = (await page.textContent('main p')) ?? '';
      assert.match(text, /00112233445566778899aabbccddeeff/);
      assert.doesNotMatch(text, /computed/);
      assert.deepEqual(
        ui.consoleErrors.filter((e) => !/status of 400/.test(e)),
        [],
      );
      assert.deepEqual(ui.offHost, []);
    } finally {
      await ui.close();
    }
  });

  for (const player of ['dashjs', 'shaka'] as const) {
    it(
      `the player page plays the demo with drm=clearkey in ${player} through /clearkey (app.md §9.5)`,
      { timeout: 60_000 },
      async (t) => {
        if (!requireChromium(t)) return;
        browser ??= await launchChromium();
        const origin = server!.origin;
        const ui = await openUiPage(browser, origin);
        const licences: string[] = [];
        ui.page.on('request', (r) => {
          if (r.url() === `${origin}/clearkey` && r.method() === 'POST') licences.push(r.url());
        });
        try {
          await ui.page.goto(`${origin}/play/vod/demo/hand_made?player=${player}&abr=0&drm=clearkey`);
          await ui.page.waitForSelector('[data-ready]');
          // the page's CSP forbids evaluating strings: read the element through a function
          const time = () =>
            ui.page.$eval('video', (v) => (v as unknown as { currentTime: number }).currentTime);
          for (let i = 0; i < 300 && (await time()) <= 2; i++) await ui.page.waitForTimeout(100);
          assert.ok((await time()) > 2, 'playback advanced past 2 s');
          assert.ok(licences.length > 0, 'the page asked loopcast for a licence');
          assert.deepEqual(ui.badResponses, []);
        } finally {
          await ui.close();
        }
      },
    );
  }
});
