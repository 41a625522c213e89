/**
 * The storage layer against both real databases: SQLite in a temp folder and a database in the
 * tier's throwaway PostgreSQL cluster (TEST_PG_URL, started by test/support/with-services.ts).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dbBool, fromJson, nowIso, toBool } from '../../packages/server/src/storage/dialect.js';
import { openDatabase, type OpenDatabase } from '../../packages/server/src/storage/database.js';
import { migrationProvider } from '../../packages/server/src/storage/migrations/index.js';
import {
  bumpChangeCounter,
  getState,
  readChangeCounter,
  setState,
  setStateOnce,
} from '../../packages/server/src/storage/server-state.js';
import { ensureFirstAdmin } from '../../packages/server/src/auth/first-admin.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/databases.js';

const backends: { name: string; make: () => Promise<TestDatabase | null> }[] = [
  { name: 'sqlite', make: () => Promise.resolve(sqliteDatabase()) },
  { name: 'postgres', make: postgresDatabase },
];

for (const backend of backends) {
  describe(`storage on ${backend.name}`, () => {
    let testDb: TestDatabase | null = null;
    let open: OpenDatabase | null = null;
    const ready = async (t: { skip: (m: string) => void }): Promise<OpenDatabase | null> => {
      if (open) return open;
      testDb = await backend.make();
      if (!testDb) {
        const message =
          'TEST_PG_URL is not set: run through npm run test:integration (needs apt-get install -y postgresql)';
        if (process.env.CI === 'true') throw new Error(message);
        t.skip(message);
        return null;
      }
      open = await openDatabase(testDb.url, 4);
      return open;
    };
    after(async () => {
      await open?.close();
      await testDb?.drop();
    });

    it('migrates, and migrating again applies nothing', async (t) => {
      const o = await ready(t);
      if (!o) return;
      const all = Object.keys(await migrationProvider(o.kind).getMigrations()).sort();
      assert.equal(all[0], '0001-initial');
      assert.deepEqual(await o.migrate(), all, 'every migration, in order');
      assert.deepEqual(await o.migrate(), []);
      await o.ping();
    });

    it('inserts with returning, joins, and hides dialect differences', async (t) => {
      const o = await ready(t);
      if (!o) return;
      const now = nowIso();
      const blob = await o.db
        .insertInto('blobs')
        .values({
          store_key: 'streams/demo/1-demo_v1.mp4',
          size: 5_000_000_000,
          sha256: 'ab'.repeat(32),
          content_type: 'video/mp4',
          state: 'committed',
          created_at: now,
        })
        .returning(['id', 'size', 'created_at'])
        .executeTakeFirstOrThrow();
      assert.equal(typeof blob.id, 'number');
      assert.equal(blob.size, 5_000_000_000, '64-bit sizes come back as numbers');
      assert.equal(blob.created_at, now, 'timestamps come back as ISO-8601 UTC text');
      const stream = await o.db
        .insertInto('streams')
        .values({
          directory: 'demo',
          title: 'Demo',
          marlin_la_url: null,
          playready_la_url: null,
          defaults: JSON.stringify({ playready: { version: '2.0' } }),
          otf_kid: '0'.repeat(32),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await o.db
        .insertInto('media_files')
        .values({
          stream_id: stream.id,
          name: 'demo_v1',
          file_name: 'demo_v1.mp4',
          blob_id: blob.id,
          content_type: 'video',
          encrypted: dbBool(true),
          index: JSON.stringify({ timescale: 300 }),
          created_at: now,
          updated_at: now,
          codec_fourcc: null,
          codecs: null,
          track_id: 1,
          language: null,
          bitrate: 600000,
          index_version: 1,
          indexed_at: now,
        })
        .execute();
      const row = await o.db
        .selectFrom('media_files')
        .innerJoin('streams', 'streams.id', 'media_files.stream_id')
        .select([
          'media_files.name',
          'media_files.encrypted',
          'media_files.index',
          'streams.defaults',
          'streams.directory',
        ])
        .executeTakeFirstOrThrow();
      assert.equal(row.directory, 'demo');
      assert.equal(toBool(row.encrypted), true);
      assert.deepEqual(fromJson(row.index), { timescale: 300 });
      assert.deepEqual(fromJson(row.defaults), { playready: { version: '2.0' } });
    });

    it('enforces foreign keys and cascades', async (t) => {
      const o = await ready(t);
      if (!o) return;
      const now = nowIso();
      await assert.rejects(
        o.db
          .insertInto('media_files')
          .values({
            stream_id: 9999,
            name: 'x',
            file_name: 'x.mp4',
            blob_id: 9999,
            content_type: null,
            encrypted: 0,
            index: null,
            created_at: now,
            updated_at: now,
            codec_fourcc: null,
            codecs: null,
            track_id: null,
            language: null,
            bitrate: null,
            index_version: null,
            indexed_at: null,
          })
          .execute(),
      );
      await o.db.deleteFrom('streams').where('directory', '=', 'demo').execute();
      const left = await o.db.selectFrom('media_files').selectAll().execute();
      assert.equal(left.length, 0, 'deleting a stream removes its files');
    });

    it('rolls a failed transaction back completely', async (t) => {
      const o = await ready(t);
      if (!o) return;
      await assert.rejects(
        o.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('server_state')
            .values({ key: 'tx.test', value: '1', updated_at: nowIso() })
            .execute();
          await sql`select * from no_such_table`.execute(trx);
        }),
      );
      assert.equal(await getState(o.db, 'tx.test'), null);
    });

    it('keeps server state and change counters', async (t) => {
      const o = await ready(t);
      if (!o) return;
      await setState(o.db, 'demo.installed', 'yes');
      await setState(o.db, 'demo.installed', 'again');
      assert.equal(await getState(o.db, 'demo.installed'), 'again');
      assert.equal(await setStateOnce(o.db, 'secret.session', 'first'), 'first');
      assert.equal(
        await setStateOnce(o.db, 'secret.session', 'second'),
        'first',
        'a second node keeps the first secret',
      );
      const before = await readChangeCounter(o.db, 'streams');
      await bumpChangeCounter(o.db, 'streams');
      assert.equal(await readChangeCounter(o.db, 'streams'), before + 1);
    });

    it('creates the first admin once, with a generated password when none is set', async (t) => {
      const o = await ready(t);
      if (!o) return;
      const created = await ensureFirstAdmin(o.db, { username: 'Admin', mustChange: true });
      assert.ok(created?.generatedPassword && created.generatedPassword.length === 16);
      assert.equal(await ensureFirstAdmin(o.db, { username: 'other', mustChange: true }), null);
      const user = await o.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
      assert.equal(user.username_lower, 'admin');
      assert.equal(toBool(user.must_change), true);
      assert.match(user.password_hash, /^\$argon2id\$/);
    });
  });
}
