/**
 * The admin's user management pages in Chromium (app.md §9.2, §4.3): the navigation shows Users to
 * an admin; the list shows the accounts; a user is added through the form (must-change ticked by
 * default), its groups are edited, a wrong field is reported next to it, the last admin cannot
 * delete itself, and a user is deleted after confirming. A user-group account is refused the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_PASSWORD as PASSWORD, logIn, screenshot, uiRig } from '../support/browser/ui-pages.js';

const rig = uiRig({ admin: true });

describe('users pages', () => {
  it('an admin lists, adds, edits and deletes users', { timeout: 90_000 }, (t) =>
    rig.run(t, async (ui) => {
      const origin = rig.origin;
      const { page } = ui;
      await logIn(page, origin, 'admin', PASSWORD, '/users');
      await page.waitForSelector('tr[data-user=admin]');
      assert.equal(await page.textContent('nav a[href="/users"]'), 'Users');
      const adminRow = (await page.textContent('tr[data-user=admin]')) ?? '';
      assert.match(adminRow, /admin, media, user/);
      assert.match(adminRow, /\d{4}-\d\d-\d\d \d\d:\d\d/, 'last login shown');

      // Add: must-change is ticked by default; the server's 400 names the password field.
      await Promise.all([page.waitForURL(`${origin}/users/.add`), page.click('#add-user')]);
      await page.waitForSelector('[data-ready]');
      assert.equal(await page.isChecked('input[name=mustChange]'), true);
      await page.fill('input[name=username]', 'editor');
      await page.fill('input[name=email]', 'editor@example.org');
      await page.fill('input[name=password]', 'editor');
      // The browser's own length check would stop the form first; the server's answer is under test.
      await page.evaluate("document.querySelector('form').setAttribute('novalidate', '')");
      await page.click('button[type=submit]');
      await page.waitForSelector('#password-error');
      assert.match((await page.textContent('#password-error')) ?? '', /8/);
      await page.fill('input[name=password]', 'editor-pass-1');
      await Promise.all([page.waitForURL(`${origin}/users`), page.click('button[type=submit]')]);
      await page.waitForSelector('tr[data-user=editor]');
      const editorRow = (await page.textContent('tr[data-user=editor]')) ?? '';
      assert.match(editorRow, /editor@example\.org/);
      assert.match(editorRow, /user/);
      assert.match(editorRow, /yes/, 'must change');
      assert.match(editorRow, /never/);
      await screenshot(page, 'users');

      // Edit: add the media group and untick must-change.
      await Promise.all([page.waitForURL(`${origin}/users/editor`), page.click('tr[data-user=editor] a')]);
      await page.waitForSelector('[data-ready]');
      await page.check('input[name=group-media]');
      await page.uncheck('input[name=mustChange]');
      await page.click('button[type=submit]');
      await page.waitForSelector('p[role=status]');
      await screenshot(page, 'users-edit');
      await page.goto(`${origin}/users`);
      await page.waitForSelector('tr[data-user=editor]');
      assert.match((await page.textContent('tr[data-user=editor]')) ?? '', /media, user.*no/);

      // The admin cannot delete itself; the page shows the server's sentence.
      await page.click('button[aria-label="Delete admin"]');
      await page.click('span.confirm button:has-text("Delete")');
      await page.waitForSelector('p.form-error');
      assert.match((await page.textContent('p.form-error')) ?? '', /own account/);
      assert.ok(await page.isVisible('tr[data-user=admin]'));

      // Delete after confirming.
      await page.click('button[aria-label="Delete editor"]');
      await page.click('span.confirm button:has-text("Delete")');
      await page.waitForSelector('tr[data-user=editor]', { state: 'detached' });
      assert.deepEqual(
        ui.consoleErrors.filter((e) => !/status of 4\d\d/.test(e)),
        [],
      );
      assert.deepEqual(ui.offHost, []);
    }),
  );

  it(
    'the account page changes the e-mail, creates and revokes an upload token, logs out everywhere',
    { timeout: 60_000 },
    (t) =>
      rig.run(t, async ({ page }) => {
        const origin = rig.origin;
        await logIn(page, origin, 'admin', PASSWORD, '/account');
        await page.fill('input[name=email]', 'admin@example.org');
        await page.click('button:has-text("Save e-mail")');
        await page.waitForSelector('p[role=status]:has-text("E-mail saved")');
        await page.click('#create-upload-token');
        await page.waitForSelector('[data-testid=new-token]');
        const line = (await page.textContent('[data-testid=new-token] code')) ?? '';
        const token = /--token (lcu_\S+)/.exec(line)?.[1] ?? '';
        assert.match(token, /^lcu_[A-Za-z0-9_-]{43}$/);
        await page.waitForSelector('tr[data-token] td:has-text("upload")');
        await screenshot(page, 'account');
        const asBearer = () =>
          fetch(`${origin}/api/tokens`, { headers: { authorization: `Bearer ${token}` } }).then(
            (r) => r.status,
          );
        assert.equal(await asBearer(), 200);
        await page.click('tr[data-token]:has(td:has-text("upload")) button:has-text("Revoke")');
        await page.waitForSelector('p[role=status]:has-text("revoked")');
        assert.equal(await asBearer(), 401);

        await Promise.all([page.waitForURL(`${origin}/login`), page.click('#logout-everywhere')]);
        await page.goto(`${origin}/account`);
        await page.waitForURL(`${origin}/login?next=%2Faccount`);
      }),
  );

  it('a user-group account is told the page needs the admin group', { timeout: 60_000 }, async (t) => {
    const origin = rig.origin;
    const admin = await fetch(`${origin}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await admin.json()) as { token: string };
    const created = await fetch(`${origin}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        username: 'plain',
        password: 'plain-pass-1',
        groups: ['user'],
        mustChange: false,
      }),
    });
    assert.equal(created.status, 201);
    await rig.run(t, async (ui) => {
      await logIn(ui.page, origin, 'plain', 'plain-pass-1', '/users');
      await ui.page.waitForSelector('p.form-error');
      assert.match((await ui.page.textContent('p.form-error')) ?? '', /admin group/);
      assert.equal(await ui.page.isVisible('nav a[href="/users"]'), false, 'no Users link for a non-admin');
      assert.equal(await ui.page.isVisible('nav a[href="/account"]'), true);
    });
  });
});
