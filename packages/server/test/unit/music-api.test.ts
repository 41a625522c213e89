/**
 * The music library and DAAP status API through inject (spec daap.md §11.5, app.md §4.6): login
 * required, the 10 demo tracks with paging, search and sorting, artwork bytes typed from their
 * magic bytes (and scaled), 404/400 in the error envelope, and the share's status and sessions
 * after a DAAP client logs in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DaapClient } from '@loopcast/daap';
import { startTestServer, type TestServer } from '../../../../test/support/loopcast.js';
import { freePort } from '../../../../test/support/ports.js';
import { clientProduct, parseRange } from '../../src/routes/music-api.js';
import { Browser } from './auth-client.js';

const PASSWORD = 'admin-password-1';
type ErrorBody = { error: { status: number; code: string; field?: string; message: string } };
interface Track {
  id: number;
  persistentId: string;
  title: string;
  artist: string | null;
  album: string | null;
  trackNumber: number | null;
  durationMs: number;
  format: string;
  source: string;
  hasArtwork: boolean;
  createdAt: string;
}
interface Listing {
  total: number;
  items: Track[];
}

describe('music API (DAAP off)', () => {
  let server: TestServer;
  let admin: Browser;
  const app = () => server.server.app;

  before(async () => {
    server = await startTestServer({
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
    admin = new Browser(app());
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
  });
  after(() => server.stop());

  it('refuses anonymous callers with 401 login_required', async () => {
    for (const url of [
      '/api/music',
      '/api/music/1',
      '/api/music/1/artwork',
      '/api/daap/status',
      '/api/daap/sessions',
    ]) {
      const res = await app().inject({ url });
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json<ErrorBody>().error.code, 'login_required', url);
    }
  });

  it('lists the 10 demo tracks, sorted by title, with no-store', async () => {
    const res = await admin.request('GET', '/api/music');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const list = res.json<Listing>();
    assert.equal(list.total, 10);
    assert.equal(list.items.length, 10);
    const titles = list.items.map((t) => t.title);
    assert.deepEqual(
      titles,
      [...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    for (const t of list.items) {
      assert.equal(t.source, 'demo');
      assert.match(t.persistentId, /^[0-9a-f]{16}$/);
      assert.ok(t.durationMs > 0, `${t.title} has a duration`);
      assert.ok(['mp3', 'm4a', 'flac', 'ogg', 'wav'].includes(t.format));
      assert.match(t.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.ok(
      list.items.some((t) => t.hasArtwork),
      'some demo tracks carry artwork',
    );
  });

  it('pages with limit and offset, and searches', async () => {
    const all = (await admin.request('GET', '/api/music')).json<Listing>().items;
    const page = (await admin.request('GET', '/api/music?limit=3&offset=2')).json<Listing>();
    assert.equal(page.total, 10);
    assert.deepEqual(
      page.items.map((t) => t.id),
      all.slice(2, 5).map((t) => t.id),
    );
    const first = all[0]!;
    const found = (
      await admin.request('GET', `/api/music?q=${encodeURIComponent(first.title.toUpperCase())}`)
    ).json<Listing>();
    assert.ok(found.items.some((t) => t.id === first.id));
    assert.ok(found.total >= 1 && found.total < 10);
    const none = (await admin.request('GET', '/api/music?q=%25_nothing')).json<Listing>();
    assert.deepEqual(none, { total: 0, items: [] });
    for (const sort of ['artist', 'album', 'added']) {
      const res = await admin.request('GET', `/api/music?sort=${sort}`);
      assert.equal(res.statusCode, 200, `${sort}: ${res.body}`);
      assert.equal(res.json<Listing>().total, 10);
    }
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [url, field] of [
      ['/api/music?limit=0', 'limit'],
      ['/api/music?limit=1001', 'limit'],
      ['/api/music?offset=-1', 'offset'],
      ['/api/music?sort=colour', 'sort'],
      ['/api/music?colour=red', 'colour'],
      ['/api/music/abc', 'id'],
      ['/api/music/0', 'id'],
      ['/api/music/abc/artwork', 'id'],
      ['/api/music/1/artwork?size=8', 'size'],
      ['/api/music/1/artwork?size=2000', 'size'],
    ] as const) {
      const res = await admin.request('GET', url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json<ErrorBody>();
      assert.equal(body.error.field, field, url);
      assert.match(body.error.message, new RegExp(field), url);
    }
  });

  it('answers 404 for an unknown track', async () => {
    for (const url of ['/api/music/99999', '/api/music/99999/artwork']) {
      const res = await admin.request('GET', url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json<ErrorBody>().error.code, 'not_found');
    }
  });

  it('serves one track and its artwork, typed from its magic bytes, optionally scaled', async () => {
    const items = (await admin.request('GET', '/api/music')).json<Listing>().items;
    const withArt = items.find((t) => t.hasArtwork)!;
    const one = await admin.request('GET', `/api/music/${withArt.id}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json<Track>(), withArt);

    const art = await admin.request('GET', `/api/music/${withArt.id}/artwork`);
    assert.equal(art.statusCode, 200, art.body);
    const type = art.headers['content-type'];
    assert.ok(type === 'image/jpeg' || type === 'image/png', String(type));
    const bytes = art.rawPayload;
    assert.ok(bytes.length > 100);
    if (type === 'image/jpeg') assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    else assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');

    const small = await admin.request('GET', `/api/music/${withArt.id}/artwork?size=32`);
    assert.equal(small.statusCode, 200);
    assert.equal(small.headers['content-type'], 'image/jpeg');
    const { default: sharp } = await import('sharp');
    const meta = await sharp(small.rawPayload).metadata();
    assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 32, `${meta.width}×${meta.height}`);

    const without = items.find((t) => !t.hasArtwork);
    if (without) {
      const res = await admin.request('GET', `/api/music/${without.id}/artwork`);
      assert.equal(res.statusCode, 404);
    }
  });

  it('serves the audio bytes, one Range with 206 and an unsatisfiable one with 416', async () => {
    const items = (await admin.request('GET', '/api/music')).json<Listing>().items;
    const track = items.find((t) => t.format === 'mp3') ?? items[0]!;
    const full = await admin.request('GET', `/api/music/${track.id}/audio`);
    assert.equal(full.statusCode, 200, full.body);
    assert.equal(full.headers['accept-ranges'], 'bytes');
    assert.match(String(full.headers['content-type']), /^audio\//);
    const bytes = full.rawPayload;
    assert.equal(Number(full.headers['content-length']), bytes.length);
    assert.ok(bytes.length > 1000);

    const part = await admin.request('GET', `/api/music/${track.id}/audio`, undefined, {
      range: 'bytes=100-199',
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
    assert.deepEqual(part.rawPayload, bytes.subarray(100, 200));

    const tail = await admin.request('GET', `/api/music/${track.id}/audio`, undefined, {
      range: 'bytes=-10',
    });
    assert.equal(tail.statusCode, 206);
    assert.deepEqual(tail.rawPayload, bytes.subarray(bytes.length - 10));

    const open = await admin.request('GET', `/api/music/${track.id}/audio`, undefined, {
      range: `bytes=${bytes.length - 5}-`,
    });
    assert.equal(open.statusCode, 206);
    assert.deepEqual(open.rawPayload, bytes.subarray(bytes.length - 5));

    const bad = await admin.request('GET', `/api/music/${track.id}/audio`, undefined, {
      range: `bytes=${bytes.length}-`,
    });
    assert.equal(bad.statusCode, 416);
    assert.equal(bad.headers['content-range'], `bytes */${bytes.length}`);
    assert.equal(bad.json<ErrorBody>().error.code, 'range_not_satisfiable');

    const head = await admin.request('HEAD', `/api/music/${track.id}/audio`);
    assert.equal(head.statusCode, 200);
    assert.equal(Number(head.headers['content-length']), bytes.length);

    assert.equal((await admin.request('GET', '/api/music/99999/audio')).statusCode, 404);
    assert.equal((await app().inject({ url: `/api/music/${track.id}/audio` })).statusCode, 401);
  });

  it('reports the share as disabled with no sessions', async () => {
    const status = await admin.request('GET', '/api/daap/status');
    assert.equal(status.statusCode, 200);
    const s = status.json<{ enabled: boolean; mdns: { state: string } }>();
    assert.equal(s.enabled, false);
    assert.equal(s.mdns.state, 'off');
    assert.deepEqual((await admin.request('GET', '/api/daap/sessions')).json(), []);
  });
});

describe('music API (DAAP on)', () => {
  let server: TestServer;
  let admin: Browser;
  let daapPort: number;

  before(async () => {
    daapPort = await freePort();
    server = await startTestServer({
      env: {
        LOOPCAST_ADMIN_PASSWORD: PASSWORD,
        LOOPCAST_ADMIN_MUST_CHANGE: 'false',
        LOOPCAST_DAAP: 'on',
        LOOPCAST_DAAP_PORT: String(daapPort),
        LOOPCAST_DAAP_NAME: 'Test share',
      },
    });
    admin = new Browser(server.server.app);
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
  });
  after(() => server.stop());

  it('reports name, port, password, mDNS off and the revision', async () => {
    const res = await admin.request('GET', '/api/daap/status');
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json<{
      enabled: boolean;
      name: string;
      port: number;
      passwordSet: boolean;
      mdns: { state: string; advertisedName: string | null };
      revision: number;
    }>();
    assert.equal(s.enabled, true);
    assert.equal(s.name, 'Test share');
    assert.equal(s.port, daapPort);
    assert.equal(s.passwordSet, false);
    assert.deepEqual(s.mdns, { state: 'off', advertisedName: null });
    assert.ok(s.revision >= 1);
  });

  it('lists a DAAP client session after its login', async () => {
    assert.deepEqual((await admin.request('GET', '/api/daap/sessions')).json(), []);
    const client = new DaapClient('127.0.0.1', daapPort, {
      'User-Agent': 'iTunes/12.8 (Macintosh; OS X 10.14)',
    });
    const login = await client.request('/login');
    assert.equal(login.status, 200);
    const res = await admin.request('GET', '/api/daap/sessions');
    assert.equal(res.statusCode, 200, res.body);
    const sessions = res.json<
      {
        id: number;
        client: string;
        userAgent: string;
        address: string;
        state: string;
        since: string;
        requests: number;
      }[]
    >();
    assert.equal(sessions.length, 1);
    const [session] = sessions;
    assert.equal(session!.client, 'iTunes 12');
    assert.match(session!.userAgent, /^iTunes\/12\.8/);
    assert.match(session!.address, /127\.0\.0\.1/);
    assert.ok(['connecting', 'connected', 'streaming'].includes(session!.state));
    assert.match(session!.since, /Z$/);
    assert.ok(session!.requests >= 1);
  });
});

describe('music API helpers', () => {
  it('names the client product from its User-Agent', () => {
    assert.equal(clientProduct('iTunes/12.8 (Macintosh; OS X 10.14) AppleWebKit/606.1.36'), 'iTunes 12');
    assert.equal(clientProduct('Music/1.3.5 (Macintosh; OS X 13.4) AppleWebKit/615'), 'Music.app');
    assert.equal(clientProduct('Rhythmbox/3.4.4'), 'Rhythmbox 3');
    assert.equal(clientProduct(undefined), 'unknown');
    assert.equal(clientProduct(''), 'unknown');
  });

  it('reads one byte range, ignores several, refuses an unsatisfiable one', () => {
    assert.equal(parseRange(undefined, 100), null);
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=90-500', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
    assert.equal(parseRange('bytes=0-1,5-6', 100), null);
    assert.equal(parseRange('items=0-1', 100), null);
    assert.equal(parseRange('bytes=100-', 100), 'bad');
    assert.equal(parseRange('bytes=9-3', 100), 'bad');
    assert.equal(parseRange('bytes=-0', 100), 'bad');
    assert.equal(parseRange('bytes=-', 100), 'bad');
  });
});
