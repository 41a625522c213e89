/**
 * DRM over HTTP (drm-events.md §3.4, §4, §6.7, §7, §8, §14.1): encrypted bbb files chosen with
 * `drm`, ContentProtection valid against the MPD schema, pssh boxes in moov for the `moov`
 * location, the PIFF box with PlayReady, and the demo stream encrypted on the fly — decrypted by
 * ffmpeg from a pipe with the stream's computed key to the same frames as the clear segments, and
 * to different frames with a wrong key.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const DEMO_KEY = '0b6221e1c146745c661f8c2f178a7adc';
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

function framemd5(input: Buffer, key?: string, seconds?: number): string {
  const r = spawnSync(
    'ffmpeg',
    [
      ...['-v', 'error', ...(key ? ['-decryption_key', key] : []), '-i', '-', '-map', '0'],
      ...(seconds ? ['-t', String(seconds)] : []),
      ...['-f', 'framemd5', '-'],
    ],
    { input, maxBuffer: 64 * 1024 * 1024 },
  );
  return r.stdout
    .toString()
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .join('\n');
}

describe('drm over HTTP', () => {
  it('ffmpeg decrypts the stored bbb *_enc files from a pipe with the test-seed key (§2.7, §14.1)', (ctx) => {
    if (!requireShared(ctx) || !requireTool(ctx, 'ffmpeg', 'ffmpeg')) return;
    for (const name of ['bbb_v7', 'bbb_a1']) {
      const read = (n: string) => readFileSync(join(SHARED, 'media', 'bbb', `${n}.mp4`));
      const want = framemd5(read(name), undefined, 4);
      assert.ok(want.length > 0);
      assert.equal(framemd5(read(`${name}_enc`), 'd6d39cedee9024c88b64eb1bdd617a47', 4), want, name);
    }
  });

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

  for (const scheme of ['cenc', 'cbcs'] as const)
    it(`encrypts demo on the fly with ${scheme}; ffmpeg decrypts it to the clear frames (§8, §14.1)`, async (ctx) => {
      if (!requireTool(ctx, 'ffmpeg', 'ffmpeg')) return;
      const drm = `drm=clearkey&enc_scheme=${scheme}`;
      const mpd = (await ok(`/dash/vod/demo/hand_made.mpd?${drm}`)).toString();
      assert.match(
        mpd,
        new RegExp(`value="${scheme}" cenc:default_KID="2a41dba4-9af5-55c6-2986-df6811da02e6"`),
      );
      for (const [rep, ext] of [
        ['demo_v1', 'm4v'],
        ['demo_a1', 'm4a'],
      ] as const) {
        const clear: Buffer[] = [await ok(`/dash/vod/demo/${rep}/init.${ext}`)];
        const enc: Buffer[] = [await ok(`/dash/vod/demo/${rep}/init.${ext}?${drm}`)];
        for (let n = 1; n <= 2; n++) {
          clear.push(await ok(`/dash/vod/demo/${rep}/${n}.${ext}`));
          enc.push(await ok(`/dash/vod/demo/${rep}/${n}.${ext}?${drm}`));
        }
        const entry = parseBoxes(enc[0]!)
          .find((b) => b.type === 'moov')!
          .find('trak/mdia/minf/stbl/stsd')!.children[0]!;
        assert.equal(entry.type, ext === 'm4v' ? 'encv' : 'enca');
        assert.ok(!enc[1]!.equals(clear[1]!));
        const want = framemd5(Buffer.concat(clear));
        assert.ok(want.length > 0);
        assert.equal(framemd5(Buffer.concat(enc), DEMO_KEY), want, rep);
        assert.notEqual(
          framemd5(Buffer.concat(enc), 'd6d39cedee9024c88b64eb1bdd617a47'),
          want,
          `${rep} wrong key`,
        );
        // the same URL gives the same bytes (deterministic IVs, cache)
        assert.ok((await ok(`/dash/vod/demo/${rep}/2.${ext}?${drm}`)).equals(enc[2]!));
      }
    });
});
