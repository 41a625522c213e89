/**
 * The builder's `/?stream=DIR` preselect (app.md §9.3) and the streams page's Build link that
 * uses it (§9.2): the named stream is chosen and the manifest URL is written for it, even when
 * another stream is remembered from an earlier visit; the Build link of a row opens the builder
 * on that row's stream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { uiRig } from '../support/browser/ui-pages.js';
import { createStream } from '../../packages/server/src/media/streams.js';

/** Titles that sort on both sides of the demo stream's, so the target is never the list's first. */
const FIRST = { directory: 'prefirst', title: 'A stream listed first' };
const TARGET = { directory: 'pretarget', title: 'Z stream asked for by name' };

const rig = uiRig({
  setup: async (server) => {
    const { db } = server.server.context.database;
    await createStream(db, FIRST);
    await createStream(db, TARGET);
  },
});

/** The builder's stream choice and manifest URL, once the form has rendered. */
async function builderChoice(page: Page): Promise<{ stream: string; url: string }> {
  await page.waitForSelector('#manifest-url');
  return {
    stream: await page.inputValue('select[name=stream]'),
    url: await page.inputValue('#manifest-url'),
  };
}

/** The directory in a builder URL `{origin}/dash/{mode}/{directory}/{template}.mpd…`, or null. */
function urlStream(origin: string, url: string): string | null {
  if (!url.startsWith(`${origin}/`)) return null;
  return /^\/dash\/(?:live|vod|odvod)\/([^/?]+)\/[^/?]+\.mpd/.exec(url.slice(origin.length))?.[1] ?? null;
}

describe('the builder preselects the stream named in ?stream=', () => {
  it('chooses it over the default and the remembered stream', { timeout: 40_000 }, async (t) => {
    await rig.run(t, async ({ page, consoleErrors }) => {
      const origin = rig.origin;
      // without the parameter a fresh browser gets the list's first stream, not the target
      await page.goto(`${origin}/`);
      const plain = await builderChoice(page);
      assert.notEqual(plain.stream, TARGET.directory, 'the target must not be the default choice');
      // remember another stream (local storage), which a plain visit would restore
      await page.selectOption('select[name=stream]', FIRST.directory);
      await page.goto(`${origin}/`);
      assert.equal((await builderChoice(page)).stream, FIRST.directory, 'the choice is remembered');

      await page.goto(`${origin}/?stream=${TARGET.directory}`);
      const asked = await builderChoice(page);
      assert.equal(asked.stream, TARGET.directory);
      assert.equal(urlStream(origin, asked.url), TARGET.directory, `manifest URL ${asked.url}`);
      assert.deepEqual(consoleErrors, []);
    });
  });

  it("the streams page's Build link opens the builder on that stream", { timeout: 40_000 }, async (t) => {
    await rig.run(t, async ({ page, consoleErrors }) => {
      const origin = rig.origin;
      await page.goto(`${origin}/streams`);
      const row = page.locator('[data-testid=streams-table] tr', {
        has: page.locator('code', { hasText: TARGET.directory }),
      });
      const build = row.getByRole('link', { name: 'Build' });
      assert.equal(await build.getAttribute('href'), `/?stream=${TARGET.directory}`);
      await Promise.all([page.waitForURL(`${origin}/?stream=${TARGET.directory}`), build.click()]);
      const chosen = await builderChoice(page);
      assert.equal(chosen.stream, TARGET.directory);
      assert.equal(urlStream(origin, chosen.url), TARGET.directory, `manifest URL ${chosen.url}`);
      assert.deepEqual(consoleErrors, []);
    });
  });
});
