/**
 * Adds or replaces one fragmented MP4 of a stream (spec app.md §5.2–§5.3): a `pending` blob row,
 * the object streamed into the blob store under a fresh key, the index built from the stored
 * bytes, then one transaction that commits the blob and inserts (or repoints) the file row with its
 * index, errors and keys. A crash at any point leaves at most a pending blob, which the sweep
 * removes; a replaced blob is marked `deleting` in the transaction and removed after it.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import {
  BmffError,
  MEDIA_INDEX_VERSION,
  indexFileHandle,
  type BmffErrorCode,
  type MediaIndex,
} from '@loopcast/bmff';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import { commitBlob, reserveBlob } from '../blobs/blob-rows.js';
import { ensureComputedKey } from '../keys/key-store.js';
import { dbBool, nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';

export interface MediaDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
}

export interface StreamRef {
  id: number;
  directory: string;
}

export interface AddedMediaFile {
  id: number;
  name: string;
  index: MediaIndex | null;
  errors: MediaFileErrorRecord[];
  /** True when a file of the same name was repointed at the new bytes (§5.2). */
  replaced: boolean;
}

export interface MediaFileErrorRecord {
  reason: string;
  severity: 'error' | 'warning';
  details: string;
}

/** Two stems that differ only by letter case would share a Representation id (§5.2). */
export class StemClashError extends Error {
  constructor(readonly existing: string) {
    super(`the stream already has a file named ${existing}, which differs only in letter case`);
  }
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

/**
 * The indexer reads through a file handle; this one answers its two calls (`stat`, positioned
 * `read`) with ranged reads of the blob, so only headers, `moov` and each `moof` are fetched
 * (§5.3) whichever store holds the bytes.
 */
function blobHandle(blobs: BlobStore, key: string, size: number): FileHandle {
  const handle = {
    stat: () => Promise.resolve({ size }),
    read: async (buffer: Buffer, offset: number, length: number, position: number) => {
      const want = Math.max(0, Math.min(length, size - position));
      if (want === 0) return { bytesRead: 0, buffer };
      const bytes = await blobs.readBytes(key, position, want);
      bytes.copy(buffer, offset);
      return { bytesRead: bytes.length, buffer };
    },
    close: () => Promise.resolve(),
  };
  return handle as unknown as FileHandle;
}

/** Indexes a stored blob; a failure becomes an error record instead of failing the caller (§5.3). */
export async function indexBlob(
  blobs: BlobStore,
  key: string,
): Promise<{ index: MediaIndex | null; errors: MediaFileErrorRecord[] }> {
  try {
    const stat = await blobs.stat(key);
    if (!stat)
      return { index: null, errors: [indexErrorRecord(new BmffError('unreadable', 'the blob is missing'))] };
    return { index: await indexFileHandle(blobHandle(blobs, key, stat.size)), errors: [] };
  } catch (err) {
    return { index: null, errors: [indexErrorRecord(err)] };
  }
}

/** Removes a blob that never became visible: its object and its pending row. */
export async function discardBlob(deps: MediaDeps, blob: { id: number; key: string }): Promise<void> {
  await deps.blobs.delete(blob.key).catch(() => undefined);
  await deps.db.deleteFrom('blobs').where('id', '=', blob.id).execute();
}

/** Deletes objects whose rows a committed transaction marked `deleting`; the sweep retries failures. */
export async function removeDeletingBlobs(deps: MediaDeps, ids: number[]): Promise<void> {
  for (const id of ids) {
    const row = await deps.db
      .selectFrom('blobs')
      .select(['store_key', 'state'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.state !== 'deleting') continue;
    try {
      await deps.blobs.delete(row.store_key);
      await deps.db.deleteFrom('blobs').where('id', '=', id).execute();
    } catch {
      /* left for the sweep (§6.3) */
    }
  }
}

export async function addMediaFileFromPath(
  deps: MediaDeps,
  stream: StreamRef,
  path: string,
): Promise<AddedMediaFile> {
  return storeMediaFile(deps, stream, basename(path), createReadStream(path));
}

/**
 * Streams `source` into a new blob and makes it the file `fileName` of the stream (§5.2). The
 * caller has checked the name rule; on any failure before the commit nothing stays behind.
 */
export async function storeMediaFile(
  deps: MediaDeps,
  stream: StreamRef,
  fileName: string,
  source: Readable | NodeJS.ReadableStream,
  opts: { maxBytes?: number } = {},
): Promise<AddedMediaFile> {
  const name = basename(fileName, extname(fileName));
  const sameName = await deps.db
    .selectFrom('media_files')
    .select(['id', 'name', 'blob_id'])
    .where('stream_id', '=', stream.id)
    .execute();
  const clash = sameName.find((f) => f.name !== name && f.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new StemClashError(clash.name);
  const existing = sameName.find((f) => f.name === name);

  const blob = await reserveBlob(
    deps.db,
    (id) => `streams/${stream.directory}/${id}-${fileName}`,
    'video/mp4',
  );
  let stored: { size: number; sha256: string };
  try {
    stored = await deps.blobs.put(blob.key, source, {
      contentType: 'video/mp4',
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    });
  } catch (err) {
    await discardBlob(deps, blob);
    throw err;
  }
  const { index, errors } = await indexBlob(deps.blobs, blob.key);

  const now = nowIso();
  const id = await deps.db.transaction().execute(async (trx) => {
    await commitBlob(trx, blob.id, stored);
    let fileId: number;
    if (existing) {
      fileId = Number(existing.id);
      await trx
        .updateTable('media_files')
        .set({ blob_id: blob.id, file_name: fileName, updated_at: now })
        .where('id', '=', fileId)
        .execute();
      await trx.updateTable('blobs').set({ state: 'deleting' }).where('id', '=', existing.blob_id).execute();
    } else {
      const row = await trx
        .insertInto('media_files')
        .values({
          stream_id: stream.id,
          name,
          file_name: fileName,
          blob_id: blob.id,
          encrypted: dbBool(false),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      fileId = Number(row.id);
    }
    await applyIndex(trx, stream.id, fileId, index, errors, now);
    return fileId;
  });
  if (existing) await removeDeletingBlobs(deps, [Number(existing.blob_id)]);
  return { id, name, index, errors, replaced: Boolean(existing) };
}

/** `POST /api/files/{id}/index` (§5.3): the same steps over the file's current blob. */
export async function reindexMediaFile(deps: MediaDeps, fileId: number): Promise<boolean> {
  const row = await deps.db
    .selectFrom('media_files')
    .innerJoin('blobs', 'blobs.id', 'media_files.blob_id')
    .select(['media_files.stream_id', 'blobs.store_key'])
    .where('media_files.id', '=', fileId)
    .executeTakeFirst();
  if (!row) return false;
  const { index, errors } = await indexBlob(deps.blobs, row.store_key);
  await deps.db
    .transaction()
    .execute((trx) => applyIndex(trx, Number(row.stream_id), fileId, index, errors, nowIso()));
  return true;
}

/**
 * Writes an index result to a file row (§5.3): summary columns, error records replaced wholesale,
 * key links from the KIDs found, the track-id check across the stream, the automatic timing
 * reference (§2.3), and the `streams` change counter. Runs inside the caller's transaction.
 */
async function applyIndex(
  trx: Kysely<Database>,
  streamId: number,
  fileId: number,
  index: MediaIndex | null,
  indexErrors: MediaFileErrorRecord[],
  now: string,
): Promise<void> {
  const errors = [...indexErrors];
  if (index) {
    const twin = await trx
      .selectFrom('media_files')
      .select(['name', 'codec_fourcc'])
      .where('stream_id', '=', streamId)
      .where('id', '!=', fileId)
      .where('track_id', '=', index.trackId)
      .where('codec_fourcc', '!=', index.sampleEntry)
      .executeTakeFirst();
    if (twin) {
      errors.push({
        reason: 'DUPLICATE_TRACK_IDS',
        severity: 'error',
        details: `track id ${index.trackId} is also used by ${twin.name} (${twin.codec_fourcc ?? '?'})`,
      });
    }
  }
  await trx
    .updateTable('media_files')
    .set({
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
      updated_at: now,
    })
    .where('id', '=', fileId)
    .execute();
  await trx.deleteFrom('media_file_errors').where('media_file_id', '=', fileId).execute();
  for (const error of errors) {
    await trx
      .insertInto('media_file_errors')
      .values({ media_file_id: fileId, ...error, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await trx.deleteFrom('media_file_keys').where('media_file_id', '=', fileId).execute();
  for (const kid of index?.encryption?.kids ?? []) {
    await linkKid(trx, fileId, kid);
  }
  // The first indexed, usable video file becomes the timing reference (§2.3).
  if (index?.contentType === 'video' && !errors.some((e) => e.severity === 'error')) {
    await trx
      .updateTable('streams')
      .set({ timing_ref_file_id: fileId, updated_at: now })
      .where('id', '=', streamId)
      .where('timing_ref_file_id', 'is', null)
      .execute();
  }
  await bumpChangeCounter(trx, 'streams');
}

/**
 * A KID found by the indexer gets a key row, computed from the PlayReady test key seed unless the
 * KID is already in the store (§5.3), and a link.
 */
async function linkKid(trx: Kysely<Database>, mediaFileId: number, kid: string): Promise<void> {
  const keyId = await ensureComputedKey(trx, kid.replace(/-/g, '').toLowerCase(), 'indexed');
  await trx
    .insertInto('media_file_keys')
    .values({ media_file_id: mediaFileId, key_id: keyId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
