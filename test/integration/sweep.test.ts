/**
 * The sweep (app.md §6.3) on both databases: a pending blob older than an hour goes with its
 * object, a `deleting` one too, a fresh pending one stays, and a second node within the lease does
 * nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { LocalBlobStore } from '../../packages/server/src/blobs/local-blob-store.js';
import { openDatabase } from '../../packages/server/src/storage/database.js';
import { sweepOnce } from '../../packages/server/src/sweep.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/databases.js';

for (const [name, make] of [
  ['sqlite', () => Promise.resolve(sqliteDatabase())],
  ['postgres', postgresDatabase],
] as const) {
  describe(`sweep on ${name}`, () => {
    it('removes stale pending and deleting blobs once per lease', async (t) => {
      const testDb: TestDatabase | null = await make();
      if (!testDb) {
        if (process.env.CI === 'true') throw new Error('TEST_PG_URL is not set');
        t.skip('TEST_PG_URL is not set: run through npm run test:integration');
        return;
      }
      const open = await openDatabase(testDb.url, 2);
      try {
        await open.migrate();
        const blobs = new LocalBlobStore(mkdtempSync(join(tmpdir(), 'loopcast-sweep-')));
        const now = Date.UTC(2026, 5, 1, 12);
        const add = async (key: string, state: 'pending' | 'committed' | 'deleting', ageMs: number) => {
          await blobs.put(key, Readable.from([Buffer.from(key)]), { contentType: 'text/plain' });
          await open.db
            .insertInto('blobs')
            .values({
              store_key: key,
              size: key.length,
              sha256: '',
              content_type: 'text/plain',
              state,
              created_at: new Date(now - ageMs).toISOString(),
            })
            .execute();
        };
        await add('music/1-old-pending.mp3', 'pending', 2 * 3_600_000);
        await add('music/2-fresh-pending.mp3', 'pending', 60_000);
        await add('music/3-deleting.mp3', 'deleting', 60_000);
        await add('music/4-committed.mp3', 'committed', 5 * 3_600_000);
        const first = await sweepOnce(open.db, blobs, { loginWindow: 900_000 }, now);
        assert.deepEqual(first, { ran: true, pendingBlobs: 1, deletedBlobs: 1, stagingFiles: 0 });
        const left = (
          await open.db.selectFrom('blobs').select('store_key').orderBy('store_key').execute()
        ).map((r) => r.store_key);
        assert.deepEqual(left, ['music/2-fresh-pending.mp3', 'music/4-committed.mp3']);
        assert.equal(await blobs.stat('music/1-old-pending.mp3'), null);
        assert.equal(await blobs.stat('music/3-deleting.mp3'), null);
        assert.deepEqual(await blobs.stat('music/4-committed.mp3'), { size: 'music/4-committed.mp3'.length });
        const second = await sweepOnce(open.db, blobs, { loginWindow: 900_000 }, now + 60_000);
        assert.equal(second.ran, false, 'another node within the 10-minute lease does nothing');
        const later = await sweepOnce(open.db, blobs, { loginWindow: 900_000 }, now + 11 * 60_000);
        assert.equal(later.ran, true, 'the lease expires');
      } finally {
        await open.close();
        await testDb.drop();
      }
    });
  });
}
