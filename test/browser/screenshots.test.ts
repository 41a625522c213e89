/**
 * Screenshots of the main pages at 1280×800 into test-output/screenshots/ for a person to look at
 * (testing.md §3.10), taken with the bbb stream installed and an admin logged in: home with a
 * stream chosen, the player page during playback with dash.js and with Shaka (text_pref=eng picks
 * the English subtitles in the page's text-track select, app.md §9.5), music, login, users, options,
 * the TV pages, the OpenAPI browser, and the other pages of §9.2 that exist. Pages of this issue
 * must mark themselves ready; another page that never does is reported, not failed, and its
 * screenshot still shows what a person would see.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createStream } from '../../packages/server/src/media/streams.js';
import { createMps } from '../../packages/server/src/multi-period/store.js';
import { ADMIN_PASSWORD as PASSWORD, logIn, screenshot, uiRig } from '../support/browser/ui-pages.js';
import { addBbbStream } from '../support/loopcast.js';
import { requireShared } from '../support/tools.js';

const MPS_TRACKS = [
  { trackId: 1, role: 'main' as const, lang: null, encrypted: false },
  { trackId: 2, role: 'main' as const, lang: null, encrypted: false },
];
const rig = uiRig({ admin: true });

const ready = (page: Page, timeout: number) =>
  page
    .waitForSelector('[data-ready]', { timeout })
    .then(() => true)
    .catch(() => false);

/**
 * Polls an expression through page.evaluate: waitForFunction compiles its string in the page,
 * which the CSP (no 'unsafe-eval', §15) rightly refuses.
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Plays until the clock passed `seconds`; returns the text-track select's options and choice. */
async function playAndReadText(page: Page, seconds: number): Promise<{ options: string[]; chosen: string }> {
  await until(page, `document.querySelector('video').currentTime > ${seconds}`, 20_000);
  await until(page, "document.querySelectorAll('#text-track option').length > 1", 10_000);
  return page.evaluate<{ options: string[]; chosen: string }>(`(() => {
    const s = document.getElementById('text-track');
    return { options: [...s.options].map((o) => o.textContent), chosen: s.options[s.selectedIndex].textContent };
  })()`);
}

describe('screenshots of the main pages', () => {
  it('are taken, with the player playing and showing its text tracks', { timeout: 150_000 }, async (t) => {
    if (!requireShared(t)) return;
    await addBbbStream(rig.server);
    const origin = rig.origin;
    await rig.run(t, async (ui) => {
      const { page } = ui;
      const notReady: string[] = [];
      const shoot = async (name: string, path: string, mine: boolean) => {
        await page.goto(`${origin}${path}`);
        const ok = await ready(page, mine ? 15_000 : 8_000);
        if (mine) assert.ok(ok, `${path} never marked itself ready`);
        else if (!ok) notReady.push(path);
        await screenshot(page, name);
      };
      await shoot('login', '/login', true);
      await logIn(page, origin, 'admin', PASSWORD, '/');
      await page.selectOption('select[name=stream]', 'bbb');
      await page.waitForSelector('.check.ok', { timeout: 15_000 });
      // View manifest: highlighted tokens whose text is the MPD unchanged; Validate links the URL.
      await page.click('.mpd-preview summary');
      const url = await page.inputValue('#manifest-url');
      // A live MPD changes from one fetch to the next, so the shown text is compared by shape.
      const shownMpd = (await page.textContent('.mpd-preview pre')) ?? '';
      assert.match(shownMpd, /^<\?xml[^>]*\?>\s*<MPD [\s\S]*<\/MPD>\s*$/);
      assert.match(shownMpd, /type="dynamic"/);
      assert.ok((await page.$$('.mpd-preview .xml-tag')).length > 20, 'XML tags are highlighted');
      assert.equal(
        await page.getAttribute('#validate-url', 'href'),
        `/validate?url=${encodeURIComponent(url)}`,
      );
      await screenshot(page, 'home');

      // The player page during playback, both players, English subtitles chosen by text_pref.
      for (const player of ['dashjs', 'shaka']) {
        await page.goto(`${origin}/play/vod/bbb/hand_made?player=${player}&text_pref=eng&abr=0`);
        await ready(page, 15_000);
        const text = await playAndReadText(page, 2);
        t.diagnostic(`${player} text tracks: ${text.options.join(' | ')}; chosen ${text.chosen}`);
        assert.equal(text.options[0], 'off');
        assert.match(text.chosen, /^en/, `${player}: text_pref=eng chose ${text.chosen}`);
        const meta = (await page.textContent('.player-meta')) ?? '';
        assert.match(meta, player === 'dashjs' ? /dash\.js 5\.\d+\.\d+/ : /Shaka Player 5\.\d+\.\d+/);
        await screenshot(page, `player-${player}`);
        // "off" hides them again.
        await page.selectOption('#text-track', '');
        assert.match((await page.textContent('.event-log')) ?? '', /text track: /);
      }

      // The 4.x builds: a requested version not bundled resolves to the bundled one of its major.
      for (const [player, requested, label] of [
        ['dashjs', '4.6.0', /dash\.js 4\.6\.0 requested, 4\.\d+\.\d+ loaded/],
        ['shaka', '4.3.0', /Shaka Player 4\.3\.0 requested, 4\.\d+\.\d+ loaded/],
      ] as const) {
        await page.goto(`${origin}/play/vod/demo/hand_made?player=${player}&${player}=${requested}&abr=0`);
        await until(page, "document.querySelector('video').currentTime > 1", 20_000);
        assert.match((await page.textContent('.player-meta')) ?? '', label);
        assert.deepEqual(await page.evaluate<string[]>('window.loopcastProbe.errors'), []);
      }

      // Keyboard (app.md §9.5): Space pauses and resumes, Right seeks +30 s, c toggles cinema mode.
      await page.focus('body');
      await page.keyboard.press(' ');
      await until(page, "document.querySelector('video').paused", 5_000);
      const before = await page.evaluate<number>("document.querySelector('video').currentTime");
      await page.keyboard.press('ArrowRight');
      const after = await page.evaluate<number>("document.querySelector('video').currentTime");
      assert.ok(after - before > 25, `Right seeks +30 s: ${before} → ${after}`);
      await page.keyboard.press(' ');
      await until(page, "!document.querySelector('video').paused", 5_000);
      await page.keyboard.press('c');
      assert.equal(await page.getAttribute('.video-box', 'class'), 'video-box cinema');

      // DASH events reach the event log: dash.js listens to the schemes the manifest announces.
      await page.goto(`${origin}/play/live/demo/hand_made?player=dashjs&events=ping&abr=0`);
      await until(
        page,
        "document.querySelector('.event-log').innerText.includes('event urn:dash-live:pingpong')",
        25_000,
      );

      // A multi-period stream is in the builder's one list; its URL and play link use /mps/ paths.
      await createMps(rig.server.server.context.database.db, {
        name: 'twoslices',
        title: 'Two slices of the demo',
        options: {},
        periods: [
          { pid: 'a', stream: 'demo', startMs: 0, durationMs: 12_000, tracks: MPS_TRACKS },
          { pid: 'b', stream: 'demo', startMs: 30_000, durationMs: 12_000, tracks: MPS_TRACKS },
        ],
      });
      await page.goto(`${origin}/`);
      await ready(page, 15_000);
      await page.selectOption('select[name=stream]', 'mps:twoslices');
      assert.equal(await page.inputValue('#manifest-url'), `${origin}/mps/live/twoslices/hand_made.mpd`);
      assert.equal(await page.isDisabled('input[name=mode][value=odvod]'), true);
      // VoD: a live multi-period stream may start at the live edge past a boundary and take longer.
      await page.check('input[name=mode][value=vod]');
      assert.equal(await page.inputValue('#manifest-url'), `${origin}/mps/vod/twoslices/hand_made.mpd`);
      await page.waitForSelector('.check.ok', { timeout: 15_000 });
      assert.equal(
        await page.getAttribute('#play-dashjs', 'href'),
        '/play/mps-vod/twoslices/hand_made?player=dashjs',
      );
      await Promise.all([page.waitForURL(`${origin}/play/**`), page.click('#play-dashjs')]);
      await until(page, "document.querySelector('video').currentTime > 1", 20_000);
      assert.deepEqual(await page.evaluate<string[]>('window.loopcastProbe.errors'), []);

      // A stream without a timing reference: the page says so and links to the stream, no player.
      await createStream(rig.server.server.context.database.db, { directory: 'empty', title: 'Nothing yet' });
      await page.goto(`${origin}/play/vod/empty/hand_made?player=dashjs`);
      await ready(page, 15_000);
      assert.match((await page.textContent('#not-playable')) ?? '', /no timing reference/);
      assert.equal(await page.getAttribute('#not-playable a', 'href'), '/streams/empty');
      assert.equal(await page.isVisible('video'), false);
      assert.deepEqual(await page.evaluate<string[]>('window.loopcastProbe.errors'), []);
      await screenshot(page, 'player-no-timing-reference');
      // What /api/play says of an unknown stream is shown the same way (app.md §9.5)
      await page.goto(`${origin}/play/vod/nosuch/hand_made?player=dashjs`);
      await ready(page, 15_000);
      assert.match((await page.textContent('#not-playable')) ?? '', /No stream nosuch/);
      assert.equal(await page.isVisible('video'), false);

      await shoot('music', '/music', true);
      await shoot('users', '/users', true);
      await shoot('options', '/options', true);
      for (const [name, path] of [
        ['streams', '/streams'],
        ['stream', '/streams/bbb'],
        ['media-info', '/streams/bbb/files/bbb_v6'],
        ['segments', '/streams/bbb/files/bbb_v6/segments'],
        ['box-tree', '/streams/bbb/files/bbb_v6/segments/1'],
        ['keys', '/keys'],
        ['multi-period', '/multi-period-streams'],
        ['multi-period-editor', '/multi-period-streams/.add'],
        ['validate', '/validate'],
        ['inspect', '/inspect'],
        ['not-found', '/no/such/page'],
      ] as const) {
        await shoot(name, path, false);
      }
      await page.goto(`${origin}/tv/`);
      await screenshot(page, 'tv-menu');
      await page.goto(`${origin}/api/docs`);
      await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 });
      await screenshot(page, 'api-docs');

      if (notReady.length) t.diagnostic(`pages that never marked themselves ready: ${notReady.join(', ')}`);
      const scriptErrors = ui.consoleErrors.filter(
        (e) => e.startsWith('pageerror') || /Content Security Policy/.test(e),
      );
      assert.deepEqual(scriptErrors, [], 'script errors or CSP refusals');
      assert.deepEqual(ui.offHost, [], 'nothing leaves loopcast');
    });
  });
});
