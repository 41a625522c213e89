/**
 * `GET /api/play/{mode}/{stream}/{manifest}` (app.md §4.6, §4.1, §3.8): the player page's answer
 * for the committed demo stream (no shared media needed) — fields, an absolute MPD URL carrying
 * only non-default options (and that URL really serves the MPD), ClearKey with loopcast's own
 * licence URL or the `clearkey__la_url` override, 400 naming a bad option, 404 for an unknown
 * stream, template or mode, 409 for a stream without timing reference, unknown parameters
 * ignored, CORS per LOOPCAST_ALLOWED_DOMAINS, a multi-period stream, and no key material.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStream } from '../../packages/server/src/media/streams.js';
import { installedPlayers } from '../../packages/server/src/routes/web.js';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const PASSWORD = 'play-admin-password';
const ALLOWED_ORIGIN = 'https://player.example';
/** The demo stream's on-the-fly KID and its (computed) key (drm-events.md §2.6). */
const DEMO_OTF_KID = '2a41dba49af555c62986df6811da02e6';
const DEMO_OTF_KEY = '0b6221e1c146745c661f8c2f178a7adc';

interface PlayInfo {
  mode: string;
  stream: { kind: string; name: string; title: string };
  manifest: { name: string; title: string };
  mpdUrl: string;
  options: Record<string, unknown>;
  player: { name: string; version: string };
  textPreference: string | null;
  drm: { system: string; laUrl: string | null }[];
  tracks: {
    periodId: string;
    id: string;
    contentType: string;
    codecs: string;
    lang: string | null;
    role: string | null;
    encrypted: boolean;
    defaultKid: string | null;
  }[];
}
interface ErrorBody {
  error: { status: number; code: string; message: string; field?: string };
}

let server: TestServer;

async function play(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.origin}/api/play/${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as unknown };
}

async function playInfo(path: string): Promise<PlayInfo> {
  const res = await play(path);
  assert.equal(res.status, 200, res.text);
  return res.json as PlayInfo;
}

before(async () => {
  server = await startTestServer({
    env: {
      LOOPCAST_ADMIN_PASSWORD: PASSWORD,
      LOOPCAST_ADMIN_MUST_CHANGE: 'false',
      LOOPCAST_ALLOWED_DOMAINS: 'https://player\\.example',
    },
  });
  // a stream with no files, hence no timing reference (app.md §2.3)
  await createStream(server.server.context.database.db, { directory: 'bare', title: 'No files yet' });
});
after(() => server?.stop());

describe('GET /api/play', () => {
  it('answers a live demo stream with an absolute MPD URL of its non-default options', async () => {
    const info = await playInfo('live/demo/hand_made.mpd?depth=60&leeway=16&player=dashjs&text_pref=eng');
    assert.equal(info.mode, 'live');
    assert.deepEqual(info.stream, { kind: 'stream', name: 'demo', title: 'loopcast demo test card' });
    assert.equal(info.manifest.name, 'hand_made');
    assert.ok(info.manifest.title.length > 0);
    // leeway=16 is the default and player/text_pref belong to the page: only depth is carried
    assert.equal(info.mpdUrl, `${server.origin}/dash/live/demo/hand_made.mpd?depth=60`);
    assert.equal(info.options.timeShiftBufferDepth, 60);
    assert.equal(info.options.leeway, 16);
    assert.equal(info.options.videoPlayer, 'dashjs');
    assert.equal(info.textPreference, 'eng');
    assert.equal(info.player.name, 'dashjs');
    const bundled = installedPlayers()
      .filter((p) => p.player === 'dashjs')
      .map((p) => p.version);
    if (bundled.length > 0) assert.ok(bundled.includes(info.player.version), info.player.version);
    assert.deepEqual(info.drm, []);
    // a version that is not bundled resolves to the bundled one of the same major (app.md §9.5)
    const old = await playInfo('live/demo/hand_made.mpd?player=dashjs&dashjs=4.0.0');
    const bundled4 = bundled.find((v) => v.startsWith('4.'));
    if (bundled4) assert.equal(old.player.version, bundled4);
    assert.equal(old.options.dashjsVersion, '4.0.0');
    assert.equal(old.mpdUrl, `${server.origin}/dash/live/demo/hand_made.mpd`);

    const types = new Set(info.tracks.map((t) => t.contentType));
    assert.ok(types.has('video') && types.has('audio') && types.has('text'), [...types].join(','));
    for (const track of info.tracks) {
      assert.ok(track.periodId.length > 0 && track.id.length > 0, JSON.stringify(track));
      assert.ok(track.codecs.length > 0, JSON.stringify(track));
      assert.equal(track.encrypted, false);
      assert.equal(track.defaultKid, null);
    }
    assert.match(info.tracks.find((t) => t.contentType === 'video')!.codecs, /^(avc|hev|hvc)/);

    // the URL serves that very MPD: its Periods and window are the ones reported
    const mpd = await fetch(info.mpdUrl);
    assert.equal(mpd.status, 200);
    const xml = await mpd.text();
    assert.match(xml, /timeShiftBufferDepth="PT1M(0S)?"/);
    for (const periodId of new Set(info.tracks.map((t) => t.periodId)))
      assert.match(xml, new RegExp(`<Period[^>]* id="${periodId}"`));
  });

  it('carries an option that differs from the default even when given as the default text', async () => {
    const plain = await playInfo('vod/demo/hand_made');
    assert.equal(plain.mpdUrl, `${server.origin}/dash/vod/demo/hand_made.mpd`);
    assert.equal(plain.mode, 'vod');
    const odvod = await playInfo('odvod/demo/hand_made.mpd');
    assert.equal(odvod.mpdUrl, `${server.origin}/dash/odvod/demo/hand_made.mpd`);
  });

  it('lists ClearKey with loopcast’s /clearkey URL, or the clearkey__la_url override', async () => {
    const info = await playInfo('live/demo/hand_made.mpd?drm=clearkey');
    assert.deepEqual(info.drm, [{ system: 'clearkey', laUrl: `${server.origin}/clearkey` }]);
    assert.equal(info.mpdUrl, `${server.origin}/dash/live/demo/hand_made.mpd?drm=clearkey`);
    const av = info.tracks.filter((t) => t.contentType === 'video' || t.contentType === 'audio');
    assert.ok(av.length >= 2);
    for (const track of av) {
      assert.equal(track.encrypted, true, JSON.stringify(track));
      assert.equal(track.defaultKid, DEMO_OTF_KID);
    }
    assert.ok(info.tracks.filter((t) => t.contentType === 'text').every((t) => !t.encrypted));

    const url = 'https://licence.example/ck?x=1';
    const own = await playInfo(
      `live/demo/hand_made.mpd?drm=clearkey&clearkey__la_url=${encodeURIComponent(url)}`,
    );
    assert.deepEqual(own.drm, [{ system: 'clearkey', laUrl: url }]);
    assert.match(own.mpdUrl, /[?&]clearkey__la_url=https:%2F%2Flicence\.example%2Fck%3Fx%3D1&drm=clearkey$/);
    // dash-live's single-underscore alias wins and is written under the canonical name
    const alias = await playInfo(
      `live/demo/hand_made.mpd?drm=clearkey&clearkey_la_url=${encodeURIComponent(url)}`,
    );
    assert.deepEqual(alias.drm, [{ system: 'clearkey', laUrl: url }]);
    assert.match(alias.mpdUrl, /[?&]clearkey__la_url=/);
    assert.doesNotMatch(alias.mpdUrl, /clearkey_la_url/);
  });

  it('reports every selected system and never a key value', async () => {
    const res = await play(
      'live/demo/hand_made.mpd?drm=all,widevine&marlin__la_url=https://marlin.example/s',
    );
    assert.equal(res.status, 200, res.text);
    const info = res.json as PlayInfo;
    assert.deepEqual(
      info.drm.map((d) => d.system),
      ['clearkey', 'marlin', 'playready', 'widevine'],
    );
    assert.equal(info.drm.find((d) => d.system === 'marlin')?.laUrl, 'https://marlin.example/s');
    assert.match(info.drm.find((d) => d.system === 'playready')?.laUrl ?? '', /^https:\/\/test\.playready/);
    assert.equal(info.drm.find((d) => d.system === 'widevine')?.laUrl, null);
    const keyBase64 = Buffer.from(DEMO_OTF_KEY, 'hex').toString('base64');
    for (const form of [DEMO_OTF_KEY, DEMO_OTF_KEY.toUpperCase(), keyBase64, encodeURIComponent(keyBase64)])
      assert.ok(!res.text.includes(form), `the body carries the key as ${form}`);
    assert.doesNotMatch(res.text, /"(key|b64Key|contentKey)"/);
  });

  it('answers 400 naming a bad option, and ignores unknown parameters', async () => {
    const bad = await play('live/demo/hand_made.mpd?depth=forever');
    assert.equal(bad.status, 400, bad.text);
    const error = (bad.json as ErrorBody).error;
    assert.equal(error.code, 'invalid_field');
    assert.equal(error.field, 'depth');
    assert.match(error.message, /depth/);
    const drm = await play('live/demo/hand_made.mpd?drm=fairplay');
    assert.equal(drm.status, 400);
    assert.equal((drm.json as ErrorBody).error.field, 'drm');

    const ignored = await playInfo('live/demo/hand_made.mpd?utm_source=mail&dash.debug=1&_=123');
    assert.equal(ignored.mpdUrl, `${server.origin}/dash/live/demo/hand_made.mpd`);
  });

  it('answers 404 for an unknown stream, template or mode, and 409 without a timing reference', async () => {
    for (const path of [
      'live/nosuchstream/hand_made.mpd',
      'live/demo/manifest_zz.mpd',
      'dvr/demo/hand_made.mpd',
      'mps-vod/nosuchmps/hand_made.mpd',
    ]) {
      const res = await play(path);
      assert.equal(res.status, 404, `${path}: ${res.text}`);
      assert.equal((res.json as ErrorBody).error.code, 'not_found');
    }
    const bare = await play('vod/bare/hand_made.mpd');
    assert.equal(bare.status, 409, bare.text);
    assert.equal((bare.json as ErrorBody).error.code, 'conflict');
  });

  it('sends CORS headers for an allowed Origin only, errors included', async () => {
    const allowed = await play('vod/demo/hand_made.mpd', { origin: ALLOWED_ORIGIN });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(allowed.headers.get('access-control-allow-credentials'), null);
    assert.match(allowed.headers.get('vary') ?? '', /Origin/i);
    const missing = await play('vod/nosuchstream/hand_made.mpd', { origin: ALLOWED_ORIGIN });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    const other = await play('vod/demo/hand_made.mpd', { origin: 'https://elsewhere.example' });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('cache-control'), 'no-store');
  });

  it('answers a multi-period stream with one entry per Period track', async () => {
    const admin = new Browser(server.server.app);
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
    const created = await admin.request('POST', '/api/multi-period-streams', {
      name: 'demo-two',
      title: 'Demo in two Periods',
      options: {},
      periods: [
        {
          pid: 'intro',
          stream: 'demo',
          start: 0,
          duration: 'PT16S',
          tracks: [
            { trackId: 1, role: 'main' },
            { trackId: 2, role: 'main', lang: 'en', encrypted: true },
          ],
        },
        {
          pid: 'rest',
          stream: 'demo',
          start: 16,
          duration: 'PT16S',
          tracks: [{ trackId: 1, role: 'alternate' }],
        },
      ],
    });
    assert.equal(created.statusCode, 201, created.body);
    const info = await playInfo('mps-vod/demo-two/hand_made.mpd?drm=clearkey');
    assert.equal(info.mode, 'mps-vod');
    assert.deepEqual(info.stream, { kind: 'mps', name: 'demo-two', title: 'Demo in two Periods' });
    assert.equal(info.mpdUrl, `${server.origin}/mps/vod/demo-two/hand_made.mpd?drm=clearkey`);
    assert.deepEqual(
      info.tracks.map((t) => [t.periodId, t.contentType, t.role, t.encrypted]),
      [
        ['intro', 'video', 'main', false],
        ['intro', 'audio', 'main', true],
        ['rest', 'video', 'alternate', false],
      ],
    );
    assert.equal(info.tracks[1]!.lang, 'en');
    assert.equal(info.tracks[1]!.defaultKid, DEMO_OTF_KID);
    assert.equal((await fetch(info.mpdUrl)).status, 200);
    assert.equal((await play('mps-vod/demo-two/manifest_a.mpd')).status, 404);
  });
});
