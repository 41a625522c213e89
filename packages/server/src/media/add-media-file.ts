/**
 * Adds one fragmented MP4 to a stream (spec app.md §5.2–§5.3): a `pending` blob row, the object
 * streamed into the blob store under a fresh key, the index built from the stored bytes, then one
 * transaction that commits the blob and inserts the file row with its index, errors and keys. A
 * crash at any point leaves at most a pending blob, which the sweep removes.
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  BmffError,
  MEDIA_INDEX_VERSION,
  indexFile,
  type BmffErrorCode,
  type MediaIndex,
} from '@loopcast/bmff';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import { dbBool, nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';
import { commitBlob, reserveBlob } from '../blobs/blob-rows.js';

export interface AddedMediaFile {
  id: number;
  name: string;
  index: MediaIndex | null;
  errors: MediaFileErrorRecord[];
}

export interface MediaFileErrorRecord {
  reason: string;
  severity: 'error' | 'warning';
  details: string;
}

/** The indexer's typed errors as dash-live's error reasons (app.md §5.4). */
const REASONS: Record<BmffErrorCode, [string, 'error' | 'warning']> = {
  parse: ['PARSE_ERROR', 'error'],
  unsupported: ['PARSE_ERROR', 'error'],
  unreadable: ['FILE_NOT_FOUND', 'error'],
  'not-fragmented': ['NO_FRAGMENTS', 'error'],
  'few-fragments': ['NOT_ENOUGH_FRAGMENTS', 'error'],
  'bad-language': ['INVALID_LANGUAGE_TAG', 'warning'],
  'several-tracks': ['MULTIPLE_TRACKS', 'error'],
};

export function indexErrorRecord(err: unknown): MediaFileErrorRecord {
  const details = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  if (err instanceof BmffError) {
    const [reason, severity] = REASONS[err.code];
    return { reason, severity, details };
  }
  return { reason: 'PARSE_ERROR', severity: 'error', details };
}

export async function addMediaFileFromPath(
  deps: { db: Kysely<Database>; blobs: BlobStore },
  stream: { id: number; directory: string },
  path: string,
): Promise<AddedMediaFile> {
  const fileName = basename(path);
  const name = basename(fileName, extname(fileName));
  const blob = await reserveBlob(
    deps.db,
    (id) => `streams/${stream.directory}/${id}-${fileName}`,
    'video/mp4',
  );
  const stored = await deps.blobs.put(blob.key, createReadStream(path), { contentType: 'video/mp4' });

  let index: MediaIndex | null = null;
  const errors: MediaFileErrorRecord[] = [];
  try {
    index = await indexFile(path);
  } catch (err) {
    errors.push(indexErrorRecord(err));
  }

  const now = nowIso();
  const id = await deps.db.transaction().execute(async (trx) => {
    await commitBlob(trx, blob.id, stored);
    const row = await trx
      .insertInto('media_files')
      .values({
        stream_id: stream.id,
        name,
        file_name: fileName,
        blob_id: blob.id,
        content_type: index?.contentType ?? null,
        codec_fourcc: index?.sampleEntry ?? null,
        codecs: index?.codecs ?? null,
        track_id: index?.trackId ?? null,
        language: index?.language ?? null,
        bitrate: index?.bitrate ?? null,
        encrypted: dbBool(Boolean(index?.encryption)),
        index_version: index ? MEDIA_INDEX_VERSION : null,
        index: index ? JSON.stringify(index) : null,
        indexed_at: index ? now : null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const error of errors) {
      await trx
        .insertInto('media_file_errors')
        .values({
          media_file_id: row.id,
          reason: error.reason,
          severity: error.severity,
          details: error.details,
          created_at: now,
        })
        .execute();
    }
    for (const kid of index?.encryption?.kids ?? []) {
      await linkKid(trx, row.id, kid, now);
    }
    await bumpChangeCounter(trx, 'streams');
    return row.id;
  });
  return { id, name, index, errors };
}

/** A KID found by the indexer gets a key row (key unknown until someone adds it) and a link. */
async function linkKid(trx: Kysely<Database>, mediaFileId: number, kid: string, now: string): Promise<void> {
  const normalised = kid.replace(/-/g, '').toLowerCase();
  let key = await trx.selectFrom('keys').select('id').where('kid', '=', normalised).executeTakeFirst();
  if (!key) {
    key = await trx
      .insertInto('keys')
      .values({
        kid: normalised,
        key: '',
        computed: dbBool(false),
        alg: 'AESCTR',
        origin: 'indexed',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  await trx
    .insertInto('media_file_keys')
    .values({ media_file_id: mediaFileId, key_id: key.id })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
