/**
 * Creating streams and setting their timing reference (spec app.md §2.1, §2.3), in one place for
 * the demo installation, the API and the test rigs. Each call bumps the `streams` change counter,
 * so the streaming routes' model cache sees it within a second.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';

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
      otf_kid: randomBytes(16).toString('hex'),
      created_at: now,
      updated_at: now,
    })
    .returning(['id', 'directory'])
    .executeTakeFirstOrThrow();
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
