/**
 * Widevine signalling over HTTP (drm-events.md §3.2, §4.6, §7): ContentProtection with the
 * Widevine pssh and licence URL for every location form, the pssh box in `moov` for `moov`, on the
 * pre-encrypted bbb files and on the demo stream encrypted on the fly; every variant valid against
 * the MPD schema and clean in loopcast's own validator (CP_WIDEVINE among its checks). No browser
 * test: Chromium here has no Widevine CDM.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoxes, serializeBox } from '@loopcast/bmff';
import { createFetcher, decodeWidevinePsshData, reportText, validate } from '@loopcast/dash';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { requireShared, requireTool } from '../support/tools.js';

const WIDEVINE = 'edef8ba979d64acea3c827dcd51d21ed';
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;
const LA = 'https://licence.example/wv?a=1&b=2';
const LA_Q = `widevine__la_url=${encodeURIComponent(LA)}`;
/** The §4.6 worked example: the bbb KID with cenc. */
const BBB_PSSH = 'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEBq0VEBTLEOZlNxcWtlYS6xI49yVmwY=';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

async function ok(path: string): Promise<Buffer> {
  const res = await fetch(`${t.origin}${path}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, `${path}: ${bytes.toString().slice(0, 300)}`);
  return bytes;
}

/** The Widevine ContentProtection elements of an MPD (one per encrypted AdaptationSet). */
const widevineElements = (mpd: string): string[] =>
  [
    ...mpd.matchAll(
      /<ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed" value="Widevine"(?:\/>|>[\s\S]*?<\/ContentProtection>)/g,
    ),
  ].map((m) => m[0]);

const widevineBoxes = (init: Buffer): Buffer[] =>
  parseBoxes(init)
    .find((b) => b.type === 'moov')!
    .all('pssh')
    .filter((p) => p.payload.subarray(4, 20).toString('hex') === WIDEVINE)
    .map((p) => serializeBox(p));

function xsd(mpd: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'loopcast-wv-'));
  writeFileSync(join(dir, 'a.mpd'), mpd);
  const r = spawnSync(
    'xmllint',
    ['--nonet', '--noout', '--schema', join(SHARED, 'schema', 'DASH-MPD.xsd'), join(dir, 'a.mpd')],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
}

describe('Widevine over HTTP (drm-events.md §4.6)', { timeout: 28_000 }, () => {
  it('bbb: the worked pssh in the MPD and in moov, the licence URL escaped, every location form', async (ctx) => {
    if (!requireShared(ctx) || !requireTool(ctx, 'xmllint', 'libxml2-utils')) return;
    const forms: [string, { cenc: boolean; moov: boolean }][] = [
      ['widevine', { cenc: true, moov: true }],
      ['widevine-cenc', { cenc: true, moov: false }],
      ['widevine-moov', { cenc: false, moov: true }],
      ['widevine-pro', { cenc: false, moov: false }],
      ['all,widevine-cenc-moov', { cenc: true, moov: true }],
      ['playready-pro,widevine-cenc,clearkey', { cenc: true, moov: false }],
    ];
    for (const [drm, want] of forms) {
      for (const la of [true, false]) {
        const q = `drm=${drm}${la ? `&${LA_Q}` : ''}&${LIVE}`;
        const mpd = (await ok(`/dash/live/bbb/hand_made.mpd?${q}`)).toString();
        const els = widevineElements(mpd);
        assert.equal(els.length, 2, `${q}: one per encrypted AdaptationSet\n${mpd}`);
        for (const el of els) {
          assert.equal(el.includes(`<cenc:pssh>${BBB_PSSH}</cenc:pssh>`), want.cenc, `${q}\n${el}`);
          assert.equal(
            el.includes(
              '<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">https://licence.example/wv?a=1&amp;b=2</dashif:Laurl>',
            ),
            la,
            `${q}\n${el}`,
          );
          if (!want.cenc && !la) assert.match(el, /\/>$/, 'empty element without pssh or URL');
        }
        // §4.5: Widevine after PlayReady, before ClearKey
        const at = (s: string) => mpd.indexOf(s);
        if (drm.includes('playready') || drm.startsWith('all'))
          assert.ok(at('urn:uuid:9a04f079') < at('urn:uuid:edef8ba9'), q);
        if (drm.includes('clearkey') || drm.startsWith('all'))
          assert.ok(at('urn:uuid:edef8ba9') < at('urn:uuid:e2719d58'), q);
        xsd(mpd);
        const init = await ok(`/dash/live/bbb/bbb_v6_enc/init.m4v?${q}`);
        const boxes = widevineBoxes(init);
        assert.deepEqual(
          boxes.map((b) => b.toString('base64')),
          want.moov ? [BBB_PSSH] : [],
          q,
        );
        const seg = await ok(`/dash/live/bbb/bbb_v6_enc/70.m4v?${q}`);
        assert.ok(parseBoxes(seg).some((b) => b.type === 'mdat'));
      }
    }
    // the licence URL is MPD only: child URLs and init segments never carry it (§3.3, §13)
    const mpd = (await ok(`/dash/live/bbb/hand_made.mpd?drm=widevine&${LA_Q}&${LIVE}`)).toString();
    assert.doesNotMatch(mpd, /(initialization|media)="[^"]*widevine__la_url/);
    const init = await ok(`/dash/live/bbb/bbb_v6_enc/init.m4v?drm=widevine&${LA_Q}&${LIVE}`);
    assert.ok(!init.includes('licence.example'));
    // canonical child-URL form (§3.1)
    const canon = (
      await ok(`/dash/live/bbb/hand_made.mpd?drm=playready,widevine-cenc,clearkey,marlin&${LIVE}`)
    ).toString();
    assert.match(canon, /media="[^"]*drm=all,widevine-cenc[&"]/);
    // `all` does not include Widevine (§3.1)
    assert.deepEqual(
      widevineElements((await ok(`/dash/live/bbb/hand_made.mpd?drm=all&${LIVE}`)).toString()),
      [],
    );
  });

  it('refuses a bad licence URL with 400 naming widevine__la_url, and resets it without Widevine', async () => {
    for (const bad of ['ftp://x.example/', 'not a url', `https://x.example/${'a'.repeat(2100)}`]) {
      const res = await fetch(
        `${t.origin}/dash/live/demo/hand_made.mpd?drm=widevine&widevine__la_url=${encodeURIComponent(bad)}&${LIVE}`,
      );
      assert.equal(res.status, 400, bad);
      assert.match(await res.text(), /widevine__la_url/);
    }
    // the options page's registry document has the row and its help (drm-events.md §13)
    const rows = JSON.parse((await ok('/api/cgiOptions')).toString()) as {
      param: string;
      group: string;
      description: string;
      usage: string[];
    }[];
    const row = rows.find((r) => r.param === 'widevine__la_url');
    assert.equal(row?.group, 'drm');
    assert.deepEqual(row.usage, ['manifest']);
    assert.match(row.description, /dashif:Laurl/);
    assert.match(rows.find((r) => r.param === 'scte35__command')?.description ?? '', /time_signal/);
    const mpd = (await ok(`/dash/live/demo/hand_made.mpd?drm=clearkey&${LA_Q}&${LIVE}`)).toString();
    assert.doesNotMatch(mpd, /licence\.example/);
    assert.doesNotMatch(mpd, /widevine__la_url/);
  });

  it('demo on the fly: cenc and cbcs pssh name the on-the-fly KID, in the MPD and in moov', async () => {
    for (const scheme of ['cenc', 'cbcs'] as const) {
      const q = `drm=widevine&enc_scheme=${scheme}&${LA_Q}&${LIVE}`;
      const mpd = (await ok(`/dash/live/demo/hand_made.mpd?${q}`)).toString();
      const kid = /cenc:default_KID="([0-9a-f-]{36})"/.exec(mpd)?.[1]?.replace(/-/g, '');
      assert.ok(kid, mpd);
      const els = widevineElements(mpd);
      assert.ok(els.length >= 1, mpd);
      const b64 = /<cenc:pssh>([^<]+)<\/cenc:pssh>/.exec(els[0]!)![1]!;
      const box = Buffer.from(b64, 'base64');
      const fields = decodeWidevinePsshData(box.subarray(32));
      assert.deepEqual(fields.keyIds, [kid]);
      assert.equal(fields.protectionScheme?.fourcc, scheme);
      for (const [rep, ext] of [
        ['demo_v1', 'm4v'],
        ['demo_a1', 'm4a'],
      ] as const) {
        const init = await ok(`/dash/live/demo/${rep}/init.${ext}?${q}`);
        assert.deepEqual(
          widevineBoxes(init).map((b) => b.toString('base64')),
          [b64],
          `${rep} ${scheme}`,
        );
        const seg = await ok(`/dash/live/demo/${rep}/140.${ext}?${q}`);
        assert.ok(parseBoxes(seg).some((b) => b.type === 'moof'));
      }
    }
  });

  it('validates clean in loopcast validator, like the same stream with ClearKey', async (ctx) => {
    const run = async (stream: string, query: string) => {
      const r = await validate(
        {
          url: `${t.origin}/dash/vod/${stream}/hand_made.mpd?${query}`,
          duration: 1,
          encrypted: true,
          media: true,
          concurrency: 4,
        },
        createFetcher({ addressRule: false }),
      );
      const bad = r.issues.filter((i) => i.severity !== 'info');
      return { codes: bad.map((i) => `${i.severity} ${i.code}`).sort(), text: reportText(r) };
    };
    const streams = sharedAvailable() ? ['demo', 'bbb'] : ['demo'];
    if (!sharedAvailable()) ctx.diagnostic(`bbb skipped: ${SHARED} is missing`);
    for (const stream of streams) {
      const base = await run(stream, 'drm=clearkey');
      for (const q of [
        `drm=widevine&${LA_Q}`,
        'drm=clearkey,widevine-cenc',
        'drm=all,widevine',
        'drm=all-cenc,widevine-moov',
        'drm=widevine&enc_scheme=cbcs&otf=1',
      ]) {
        const got = await run(stream, q);
        assert.deepEqual(got.codes, base.codes, `${stream} ${q}\n${got.text}`);
        assert.ok(!got.codes.some((c) => c.includes('CP_WIDEVINE')), got.text);
      }
    }
  });
});
