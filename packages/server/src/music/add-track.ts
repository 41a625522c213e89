/**
 * Adds one audio file to the music library (spec daap.md §11, app.md §2.1 `music_tracks`): the
 * audio goes to a fresh blob, its artwork to the content-addressed `artwork/<sha256>.<ext>` (one
 * copy per distinct image, shared by an album's tracks), then one transaction commits the row.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import { commitBlob, reserveBlob } from '../blobs/blob-rows.js';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';
import { readTrackTags, type TrackTags } from './read-tags.js';
import { tagColumns } from './track-columns.js';

export type MusicSource = 'demo' | 'upload' | 'folder';

const ARTWORK_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

/** A random 63-bit id, as decimal text (JavaScript numbers cannot hold it). */
export const newPersistentId = (): string => (randomBytes(8).readBigUInt64BE() >> 1n).toString();

async function imageSize(data: Buffer): Promise<{ width: number | null; height: number | null }> {
  try {
    const { default: sharp } = await import('sharp');
    const meta = await sharp(data).metadata();
    return { width: meta.width ?? null, height: meta.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** Stores the artwork once per distinct image; returns its hash, or null when there is none. */
async function storeArtwork(deps: { db: Kysely<Database>; blobs: BlobStore }, tags: TrackTags) {
  if (!tags.artwork) return null;
  const ext = ARTWORK_EXT[tags.artwork.mime];
  if (!ext) return null;
  const sha256 = createHash('sha256').update(tags.artwork.data).digest('hex');
  const key = `artwork/${sha256}.${ext}`;
  const existing = await deps.db
    .selectFrom('blobs')
    .select('id')
    .where('store_key', '=', key)
    .executeTakeFirst();
  if (!existing) {
    const stored = await deps.blobs.put(key, Readable.from([tags.artwork.data]), {
      contentType: tags.artwork.mime,
    });
    await deps.db
      .insertInto('blobs')
      .values({
        store_key: key,
        size: stored.size,
        sha256,
        content_type: tags.artwork.mime,
        state: 'committed',
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.column('store_key').doNothing())
      .execute();
  }
  return { sha256, mime: tags.artwork.mime, ...(await imageSize(tags.artwork.data)) };
}

export async function addMusicTrackFromPath(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  source: MusicSource,
  path: string,
): Promise<{ id: number; tags: TrackTags }> {
  const fileName = basename(path);
  const tags = await readTrackTags(path, fileName);
  const blob = await reserveBlob(deps.db, (id) => `music/${id}-${fileName}`, tags.mimeType);
  const stored = await deps.blobs.put(blob.key, createReadStream(path), { contentType: tags.mimeType });
  const artwork = await storeArtwork(deps, tags);
  const now = nowIso();
  const id = await deps.db.transaction().execute(async (trx) => {
    await commitBlob(trx, blob.id, stored);
    const row = await trx
      .insertInto('music_tracks')
      .values({
        persistent_id: newPersistentId(),
        source,
        blob_id: blob.id,
        folder_path: null,
        file_name: fileName,
        size: stored.size,
        file_mtime: null,
        sha256: stored.sha256,
        ...tagColumns(tags),
        artwork_sha256: artwork?.sha256 ?? null,
        artwork_mime: artwork?.mime ?? null,
        artwork_width: artwork?.width ?? null,
        artwork_height: artwork?.height ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await bumpChangeCounter(trx, 'music');
    return row.id;
  });
  return { id, tags };
}
