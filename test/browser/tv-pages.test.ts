/**
 * The TV pages driven by the keyboard alone in Chromium (app.md §9.8): on `/tv/` the arrow keys
 * move between the fields and change them, OK (Enter) opens the play page with the chosen
 * options; there the status line follows the video, the green key hides it, Left/Right seek,
 * and Back (Escape) returns to the menu with the choice still selected. The remote's colour keys
 * have no PC keyboard equivalent, so they are sent as key events with their key codes (403–406).
 * Debian's Chromium has no native DASH playback: the status line reports the media error code
 * the page caught, which is what a TV without DASH support shows too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, uiRig } from '../support/browser/ui-pages.js';

const rig = uiRig();

/** A remote-control key that PC keyboards lack, as the TV browser delivers it. */
const remoteKey = (page: Page, keyCode: number) =>
  page.evaluate(
    `document.dispatchEvent(new KeyboardEvent('keydown', { keyCode: ${keyCode}, which: ${keyCode}, bubbles: true }))`,
  );

const focusedName = (page: Page) =>
  page.evaluate<string>('document.activeElement.name || document.activeElement.id');
const valueOf = (page: Page, name: string) => page.inputValue(`select[name=${name}]`);

describe('TV pages', () => {
  it('the menu and the player are usable with the keyboard alone', { timeout: 60_000 }, async (t) => {
    const origin = rig.origin;
    await rig.run(t, async (ui) => {
      const { page } = ui;
      await page.goto(`${origin}/tv/`);
      assert.equal(await focusedName(page), 'stream', 'the first field has the focus');

      // Down to the mode, Right twice: live → vod → odvod; Left once: vod.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focusedName(page), 'mode');
      assert.equal(await valueOf(page, 'mode'), 'live');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await valueOf(page, 'mode'), 'vod');
      assert.match((await page.getAttribute('div.field:has(#f-mode)', 'class')) ?? '', /focused/);
      // Next: drm. Its choices are the registry's: default first, then none… ; pick marlin.
      await page.keyboard.press('ArrowDown');
      assert.equal(await focusedName(page), 'drm');
      const drmChoices = await page.evaluate<string[]>(
        "[...document.querySelectorAll('#f-drm option')].map((o) => o.value)",
      );
      for (let i = 0; i < drmChoices.indexOf('clearkey'); i++) await page.keyboard.press('ArrowRight');
      assert.equal(await valueOf(page, 'drm'), 'clearkey');
      // Next: timeline → 1; then abr → 0.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      assert.equal(await valueOf(page, 'timeline'), '1');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focusedName(page), 'abr');
      await page.keyboard.press('ArrowRight');
      assert.equal(await valueOf(page, 'abr'), '0');
      // Up wraps from the first field to the Play button.
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowUp');
      assert.equal(await focusedName(page), 'stream');
      await page.keyboard.press('ArrowUp');
      assert.equal(await focusedName(page), 'play');
      await screenshot(page, 'tv-menu');

      await Promise.all([
        page.waitForURL(`${origin}/tv/play/vod/demo/hand_made?**`),
        page.keyboard.press('Enter'),
      ]);
      const url = new URL(page.url());
      assert.equal(url.search, '?drm=clearkey&timeline=1&abr=0');
      const src = await page.getAttribute('#video', 'src');
      assert.equal(src, `${origin}/dash/vod/demo/hand_made.mpd?abr=0&drm=clearkey&timeline=1`);
      // The page caught the media error of a browser without native DASH and says so.
      await page.waitForFunction(
        "document.getElementById('state').textContent.indexOf('error 4') >= 0",
        null,
        {
          timeout: 10_000,
        },
      );
      assert.match((await page.textContent('#url')) ?? '', /hand_made\.mpd\?abr=0&drm=clearkey&timeline=1/);
      await screenshot(page, 'tv-play');

      // Green hides the status line and shows it again; yellow reports no text tracks.
      await remoteKey(page, 404);
      assert.equal(await page.isVisible('#status'), false);
      await remoteKey(page, 404);
      assert.equal(await page.isVisible('#status'), true);
      await remoteKey(page, 405);
      assert.match((await page.textContent('#state')) ?? '', /text none available/);

      // Back: Escape returns to the menu with the same choice selected.
      await Promise.all([page.waitForURL(`${origin}/tv/?**`), page.keyboard.press('Escape')]);
      assert.equal(await valueOf(page, 'mode'), 'vod');
      assert.equal(await valueOf(page, 'drm'), 'clearkey');
      assert.equal(await valueOf(page, 'timeline'), '1');
      assert.equal(await valueOf(page, 'abr'), '0');

      // The TV's own Back key (461) from a problem page also returns.
      await page.goto(`${origin}/tv/play/vod/demo/hand_made?depth=soon`);
      assert.match((await page.textContent('li.problem')) ?? '', /depth/);
      await Promise.all([page.waitForURL(`${origin}/tv/?**`), remoteKey(page, 461)]);
      assert.deepEqual(
        ui.consoleErrors.filter((e) => !/Failed to load resource|MEDIA_ERR|status of 400/.test(e)),
        [],
      );
      assert.deepEqual(ui.offHost, []);
    });
  });
});
