/**
 * The `blobs` table keeps the store and the database consistent (spec app.md §6.3): a row is
 * `pending` before its object is written and `committed` in the same transaction that makes the
 * object visible to anything else; the sweep removes pending rows left by a crash.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';

export interface ReservedBlob {
  id: number;
  key: string;
}

/** Inserts a pending row and gives it its final key, built from the row id (keys are never reused). */
export async function reserveBlob(
  db: Kysely<Database>,
  keyFor: (id: number) => string,
  contentType: string,
): Promise<ReservedBlob> {
  const placeholder = `pending/${randomBytes(12).toString('hex')}`;
  const row = await db
    .insertInto('blobs')
    .values({
      store_key: placeholder,
      size: 0,
      sha256: '',
      content_type: contentType,
      state: 'pending',
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const key = keyFor(row.id);
  await db.updateTable('blobs').set({ store_key: key }).where('id', '=', row.id).execute();
  return { id: row.id, key };
}

export async function commitBlob(
  db: Kysely<Database>,
  id: number,
  stored: { size: number; sha256: string },
): Promise<void> {
  await db
    .updateTable('blobs')
    .set({ state: 'committed', size: stored.size, sha256: stored.sha256 })
    .where('id', '=', id)
    .execute();
}
