/**
 * Untrusted text is rendered only as text (app.md §15): the payload `"><img src=x onerror=alert(1)>`
 * is pushed through every surface that exists — a stream title (builder, streams pages, player page,
 * MPD preview, TV menu), a user's e-mail (users pages), music tags (music page), option values and
 * the manifest URL they make (player page), the login page's `next`, and an unknown path (404 page)
 * — and on every page no dialog opens, no element from the payload appears (no `img[src=x]`), no
 * script error is raised, and where the page shows the text, it shows it literally.
 * Also the headers that back it: `nosniff` and the CSP on pages and API answers, and
 * `sandbox` on stored bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStream } from '../../packages/server/src/media/streams.js';
import { ADMIN_PASSWORD as PASSWORD, logIn, uiRig, type UiPage } from '../support/browser/ui-pages.js';

const XSS = '"><img src=x onerror=alert(1)>';
/** The e-mail rule allows no spaces: the same attack in the shape of an address. */
const XSS_EMAIL = '"><img/src=x/onerror=alert(1)>@x.y';

const rig = uiRig({
  admin: true,
  setup: async (server) => {
    const { db } = server.server.context.database;
    await createStream(db, { directory: 'xss', title: XSS });
    // The demo stream's title is untrusted text too, and it plays: the player page and the MPD show it.
    await db.updateTable('streams').set({ title: XSS }).where('directory', '=', 'demo').execute();
    await db.updateTable('music_tracks').set({ title: XSS, artist: XSS, album: XSS, genre: XSS }).execute();
    const token = await fetch(`${server.origin}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token: bearer } = (await token.json()) as { token: string };
    const created = await fetch(`${server.origin}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({
        username: 'mallory',
        email: XSS_EMAIL,
        password: 'mallory-pass-1',
        groups: ['user'],
      }),
    });
    assert.equal(created.status, 201, await created.text());
  },
});

/** Nothing from the payload ran or became an element. */
async function assertInert(ui: UiPage, where: string): Promise<void> {
  const injected = await ui.page.evaluate<number>(
    'document.querySelectorAll(\'img[src="x"], img[onerror], [onerror]\').length',
  );
  assert.equal(injected, 0, `${where}: an element from the payload exists`);
  assert.deepEqual(ui.dialogs, [], `${where}: a dialog opened`);
  const scriptErrors = ui.consoleErrors.filter((e) => e.startsWith('pageerror'));
  assert.deepEqual(scriptErrors, [], `${where}: script errors`);
}

const bodyText = (ui: UiPage) => ui.page.evaluate<string>('document.body.innerText');

describe('untrusted text is rendered as text', () => {
  it('through every page that shows it', { timeout: 90_000 }, async (t) => {
    const origin = rig.origin;
    await rig.run(t, async (ui) => {
      const { page } = ui;
      // Login page with a hostile `next`: after logging in the browser stays on this site.
      await logIn(page, origin, 'admin', PASSWORD, '/');
      await page.goto(`${origin}/login?next=${encodeURIComponent(`javascript:alert(1)//${XSS}`)}`);
      await page.waitForSelector('[data-ready]');
      await assertInert(ui, 'login');

      // Builder: the stream list shows the title; the MPD preview shows the title in XML text.
      await page.goto(`${origin}/`);
      await page.waitForSelector('[data-ready]');
      await page.selectOption('select[name=stream]', 'demo');
      await page.waitForSelector('.check.ok', { timeout: 15_000 });
      assert.ok(
        (await page.textContent('select[name=stream]'))?.includes(XSS),
        'builder shows the title as text',
      );
      await page.click('.mpd-preview summary');
      // The MPD's XML escaping stays visible: the preview shows the document's text, not markup.
      assert.ok((await page.textContent('.mpd-preview pre'))?.includes('&lt;img src=x onerror=alert(1)&gt;'));
      await assertInert(ui, 'builder');

      // Player page: option values and the manifest URL they make are shown as text.
      const hostile = encodeURIComponent(XSS);
      await page.goto(`${origin}/play/vod/demo/hand_made?player=native&text_pref=${hostile}&x=${hostile}`);
      await page.waitForSelector('[data-ready]');
      const playerText = await bodyText(ui);
      assert.ok(playerText.includes('x='), 'the manifest URL with the unknown option is shown');
      await assertInert(ui, 'player');

      // Streams list and the stream's own page (another engineer's pages, when present).
      for (const path of ['/streams', '/streams/xss']) {
        const res = await page.goto(`${origin}${path}`);
        if (res?.status() !== 200) continue;
        await page.waitForSelector('[data-ready]', { timeout: 15_000 });
        assert.ok((await bodyText(ui)).includes(XSS), `${path} shows the title as text`);
        await assertInert(ui, path);
      }

      // Users pages: the e-mail is shown as text in the list and as a value in the form.
      await page.goto(`${origin}/users`);
      await page.waitForSelector('tr[data-user=mallory]');
      assert.ok((await page.textContent('tr[data-user=mallory]'))?.includes(XSS_EMAIL));
      await assertInert(ui, 'users');
      await page.goto(`${origin}/users/mallory`);
      await page.waitForSelector('input[name=email]');
      assert.equal(await page.inputValue('input[name=email]'), XSS_EMAIL);
      await assertInert(ui, 'user edit');

      // Music: tags in the library table.
      await page.goto(`${origin}/music`);
      await page.waitForSelector('[data-ready]');
      await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(XSS)})`, null, {
        timeout: 10_000,
      });
      await assertInert(ui, 'music');

      // TV menu: server-rendered and escaped.
      await page.goto(`${origin}/tv/`);
      assert.ok((await page.textContent('#f-stream'))?.includes(XSS));
      await assertInert(ui, 'tv');

      // The 404 page names the path it could not find.
      await page.goto(`${origin}/nothing/${hostile}`);
      await page.waitForSelector('[data-ready]');
      await assertInert(ui, '404');
    });
  });

  it('pages and API answers carry nosniff and the CSP; stored bytes are sandboxed', async () => {
    const origin = rig.origin;
    for (const path of ['/', '/users', '/tv/', '/api/streams', '/api/openapi.json']) {
      const res = await fetch(`${origin}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.match(csp, /base-uri 'none'/, path);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, path);
    }
    const segment = await fetch(`${origin}/dash/vod/demo/hand_made.mpd`);
    await segment.arrayBuffer();
    assert.equal(segment.headers.get('x-content-type-options'), 'nosniff');
    assert.match(segment.headers.get('content-security-policy') ?? '', /sandbox/);
  });
});
