/**
 * `/api/streams…` (app.md §4.4, §5.5): create, list, read, edit, delete and the option defaults,
 * with every failure a 4xx naming its field, and the permission of each mutating route (anonymous
 * 401, `user` group 403). Runs on SQLite and, where the integration tier started it, PostgreSQL
 * (whose driver returns 64-bit integers as strings and times as dates).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const PASSWORD = 'admin-password-1';
type ErrorBody = { error: { status: number; code: string; field?: string; message: string } };
interface Stream {
  directory: string;
  title: string;
  marlinLaUrl: string | null;
  playreadyLaUrl: string | null;
  timingReference: { fileId: number; name: string } | null;
  otfKid: string;
  defaults: Record<string, unknown>;
  durationSeconds: number | null;
  fileCount: number;
  files?: { id: number; name: string; size: number; indexState: string }[];
  createdAt: string;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip =
    kind === 'postgres' && !process.env.TEST_PG_URL && 'TEST_PG_URL is not set (integration tier only)';
  describe(`streams API on ${kind}`, { skip }, () => {
    let testDb: TestDatabase | null = null;
    let server: TestServer;
    let admin: Browser;
    let plain: Browser;

    const expectError = (res: { statusCode: number; body: string }, status: number, field?: string) => {
      assert.equal(res.statusCode, status, res.body);
      const body = JSON.parse(res.body) as ErrorBody;
      if (field) assert.equal(body.error.field, field, res.body);
      return body.error;
    };

    before(async () => {
      testDb = kind === 'postgres' ? await postgresDatabase() : null;
      server = await startTestServer({
        env: {
          ...(testDb ? { DATABASE_URL: testDb.url } : {}),
          LOOPCAST_ADMIN_PASSWORD: PASSWORD,
          LOOPCAST_ADMIN_MUST_CHANGE: 'false',
        },
      });
      admin = new Browser(server.server.app);
      assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
      const res = await admin.request('POST', '/api/users', {
        username: 'viewer',
        password: PASSWORD,
        groups: ['user'],
        mustChange: false,
      });
      assert.equal(res.statusCode, 201, res.body);
      plain = new Browser(server.server.app);
      assert.equal((await plain.login('viewer', PASSWORD)).statusCode, 200);
    });
    after(async () => {
      await server.stop();
      await testDb?.drop();
    });

    it('lists streams by title, files only on request, numbers as numbers', async () => {
      const bare = (await admin.request('GET', '/api/streams')).json<Stream[]>();
      const demo = bare.find((s) => s.directory === 'demo');
      assert.ok(demo);
      assert.equal(demo.files, undefined);
      assert.equal(demo.fileCount, 5);
      assert.equal(demo.timingReference?.name, 'demo_v1');
      assert.equal(typeof demo.timingReference?.fileId, 'number');
      assert.ok(demo.durationSeconds && demo.durationSeconds > 0);
      assert.match(demo.otfKid, /^[0-9a-f]{32}$/);
      assert.match(demo.createdAt, /Z$/);
      const full = (await admin.request('GET', '/api/streams?files=1')).json<Stream[]>();
      const files = full.find((s) => s.directory === 'demo')?.files ?? [];
      assert.equal(files.length, 5);
      assert.ok(files.every((f) => typeof f.size === 'number' && f.indexState === 'indexed'));
    });

    it('creates a stream; a taken directory is 409, bad input 400 naming the field', async () => {
      const res = await admin.request('POST', '/api/streams', {
        directory: 'abc1',
        title: '  My stream  ',
        marlinLaUrl: 'ms3://example.com/x',
        playreadyLaUrl: 'https://example.com/pr',
      });
      assert.equal(res.statusCode, 201, res.body);
      const s = res.json<Stream>();
      assert.equal(s.title, 'My stream');
      assert.equal(s.marlinLaUrl, 'ms3://example.com/x');
      assert.equal(s.fileCount, 0);
      assert.equal(s.timingReference, null);

      expectError(
        await admin.request('POST', '/api/streams', { directory: 'abc1', title: 'x' }),
        409,
        'directory',
      );
      expectError(
        await admin.request('POST', '/api/streams', { directory: 'a.b', title: 'x' }),
        400,
        'directory',
      );
      expectError(
        await admin.request('POST', '/api/streams', { directory: 'ab', title: 'x' }),
        400,
        'directory',
      );
      expectError(
        await admin.request('POST', '/api/streams', { directory: 'abc2', title: '' }),
        400,
        'title',
      );
      expectError(await admin.request('POST', '/api/streams', { directory: 'abc2' }), 400, 'title');
      expectError(
        await admin.request('POST', '/api/streams', { directory: 'abc2', title: 'x', colour: 'red' }),
        400,
        'colour',
      );
      expectError(
        await admin.request('POST', '/api/streams', {
          directory: 'abc2',
          title: 'x',
          playreadyLaUrl: 'ms3://a/b',
        }),
        400,
        'playreadyLaUrl',
      );
      expectError(
        await admin.request('POST', '/api/streams', {
          directory: 'abc2',
          title: 'x',
          marlinLaUrl: 'ftp://a/b',
        }),
        400,
        'marlinLaUrl',
      );
    });

    it('refuses anonymous (401) and user-group (403) callers on every mutating stream route', async () => {
      const anon = new Browser(server.server.app);
      await anon.session();
      const routes: [string, string, unknown][] = [
        ['POST', '/api/streams', { directory: 'zzz1', title: 'x' }],
        ['PATCH', '/api/streams/demo', { title: 'x' }],
        ['DELETE', '/api/streams/demo', undefined],
        ['PUT', '/api/streams/demo/defaults', { values: {} }],
      ];
      for (const [method, url, body] of routes) {
        expectError(await anon.request(method, url, body), 401);
        const denied = expectError(await plain.request(method, url, body), 403);
        assert.equal(denied.code, 'forbidden');
      }
      // Reading stays open to visitors by default (LOOPCAST_ANONYMOUS_READ).
      assert.equal((await anon.request('GET', '/api/streams/demo')).statusCode, 200);
      // A browser request without the CSRF header is refused.
      const noCsrf = await admin.request(
        'PATCH',
        '/api/streams/abc1',
        { title: 'y' },
        { 'x-csrf-token': '' },
      );
      expectError(noCsrf, 403);
    });

    it('reads one stream with its files; unknown directories are 404', async () => {
      const s = (await admin.request('GET', '/api/streams/demo')).json<Stream>();
      assert.equal(s.files?.length, 5);
      expectError(await admin.request('GET', '/api/streams/nosuch'), 404);
      expectError(await admin.request('PATCH', '/api/streams/nosuch', { title: 'x' }), 404);
      expectError(await admin.request('DELETE', '/api/streams/nosuch'), 404);
    });

    it('edits title, licence URLs, timing reference, directory (only while empty) and otfKid', async () => {
      let res = await admin.request('PATCH', '/api/streams/demo', {
        title: 'Renamed demo',
        marlinLaUrl: null,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Stream>().title, 'Renamed demo');
      res = await admin.request('PATCH', '/api/streams/demo', { timingReference: 'demo_v2' });
      assert.equal(res.json<Stream>().timingReference?.name, 'demo_v2');
      res = await admin.request('PATCH', '/api/streams/demo', { timingReference: 'demo_v1.mp4' });
      assert.equal(res.json<Stream>().timingReference?.name, 'demo_v1');
      expectError(
        await admin.request('PATCH', '/api/streams/demo', { timingReference: 'nope' }),
        400,
        'timingReference',
      );
      expectError(
        await admin.request('PATCH', '/api/streams/demo', { directory: 'demo2' }),
        409,
        'directory',
      );
      expectError(
        await admin.request('PATCH', '/api/streams/demo', { otfKid: 'f'.repeat(32) }),
        400,
        'otfKid',
      );
      expectError(await admin.request('PATCH', '/api/streams/demo', { otfKid: 'XYZ' }), 400, 'otfKid');
      expectError(
        await admin.request('PATCH', '/api/streams/demo', { playreadyLaUrl: 'nope' }),
        400,
        'playreadyLaUrl',
      );

      res = await admin.request('PATCH', '/api/streams/abc1', { directory: 'abc9' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Stream>().directory, 'abc9');
      expectError(await admin.request('PATCH', '/api/streams/abc9', { directory: 'demo' }), 409, 'directory');
      res = await admin.request('PATCH', '/api/streams/abc9', { timingReference: null });
      assert.equal(res.json<Stream>().timingReference, null);
    });

    it('stores only valid, non-default option defaults and names the bad option', async () => {
      let res = await admin.request('PUT', '/api/streams/demo/defaults', {
        values: { abr: false, timeShiftBufferDepth: 60, playready: { version: '2.0' } },
      });
      assert.equal(res.statusCode, 200, res.body);
      const stored = res.json<{ values: Record<string, unknown> }>().values;
      assert.equal(stored.timeShiftBufferDepth, 60);
      assert.deepEqual(stored.playready, { version: '2.0' });
      res = await admin.request('GET', '/api/streams/demo/defaults');
      assert.deepEqual(res.json<{ values: unknown }>().values, stored);
      const allowed = res.json<{ allowed: string[] }>().allowed;
      assert.ok(allowed.includes('timeShiftBufferDepth') && allowed.includes('playready.version'));
      assert.ok(!allowed.includes('mode') && !allowed.includes('now'), 'mode and now are never defaults');
      assert.deepEqual((await admin.request('GET', '/api/streams/demo')).json<Stream>().defaults, stored);

      expectError(
        await admin.request('PUT', '/api/streams/demo/defaults', { values: { nosuch: 1 } }),
        400,
        'nosuch',
      );
      expectError(
        await admin.request('PUT', '/api/streams/demo/defaults', { values: { timeShiftBufferDepth: 'abc' } }),
        400,
        'timeShiftBufferDepth',
      );
      // The pinned clock and the mode are never stream defaults (§4.4).
      expectError(
        await admin.request('PUT', '/api/streams/demo/defaults', { values: { mode: 'vod' } }),
        400,
        'mode',
      );
      expectError(await admin.request('PUT', '/api/streams/demo/defaults', {}), 400, 'values');
      expectError(await admin.request('GET', '/api/streams/nosuch/defaults'), 404);
      // Reset.
      res = await admin.request('PUT', '/api/streams/demo/defaults', { values: {} });
      assert.deepEqual(res.json<{ values: unknown }>().values, {});
    });

    it('deletes a stream with its files and blobs', async () => {
      const { db } = server.server.context.database;
      const blobsBefore = await db
        .selectFrom('blobs')
        .select('store_key')
        .where('store_key', 'like', 'streams/demo/%')
        .execute();
      assert.equal(blobsBefore.length, 5);
      const res = await admin.request('DELETE', '/api/streams/demo');
      assert.equal(res.statusCode, 204, res.body);
      expectError(await admin.request('GET', '/api/streams/demo'), 404);
      const left = await db
        .selectFrom('blobs')
        .select('id')
        .where('store_key', 'like', 'streams/demo/%')
        .execute();
      assert.equal(left.length, 0);
      for (const b of blobsBefore) assert.equal(await server.server.context.blobs.stat(b.store_key), null);
      assert.equal((await db.selectFrom('media_files').select('id').execute()).length, 0);
    });
  });
}
