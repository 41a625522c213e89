/**
 * DRM over HTTP with the bbb stream (drm-events.md §3.4, §4, §6.7, §7, §14.1): encrypted files
 * chosen with `drm`, ContentProtection valid against the MPD schema, pssh boxes in moov for the
 * `moov` location (cached per LA_URL), the PIFF box with PlayReady (on the fly too, with saio at
 * senc), and ffmpeg decrypting the stored *_enc files from a pipe with the test-seed key. On-the-fly
 * encryption itself is tested in drm-otf.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const PIFF_UUID = 'a2394f525a9b4f14a2446c427c648df4';
const COMMON_SYSTEM_ID = '1077efecc0b24d02ace33c1e52e2fb4b';
const PLAYREADY_SYSTEM_ID = '9a04f07998404286ab92e65be0885f95';
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const get = async (path: string) => {
  const res = await fetch(`${t.origin}${path}`);
  return {
    status: res.status,
    bytes: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type'),
  };
};
const ok = async (path: string) => {
  const r = await get(path);
  assert.equal(r.status, 200, `${path}: ${r.bytes.toString().slice(0, 300)}`);
  return r.bytes;
};

function psshSystems(init: Buffer): string[] {
  const moov = parseBoxes(init).find((b) => b.type === 'moov')!;
  return moov.all('pssh').map((p) => p.payload.subarray(4, 20).toString('hex'));
}

describe('drm over HTTP', () => {
  it('lists the encrypted bbb files with ContentProtection valid against the schema', async (ctx) => {
    if (!requireShared(ctx) || !requireTool(ctx, 'xmllint', 'libxml2-utils')) return;
    const mpd = (await ok(`/dash/live/bbb/hand_made.mpd?drm=all&${LIVE}`)).toString();
    assert.match(mpd, /id="bbb_v6_enc"/);
    assert.doesNotMatch(mpd, /id="bbb_v6"/);
    assert.match(mpd, /cenc:default_KID="1ab45440-532c-4399-94dc-5c5ad9584bac"/);
    assert.match(mpd, new RegExp(`<dashif:Laurl[^>]*>${t.origin}/clearkey</dashif:Laurl>`));
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-drm-'));
    writeFileSync(join(dir, 'a.mpd'), mpd);
    const lint = spawnSync(
      'xmllint',
      ['--nonet', '--noout', '--schema', join(SHARED, 'schema', 'DASH-MPD.xsd'), join(dir, 'a.mpd')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(lint.status, 0, lint.stderr);
    const bad = await get(`/dash/live/bbb/hand_made.mpd?drm=all,clearkey&${LIVE}`);
    assert.equal(bad.status, 400);
    assert.equal((await get(`/dash/live/bbb/bbb_v6_enc/init.m4v?${LIVE}`)).status, 404);
  });

  it('appends pssh boxes to moov for the moov location only (§7)', async (ctx) => {
    if (!requireShared(ctx)) return;
    const stored = await ok(`/dash/live/bbb/bbb_v6_enc/init.m4v?drm=playready-cenc&${LIVE}`);
    const before = psshSystems(stored);
    const init = await ok(`/dash/live/bbb/bbb_v6_enc/init.m4v?drm=clearkey-moov,playready-moov&${LIVE}`);
    assert.deepEqual(psshSystems(init).slice(before.length), [COMMON_SYSTEM_ID, PLAYREADY_SYSTEM_ID]);
    // two LA_URLs of the same length give two different PlayReady boxes, not one cached init
    const la = (c: string) =>
      ok(
        `/dash/live/bbb/bbb_v6_enc/init.m4v?drm=playready-moov&playready__la_url=https%3A%2F%2F${c}.example%2F&${LIVE}`,
      );
    assert.ok(!(await la('a')).equals(await la('b')));
    const clear = await ok(`/dash/live/bbb/bbb_v6/init.m4v?${LIVE}`);
    assert.deepEqual(psshSystems(clear), []);
  });

  it('adds the PIFF box to encrypted fragments with PlayReady (§6.7)', async (ctx) => {
    if (!requireShared(ctx)) return;
    const traf = (b: Buffer) =>
      parseBoxes(b)
        .find((x) => x.type === 'moof')!
        .child('traf')!;
    const piff = traf(await ok(`/dash/live/bbb/bbb_v6_enc/70.m4v?drm=playready&${LIVE}`)).children.map(
      (c) => c.key,
    );
    assert.ok(piff.includes(`uuid:${PIFF_UUID}`), piff.join(' '));
    assert.ok(piff.indexOf(`uuid:${PIFF_UUID}`) < piff.indexOf('saiz'));
    // on the fly too, and saio still points at the first senc entry (§6.7, §8.3); bugs=saio breaks it
    for (const rep of ['demo_v1', 'demo_a1']) {
      const ext = rep.endsWith('v1') ? 'm4v' : 'm4a';
      for (const extra of ['', '&bugs=saio']) {
        const seg = await ok(`/dash/live/demo/${rep}/140.${ext}?drm=playready&${LIVE}${extra}`);
        const moof = parseBoxes(seg).find((x) => x.type === 'moof')!;
        const t = moof.child('traf')!;
        const keys = t.children.map((c) => c.key);
        const at = keys.indexOf(`uuid:${PIFF_UUID}`);
        assert.ok(at >= 0 && at < keys.indexOf('saiz'), keys.join(' '));
        const senc = t.child('senc')!;
        const offset = t.child('saio')!.payload.readUInt32BE(8);
        assert.equal(
          offset === senc.offset - moof.offset + 16,
          extra === '',
          `${rep}${extra}: saio ${offset}`,
        );
      }
    }
    const none = traf(
      await ok(`/dash/live/bbb/bbb_v6_enc/70.m4v?drm=playready&playready__piff=0&${LIVE}`),
    ).children;
    assert.ok(!none.some((c) => c.key === `uuid:${PIFF_UUID}`));
  });
});
