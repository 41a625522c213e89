/**
 * Multi-period streams over HTTP (drm-events.md §12, app.md §4.6): the JSON API (create, read,
 * list, whole replacement, rename, delete, the editor's name check, ContentRoles.json) with its
 * 400 `fields`, 401, 403 and 409 answers, on SQLite and — where the tier runs it — PostgreSQL;
 * then the `/mps/…` manifests (valid against the MPD schema) and segments (the stored fragments,
 * their decode time the requested `$Time$`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { parseBoxes } from '@loopcast/bmff';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED } from '../support/paths.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
const PASSWORD = 'admin-password-1';
const AST = '2026-01-01T00:00:00Z';
const at = (seconds: number) => Date.parse(AST) + seconds * 1000;

interface Model {
  name: string;
  title: string;
  durationSeconds: number;
  periods: {
    pid: string;
    stream: string;
    start: number;
    duration: number;
    tracks: { trackId: number; contentType: string; codecs: string; role: string; lang: string | null }[];
  }[];
}
type ErrorBody = { error: { status: number; code: string; field?: string; fields?: Record<string, string> } };

const body = (name = 'demo-two') => ({
  name,
  title: 'Demo in two Periods',
  options: { timeShiftBufferDepth: 30 },
  periods: [
    {
      pid: 'intro',
      stream: 'demo',
      start: 11,
      duration: 'PT16S',
      tracks: [
        { trackId: 1, role: 'main' },
        { trackId: 2, role: 'MAIN', lang: 'en' },
      ],
    },
    { pid: 'rest', stream: 'demo', start: 40, duration: null, tracks: [{ trackId: 1, role: 'alternate' }] },
  ],
});

async function setUp(
  env: Record<string, string>,
): Promise<{ server: TestServer; admin: Browser; plain: Browser }> {
  const server = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false', ...env },
  });
  const admin = new Browser(server.server.app);
  assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
  const created = await admin.request('POST', '/api/users', {
    username: 'viewer',
    password: PASSWORD,
    groups: ['user'],
    mustChange: false,
  });
  assert.equal(created.statusCode, 201, created.body);
  const plain = new Browser(server.server.app);
  assert.equal((await plain.login('viewer', PASSWORD)).statusCode, 200);
  return { server, admin, plain };
}

function apiSuite(label: string, env: () => Promise<Record<string, string> | null>) {
  describe(`multi-period API on ${label}`, () => {
    let ctx: { server: TestServer; admin: Browser; plain: Browser } | null = null;
    before(async () => {
      const e = await env();
      if (e) ctx = await setUp(e);
    });
    after(() => ctx?.server.stop());

    it('creates, reads, lists, replaces, renames and deletes', async (t) => {
      if (!ctx) return t.skip('TEST_PG_URL is not set');
      const { admin } = ctx;
      const created = await admin.request('POST', '/api/multi-period-streams', body());
      assert.equal(created.statusCode, 201, created.body);
      const model = created.json<Model>();
      // demo has 2 s fragments: 11 s snaps down to 10 s; the open duration runs to the end (60 s)
      assert.deepEqual(
        model.periods.map((p) => [p.pid, p.start, p.duration]),
        [
          ['intro', 10, 16],
          ['rest', 40, 20],
        ],
      );
      assert.equal(model.durationSeconds, 36);
      assert.equal(model.periods[0]!.tracks[1]!.role, 'main');
      assert.equal(model.periods[0]!.tracks[1]!.contentType, 'audio');
      assert.match(model.periods[0]!.tracks[0]!.codecs, /^avc1\./);

      // app.md §4.4: the source stream cannot be deleted while a Period uses it
      const used = await admin.request('DELETE', '/api/streams/demo');
      assert.equal(used.statusCode, 409, used.body);
      assert.match(used.json<ErrorBody & { error: { message: string } }>().error.message, /demo-two/);

      const again = await admin.request('PUT', '/api/multi-period-streams/.add', body());
      assert.equal(again.statusCode, 409);
      assert.equal(again.json<ErrorBody>().error.code, 'conflict');

      const list = await admin.request('GET', '/api/multi-period-streams');
      assert.deepEqual(list.json(), [
        { name: 'demo-two', title: 'Demo in two Periods', durationSeconds: 36, periodCount: 2 },
      ]);

      const one = { ...body('demo-one'), periods: [body().periods[1]!] };
      const replaced = await admin.request('POST', '/api/multi-period-streams/demo-two', one);
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.equal(replaced.json<Model>().periods.length, 1, 'Periods left out of the body are deleted');
      assert.equal((await admin.request('GET', '/api/multi-period-streams/demo-two')).statusCode, 404);
      const read = await admin.request('GET', '/api/multi-period-streams/demo-one');
      assert.deepEqual(
        read.json<Model>().periods.map((p) => p.pid),
        ['rest'],
      );

      const check = await admin.request('POST', '/api/multi-period-streams.validate', {
        name: 'demo-one',
        title: 'ok title',
      });
      assert.match(check.json<{ errors: { name?: string } }>().errors.name ?? '', /exists/);
      const own = await admin.request('POST', '/api/multi-period-streams.validate', {
        name: 'demo-one',
        id: 'demo-one',
        title: 'x',
      });
      assert.deepEqual(own.json<{ errors: object }>().errors, {
        title: 'title must be 3 to 120 characters.',
      });

      assert.equal((await admin.request('DELETE', '/api/multi-period-streams/demo-one')).statusCode, 204);
      assert.equal((await admin.request('DELETE', '/api/multi-period-streams/demo-one')).statusCode, 404);
    });

    it('answers 400 naming every bad field, 401 and 403', async (t) => {
      if (!ctx) return t.skip('TEST_PG_URL is not set');
      const { admin, plain, server } = ctx;
      const bad = await admin.request('POST', '/api/multi-period-streams', {
        ...body('.dot'),
        periods: [
          { pid: 'a', stream: 'demo', start: 90, duration: null, tracks: [{ trackId: 1, role: 'dub' }] },
          { pid: 'a', stream: 'nosuch', start: 0, duration: null, tracks: [{ trackId: 1, role: 'main' }] },
        ],
      });
      assert.equal(bad.statusCode, 400);
      const err = bad.json<ErrorBody>().error;
      assert.equal(err.code, 'invalid_field');
      assert.deepEqual(Object.keys(err.fields ?? {}).sort(), [
        'name',
        'periods[0].start',
        'periods[0].tracks[0].role',
        'periods[1].pid',
        'periods[1].stream',
      ]);
      assert.equal(err.field, Object.keys(err.fields!)[0]);
      const shape = await admin.request('POST', '/api/multi-period-streams', { name: 'abc' });
      assert.equal(shape.statusCode, 400);
      const anonymous = await server.server.app.inject({
        method: 'POST',
        url: '/api/multi-period-streams',
        payload: body(),
      });
      assert.equal(anonymous.statusCode, 401);
      assert.equal((await plain.request('POST', '/api/multi-period-streams', body())).statusCode, 403);
      assert.equal((await plain.request('DELETE', '/api/multi-period-streams/demo-two')).statusCode, 403);
      assert.equal((await plain.request('GET', '/api/multi-period-streams')).statusCode, 200);
      const roles = await server.server.app.inject({ method: 'GET', url: '/api/ContentRoles.json' });
      assert.equal(roles.statusCode, 200);
      assert.deepEqual(Object.keys(roles.json<object>()).slice(0, 3), ['main', 'alternate', 'supplementary']);
      assert.deepEqual(roles.json<Record<string, string[]>>().sign, ['video']);
    });
  });
}

apiSuite('SQLite', () => Promise.resolve({}));
let pgDb: TestDatabase | null = null;
apiSuite('PostgreSQL', async () => {
  if (!process.env.TEST_PG_URL && process.env.CI === 'true') throw new Error('TEST_PG_URL is not set');
  pgDb = await postgresDatabase();
  return pgDb ? { DATABASE_URL: pgDb.url } : null;
});
after(() => pgDb?.drop());

describe('multi-period streaming routes', () => {
  let server: TestServer;
  before(async () => {
    const set = await setUp({});
    server = set.server;
    const created = await set.admin.request('POST', '/api/multi-period-streams', body());
    assert.equal(created.statusCode, 201, created.body);
  });
  after(() => server.stop());
  const get = (path: string) => fetch(`${server.origin}${path}`);

  function firstSegment(xml: string, periodIndex: number) {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const period = doc.getElementsByTagName('Period')[periodIndex]!;
    const base = period.getElementsByTagName('BaseURL')[0]!.textContent!;
    const st = period.getElementsByTagName('SegmentTemplate')[0]!;
    const s = st.getElementsByTagName('S')[0]!;
    const rep = period.getElementsByTagName('Representation')[0]!.getAttribute('id')!;
    return {
      id: period.getAttribute('id'),
      base,
      rep,
      t: s.getAttribute('t')!,
      pto: st.getAttribute('presentationTimeOffset')!,
      media: st.getAttribute('media')!,
    };
  }

  it('serves VOD and live manifests that validate against the MPD schema', async (t) => {
    const vod = await get('/mps/vod/demo-two/hand_made.mpd');
    assert.equal(vod.status, 200);
    assert.equal(vod.headers.get('content-type'), 'application/dash+xml');
    assert.equal(vod.headers.get('access-control-allow-origin'), '*');
    const vodXml = await vod.text();
    assert.match(vodXml, /<Period id="intro" start="PT0S" duration="PT16S">/);
    assert.match(vodXml, /<Period id="rest" start="PT16S" duration="PT20S">/);
    const live = await get(`/mps/live/demo-two/hand_made.mpd?start=${AST}&now=${at(100)}`);
    assert.equal(live.status, 200);
    const liveXml = await live.text();
    // T = 36 s; depth 30 (the MPS's own option) at 100 s lists rest_1 (52–72 s) … rest_2 (88 s)
    const ids = [...liveXml.matchAll(/<Period id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['rest_1', 'intro_2', 'rest_2']);
    assert.match(liveXml, /timeShiftBufferDepth="PT30S"/);
    const other = await get('/mps/vod/demo-two/manifest_a.mpd');
    assert.equal(other.status, 404);
    assert.match(
      ((await other.json()) as ErrorBody & { error: { message: string } }).error.message,
      /hand_made/,
    );
    assert.equal((await get('/mps/vod/nosuch/hand_made.mpd')).status, 404);
    const post = await fetch(`${server.origin}/mps/vod/demo-two/hand_made.mpd`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal((await get('/mps/vod/demo-two/hand_made.mpd?depth=x')).status, 400);

    if (!requireShared(t) || !requireTool(t, 'xmllint', 'libxml2-utils')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-mps-'));
    const files = [vodXml, liveXml].map((xml, i) => {
      const f = join(dir, `${i}.mpd`);
      writeFileSync(f, xml);
      return f;
    });
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const result = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => e,
    );
    assert.doesNotMatch(result.stderr, /fails to validate|error/, result.stderr.slice(0, 2000));
  });

  it('serves the stored fragments at the $Time$ of the timeline, and 404 elsewhere', async () => {
    const xml = await (await get('/mps/vod/demo-two/hand_made.mpd')).text();
    const seg = firstSegment(xml, 0);
    assert.equal(seg.id, 'intro');
    assert.equal(seg.t, seg.pto, 'the timeline starts at the PTO');
    const path = new URL(seg.base).pathname;
    const init = await get(`${path}${seg.rep}/init.m4v`);
    assert.equal(init.status, 200);
    assert.equal(init.headers.get('content-type'), 'video/mp4');
    assert.ok(parseBoxes(Buffer.from(await init.arrayBuffer())).some((b) => b.type === 'moov'));
    const media = await get(`${path}${seg.rep}/time/${seg.t}.m4v`);
    assert.equal(media.status, 200);
    const boxes = parseBoxes(Buffer.from(await media.arrayBuffer()));
    const tfdt = boxes
      .find((b) => b.type === 'moof')
      ?.children.find((b) => b.type === 'traf')
      ?.children.find((b) => b.type === 'tfdt');
    assert.equal(
      BigInt((tfdt?.fields as { baseMediaDecodeTime: bigint | number }).baseMediaDecodeTime),
      BigInt(seg.t),
    );
    assert.equal((await get(`${path}${seg.rep}/time/${BigInt(seg.t) + 1n}.m4v`)).status, 404);
    assert.equal((await get(`${path}`)).status, 404, 'the BaseURL prefix alone');
    assert.equal((await get(`${path}demo_t1/init.mp4`)).status, 404, 'text is not a chosen track');
    assert.equal((await get(`/mps/vod/demo-two/nosuch/${seg.rep}/init.m4v`)).status, 404);
  });

  it('applies manifest and segment faults per Period (drm-events.md §10, §12.5)', async () => {
    const failing = await get('/mps/vod/demo-two/hand_made.mpd?merr=503=2&update=2');
    assert.equal(failing.status, 503);
    assert.match(await failing.text(), /Synthetic 503/);
    assert.equal((await get('/mps/vod/demo-two/hand_made.mpd?merr=503=2&update=1')).status, 200);
    const xml = await (await get('/mps/vod/demo-two/hand_made.mpd')).text();
    const seg = firstSegment(xml, 0);
    const path = `${new URL(seg.base).pathname}${seg.rep}/time/${seg.t}.m4v`;
    // intro starts at 10 s of the demo: its first segment is the source's 2 s fragment number 6
    assert.equal((await get(`${path}?verr=404=6`)).status, 404);
    assert.equal((await get(`${path}?verr=404=7`)).status, 200);
    assert.equal((await get(`${path}?aerr=404=6`)).status, 200, 'an audio fault leaves video alone');
    // in-band events (§9.3): ping every 10 s; intro's first segment starts the presentation
    const withEvents = parseBoxes(Buffer.from(await (await get(`${path}?events=ping`)).arrayBuffer()));
    const emsg = withEvents.filter((b) => b.type === 'emsg');
    assert.equal(emsg.length, 1);
    const moof = withEvents.find((b) => b.type === 'moof');
    const mfhd = moof?.children.find((b) => b.type === 'mfhd')?.fields as { sequenceNumber: number };
    const plain = parseBoxes(Buffer.from(await (await get(path)).arrayBuffer()));
    const plainMfhd = plain.find((b) => b.type === 'moof')?.children.find((b) => b.type === 'mfhd');
    assert.equal(mfhd.sequenceNumber, (plainMfhd?.fields as { sequenceNumber: number }).sequenceNumber);
  });

  it('serves the MPD patch of a live MPS at its PatchLocation (drm-events.md §11, §12.7)', async () => {
    const q = `start=${AST}&patch=1`;
    const xml = await (await get(`/mps/live/demo-two/hand_made.mpd?${q}&now=${at(100)}`)).text();
    const location = /<PatchLocation ttl="(\d+)">([^<]+)<\/PatchLocation>/.exec(xml);
    assert.ok(location, 'the live MPD carries a PatchLocation');
    const url = new URL(location[2]!.replace(/&amp;/g, '&'));
    assert.match(url.pathname, /^\/mps\/patch\/demo-two\/hand_made\/\d+$/);
    const later = await get(`${url.pathname}${url.search}&now=${at(110)}`);
    assert.equal(later.status, 200, await later.clone().text());
    assert.equal(later.headers.get('content-type'), 'application/dash-patch+xml');
    assert.match(await later.text(), /<Patch /);
    assert.equal((await get(`${url.pathname}${url.search}&now=${at(100)}`)).status, 425);
    assert.equal((await get(`/mps/patch/demo-two/hand_made/17?${q}&now=${at(110)}`)).status, 404);
  });

  it('answers 425 for a live segment not yet available and serves it once it is', async () => {
    const q = `start=${AST}`;
    const xml = await (await get(`/mps/live/demo-two/hand_made.mpd?${q}&now=${at(100)}`)).text();
    const seg = firstSegment(xml, 2); // rest_2 from 88 s: its first segment ends at 90 s
    assert.equal(seg.id, 'rest_2');
    const path = `${new URL(seg.base).pathname}${seg.rep}/time/${seg.t}.m4v?${q}`;
    const early = await get(`${path}&now=${at(89)}`);
    assert.equal(early.status, 425);
    assert.ok(Number(early.headers.get('retry-after')) >= 1);
    assert.equal((await get(`${path}&now=${at(95)}`)).status, 200);
    assert.equal((await get(`${path}&now=${at(500)}`)).status, 410);
  });
});
