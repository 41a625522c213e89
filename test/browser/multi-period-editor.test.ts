/**
 * The multi-period editor in Chromium (app.md §9.6, drm-events.md §12.4): the name is checked
 * while typing, the playlist shows each Period's place and the total as the user edits, saving
 * replaces the form with the server's answer (the start snapped to a fragment boundary), a 400
 * puts its message under the field, and the list page shows the result. A screenshot of the
 * editor goes to test-output/screenshots/ (testing.md §3.10).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser/chromium.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';

const WEB = join(REPO_ROOT, 'packages', 'web');
const SCREENSHOT = join(REPO_ROOT, 'test-output', 'screenshots', 'multi-period-editor.png');
const PASSWORD = 'mps-editor-pw-1';

let loopcast: TestServer | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(join(WEB, 'dist', 'index.html')))
    execFileSync('npx', ['vite', 'build'], { cwd: WEB, stdio: 'pipe', timeout: 120_000 });
  loopcast = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
});
after(async () => {
  await browser?.close();
  await loopcast?.stop();
});

describe('multi-period editor in Chromium', () => {
  it(
    'edits, checks, saves with snapped starts and lists a multi-period stream',
    { timeout: 80_000 },
    async (t) => {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const origin = loopcast!.origin;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      try {
        await page.goto(`${origin}/login?next=%2Fmulti-period-streams%2F.add`);
        await page.waitForSelector('[data-ready]');
        await page.fill('input[name=username]', 'admin');
        await page.fill('input[name=password]', PASSWORD);
        await Promise.all([
          page.waitForURL(`${origin}/multi-period-streams/.add`),
          page.click('button[type=submit]'),
        ]);
        await page.waitForSelector('[data-testid=mps-form]');
        assert.ok(
          await page.isVisible('nav a[href="/multi-period-streams"]'),
          'Multi-period is in the navigation',
        );

        // the name is checked after a pause in typing
        await page.fill('input[name=name]', '.hidden');
        await page.waitForSelector('small[data-field=name]');
        assert.match((await page.textContent('small[data-field=name]')) ?? '', /not starting with/);
        await page.fill('input[name=name]', 'edit-one');
        await page.fill('input[name=title]', 'Edited in the browser');
        await page.waitForSelector('small[data-field=name]', { state: 'detached' });

        // two Periods of the demo: 10 s from 11 s, then from 40 s to the end (20 s)
        await page.click('text=Add Period');
        await page.click('text=Add Period');
        await page.fill('input[name="periods[0].start"]', '11');
        await page.fill('input[name="periods[0].duration"]', '10');
        await page.fill('input[name="periods[1].start"]', '40');
        const places = await page.locator('[data-testid=mps-period-start]').allTextContents();
        assert.deepEqual(places, ['0:00 – 0:10', '0:10 – 0:30']);
        assert.match((await page.textContent('[data-testid=mps-total]')) ?? '', /0:30/);

        // reordering moves the rows and their places in the playlist
        await page.locator('button[aria-label="Move down"]').first().click();
        assert.deepEqual(await page.locator('[data-testid=mps-period-start]').allTextContents(), [
          '0:00 – 0:20',
          '0:20 – 0:30',
        ]);
        assert.equal(await page.inputValue('input[name="periods[0].pid"]'), 'p2');
        await page.locator('button[aria-label="Move up"]').nth(1).click();
        assert.equal(await page.inputValue('input[name="periods[0].pid"]'), 'p1');

        // a start past the end of the source: the 400's message lands under that field
        await page.fill('input[name="periods[1].start"]', '99');
        await page.click('button:has-text("Save")');
        await page.waitForSelector('small[data-field="periods[1].start"]');
        assert.match(
          (await page.textContent('small[data-field="periods[1].start"]')) ?? '',
          /before the end/,
        );

        await page.fill('input[name="periods[1].start"]', '40');
        // an option in the builder's field, stored with the stream and applied to its manifests
        await page.evaluate(
          "document.querySelectorAll('[data-testid=mps-options], [data-testid=mps-options] details').forEach((d) => { d.open = true; })",
        );
        await page.fill('#opt-depth', '30');
        await Promise.all([
          page.waitForURL(`${origin}/multi-period-streams/edit-one`),
          page.click('button:has-text("Save")'),
        ]);
        await page.waitForSelector('[data-testid=mps-status]');
        // the answer replaced the form: 11 s snapped down to the 2 s fragment at 10 s
        assert.equal(await page.inputValue('input[name="periods[0].start"]'), '10');
        assert.equal(await page.inputValue('input[name="periods[1].duration"]'), '20');
        assert.equal(await page.locator('small.field-error').count(), 0);
        assert.equal(await page.textContent('h1'), 'edit-one');
        assert.ok(await page.isVisible('button:has-text("Delete")'));
        mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        t.diagnostic(`screenshot: ${SCREENSHOT}`);

        // the list page, and the manifest the saved stream serves
        await page.goto(`${origin}/multi-period-streams`);
        await page.waitForSelector('[data-testid=mps-table]');
        const row = (await page.textContent('[data-testid=mps-table] tbody')) ?? '';
        assert.match(row, /Edited in the browser.*edit-one.*0:30.*2/s);
        const mpd = await fetch(`${origin}/mps/vod/edit-one/hand_made.mpd`);
        assert.equal(mpd.status, 200);
        assert.match(await mpd.text(), /<Period id="p2" start="PT10S" duration="PT20S">/);
        const live = await (await fetch(`${origin}/mps/live/edit-one/hand_made.mpd`)).text();
        assert.match(live, /timeShiftBufferDepth="PT30S"/, 'the saved option applies to the MPS');
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
      }
    },
  );
});
