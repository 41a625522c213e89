/**
 * The library queries of `GET /api/music` on PostgreSQL (app.md §2: the same queries serve both
 * dialects): search with LIKE escapes, every sort, paging, counts as numbers, times as ISO strings.
 * The integration tier starts PostgreSQL (TEST_PG_URL); run on its own, the file skips saying so,
 * and with CI=true it fails instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { Browser } from '../../packages/server/test/unit/auth-client.js';

const PASSWORD = 'admin-password-1';
interface Listing {
  total: number;
  items: { id: number; title: string; hasArtwork: boolean; createdAt: string; durationMs: number }[];
}

if (!process.env.TEST_PG_URL && process.env.CI === 'true') {
  throw new Error(
    'TEST_PG_URL is not set: the integration tier starts PostgreSQL (apt-get install -y postgresql)',
  );
}

describe('music API on PostgreSQL', { skip: !process.env.TEST_PG_URL && 'TEST_PG_URL is not set' }, () => {
  let testDb: TestDatabase | null = null;
  let server: TestServer;
  let admin: Browser;

  before(async () => {
    testDb = await postgresDatabase();
    server = await startTestServer({
      env: {
        DATABASE_URL: testDb!.url,
        LOOPCAST_ADMIN_PASSWORD: PASSWORD,
        LOOPCAST_ADMIN_MUST_CHANGE: 'false',
      },
    });
    admin = new Browser(server.server.app);
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
  });
  after(async () => {
    await server?.stop();
    await testDb?.drop();
  });

  it('lists, searches, sorts and pages the demo tracks', async () => {
    const all = (await admin.request('GET', '/api/music')).json<Listing>();
    assert.equal(all.total, 10);
    assert.equal(typeof all.total, 'number');
    for (const t of all.items) {
      assert.match(t.createdAt, /Z$/);
      assert.equal(typeof t.durationMs, 'number');
    }
    const page = (await admin.request('GET', '/api/music?limit=4&offset=4')).json<Listing>();
    assert.deepEqual(
      page.items.map((t) => t.id),
      all.items.slice(4, 8).map((t) => t.id),
    );
    const first = all.items[0]!;
    const found = (
      await admin.request('GET', `/api/music?q=${encodeURIComponent(first.title)}`)
    ).json<Listing>();
    assert.ok(found.items.some((t) => t.id === first.id));
    assert.deepEqual((await admin.request('GET', '/api/music?q=%25_%5C')).json(), { total: 0, items: [] });
    for (const sort of ['artist', 'album', 'added']) {
      const res = await admin.request('GET', `/api/music?sort=${sort}`);
      assert.equal(res.statusCode, 200, `${sort}: ${res.body}`);
      assert.equal(res.json<Listing>().total, 10);
    }
    const art = all.items.find((t) => t.hasArtwork)!;
    const image = await admin.request('GET', `/api/music/${art.id}/artwork?size=64`);
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
  });
});
