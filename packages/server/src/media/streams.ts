/**
 * Creating streams and setting their timing reference (spec app.md §2.1, §2.3), in one place for
 * the demo installation, the API and the test rigs. Each call bumps the `streams` change counter,
 * so the streaming routes' model cache sees it within a second.
 */
import { onTheFlyKid } from '@loopcast/dash';
import type { Kysely } from 'kysely';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';
import { ensureComputedKey } from '../keys/key-store.js';

export interface NewStream {
  directory: string;
  title: string;
  defaults?: Record<string, unknown>;
  marlinLaUrl?: string | null;
  playreadyLaUrl?: string | null;
}

export async function createStream(
  db: Kysely<Database>,
  stream: NewStream,
): Promise<{ id: number; directory: string }> {
  const now = nowIso();
  const row = await db
    .insertInto('streams')
    .values({
      directory: stream.directory,
      title: stream.title,
      marlin_la_url: stream.marlinLaUrl ?? null,
      playready_la_url: stream.playreadyLaUrl ?? null,
      defaults: JSON.stringify(stream.defaults ?? {}),
      // The KID for on-the-fly encryption (drm-events.md §2.6): fixed for the stream's life.
      otf_kid: onTheFlyKid(stream.directory),
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'directory'])
    .executeTakeFirstOrThrow();
  // a computed key for the on-the-fly KID (drm-events.md §2.6)
  await ensureComputedKey(db, onTheFlyKid(stream.directory), 'stream');
  await bumpChangeCounter(db, 'streams');
  return row;
}

export async function setTimingReference(
  db: Kysely<Database>,
  streamId: number,
  mediaFileId: number | null,
): Promise<void> {
  await db
    .updateTable('streams')
    .set({ timing_ref_file_id: mediaFileId, updated_at: nowIso() })
    .where('id', '=', streamId)
    .execute();
  await bumpChangeCounter(db, 'streams');
}

/** dash-live's directory rule (app.md §2.1); it keeps `.add` paths and stream names apart (§9.2). */
export const DIRECTORY_PATTERN = '^[A-Za-z0-9]{3,30}$';

/**
 * Licence URL syntax (app.md §4.4): http(s) for PlayReady; `ms3://`, `ms3s://`, `ms3a://` or
 * http(s) for Marlin. Returns why a URL is refused, or null.
 */
export function laUrlProblem(kind: 'marlin' | 'playready', value: string): string | null {
  const schemes = kind === 'marlin' ? ['http:', 'https:', 'ms3:', 'ms3s:', 'ms3a:'] : ['http:', 'https:'];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL; expected ${schemes.map((s) => `${s}//…`).join(', ')}`;
  }
  if (!schemes.includes(url.protocol)) {
    return `uses ${url.protocol}; expected ${schemes.map((s) => `${s}//…`).join(', ')}`;
  }
  return null;
}

/**
 * Deletes a file or a whole stream (app.md §5.5): rows go in one transaction that marks their
 * blobs `deleting` (error records and key links cascade, the timing reference is set null by its
 * foreign key); the objects are removed after the commit, or by the sweep if that fails.
 */
export async function deleteMediaRows(
  db: Kysely<Database>,
  where: { fileId: number } | { streamId: number },
): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('media_files').select(['id', 'blob_id']);
    q = 'fileId' in where ? q.where('id', '=', where.fileId) : q.where('stream_id', '=', where.streamId);
    const rows = await q.execute();
    const blobIds = rows.map((r) => Number(r.blob_id));
    if (rows.length) {
      await trx
        .deleteFrom('media_files')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      await trx.updateTable('blobs').set({ state: 'deleting' }).where('id', 'in', blobIds).execute();
    }
    if ('streamId' in where) await trx.deleteFrom('streams').where('id', '=', where.streamId).execute();
    await bumpChangeCounter(trx, 'streams');
    return blobIds;
  });
}
