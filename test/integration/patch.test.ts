/**
 * MPD patch over HTTP (drm-events.md §11): the PatchLocation of a live MPD leads to a patch that
 * turns that MPD into the next one; current, future, off-grid and expired bases are refused with
 * 425, 404 and 410. The clock is pinned with `now`, as a client refreshing later would see it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canonical, parseXml } from '@loopcast/dash';
import { applyPatch } from '../../packages/dash/test/unit/patch/apply.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const AST = Date.UTC(2026, 0, 1);
const START = 'start=2026-01-01T00:00:00Z&depth=30';
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

const get = (url: string) => fetch(url.startsWith('http') ? url : `${t.origin}${url}`);
const mpdAt = async (ms: number) => {
  const r = await get(`/dash/live/demo/hand_made.mpd?patch=1&${START}&now=${ms}`);
  assert.equal(r.status, 200);
  return r.text();
};
/** The PatchLocation URL of an MPD with `now` moved to `ms` (a later client clock). */
const patchUrlAt = (xml: string, ms: number) => {
  const url = /<PatchLocation ttl="(\d+)">([^<]+)<\/PatchLocation>/.exec(xml)![2]!.replace(/&amp;/g, '&');
  return url.replace(/now=\d+/, `now=${ms}`);
};

describe('MPD patch over HTTP', { timeout: 30_000 }, () => {
  it('patches the MPD at its PatchLocation into the next MPD', async () => {
    const base = await mpdAt(AST + 600_000);
    assert.match(
      base,
      /<PatchLocation ttl="30">http:\/\/127\.0\.0\.1:\d+\/patch\/demo\/hand_made\/1767226200\?/,
    );
    const later = AST + 604_000;
    const r = await get(patchUrlAt(base, later));
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get('content-type'), 'application/dash-patch+xml');
    assert.ok(r.headers.get('access-control-allow-origin'));
    // the patch is computed with the request's options: with a pinned clock they differ from the
    // base MPD's only in `now` (a real client sends none), so `now` values are normalised
    const pinned = (x: string) => x.replace(/now=\d+/g, 'now=N');
    const patched = applyPatch(pinned(base), await r.text());
    assert.equal(pinned(canonical(patched)), pinned(canonical(parseXml(await mpdAt(later)))));
  });

  it('answers 425 for the current or a future base, 404 off the grid, 410 when expired', async () => {
    const now = AST + 600_000;
    const q = `${START}&now=${now}`;
    const current = await get(`/patch/demo/hand_made/1767226200?${q}`);
    assert.equal(current.status, 425);
    assert.equal(current.headers.get('retry-after'), '4');
    assert.equal((await get(`/patch/demo/hand_made/1767226204?${q}`)).status, 425);
    assert.equal((await get(`/patch/demo/hand_made/1767226201?${q}`)).status, 404);
    assert.equal((await get(`/patch/demo/hand_made/1767226196?${q}`)).status, 200);
    assert.equal((await get(`/patch/demo/hand_made/1767226168?${q}`)).status, 410);
    assert.equal((await get(`/patch/demo/manifest_a/1767226196?${q}`)).status, 404);
    assert.equal((await get(`/patch/nope/hand_made/1767226196?${q}`)).status, 404);
    assert.equal((await get(`/patch/demo/hand_made/1767226196?${q}&depth=x`)).status, 400);
    // an ended event: the MPD is static, no base can be patched
    const ended = await get(`/patch/demo/hand_made/1767226196?${q}&stop=2026-01-01T00:05:00Z`);
    assert.equal(ended.status, 410);
  });
});
