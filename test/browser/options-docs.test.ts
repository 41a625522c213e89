/**
 * The options documentation page in Chromium (app.md §9.2): one row per option of
 * `/api/cgiOptions`, each with its anchor, grouped under headings as the builder groups them
 * (General … Player, the ping and SCTE-35 families included), choices with their descriptions and
 * the default; `/options#drm` lands on the DRM row; the builder's help link of a field goes there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { screenshot, uiRig } from '../support/browser/ui-pages.js';

const rig = uiRig();

interface CgiOption {
  param: string;
  title: string;
  default: string;
  options: [string, string][];
}

describe('/options', () => {
  it(
    'documents every registry option with an anchor, grouped, and the builder links to it',
    { timeout: 60_000 },
    async (t) => {
      const origin = rig.origin;
      const options = (await (await fetch(`${origin}/api/cgiOptions`)).json()) as CgiOption[];
      await rig.run(t, async (ui) => {
        const { page } = ui;
        await page.goto(`${origin}/options#drm`);
        await page.waitForSelector('[data-ready]');
        const rows = await page.evaluate<string[]>(
          "[...document.querySelectorAll('table.options-table tbody tr')].map((tr) => tr.id)",
        );
        assert.deepEqual([...rows].sort(), options.map((o) => o.param).sort(), 'one row per option, no more');
        const headings = await page.evaluate<string[]>(
          "[...document.querySelectorAll('main h2')].map((h) => h.textContent)",
        );
        assert.equal(headings[0], 'General');
        assert.equal(headings.at(-1), 'Player');
        for (const h of ['DRM', 'Ping events', 'SCTE-35 events'])
          assert.ok(headings.includes(h), `${h} group`);

        const drm = options.find((o) => o.param === 'drm')!;
        const row = (await page.textContent('tr#drm')) ?? '';
        assert.ok(row.includes(drm.title));
        for (const [label, pair] of drm.options) assert.ok(row.includes(pair) && row.includes(label), pair);
        // The anchor scrolled the row into view.
        const top = await page.evaluate<number>("document.getElementById('drm').getBoundingClientRect().top");
        assert.ok(top > -2 && top < 800, `tr#drm at ${top}px, not in view`);
        await screenshot(page, 'options-docs');

        await page.goto(`${origin}/`);
        await page.waitForSelector('[data-ready]');
        await page.waitForSelector('#opt-abr');
        const link = await page.getAttribute('.option-field:has(#opt-abr) a.help-link', 'href');
        assert.equal(link, '/options#abr');
        assert.deepEqual(ui.consoleErrors, []);
        assert.deepEqual(ui.offHost, []);
      });
    },
  );
});
