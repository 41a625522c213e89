/**
 * Inspections (app.md §7.4): an uploaded or fetched MP4 stored as a temporary blob for
 * `LOOPCAST_INSPECT_TTL`, indexed like a media file, visible to its uploader (and admins). At most
 * 3 live inspections and 2 GiB per user; beyond that 409.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MediaIndex } from '@loopcast/bmff';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import { commitBlob, reserveBlob } from '../blobs/blob-rows.js';
import {
  discardBlob,
  indexBlob,
  removeDeletingBlobs,
  type MediaFileErrorRecord,
} from '../media/add-media-file.js';
import type { BoxNode } from '../media/box-tree.js';
import { fromJson } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { topLevelNodes } from './top-level.js';

export const MAX_LIVE_PER_USER = 3;
export const MAX_BYTES_PER_USER = 2 * 1024 ** 3;

export interface InspectDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
}

export interface InspectionRow {
  id: string;
  userId: number;
  fileName: string;
  size: number;
  blobKey: string;
  blobId: number;
  index: MediaIndex | null;
  errors: MediaFileErrorRecord[];
  expiresAt: string;
}

/** What `POST /api/inspect` and `GET /api/inspect/{id}` answer. */
export interface InspectionView {
  id: string;
  fileName: string;
  size: number;
  expiresAt: string;
  fragmented: boolean;
  index: MediaIndex | null;
  errors: MediaFileErrorRecord[];
  topLevel: BoxNode[];
}

/** The per-user quota refused a new inspection. */
export class InspectQuotaError extends Error {}

/** The `index` column holds the index and the indexing errors together. */
interface StoredIndex {
  index: MediaIndex | null;
  errors: MediaFileErrorRecord[];
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

async function liveUsage(
  db: Kysely<Database>,
  userId: number,
  nowIso: string,
): Promise<{ count: number; bytes: number }> {
  const rows = await db
    .selectFrom('inspections')
    .select(['size'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', nowIso)
    .execute();
  return { count: rows.length, bytes: rows.reduce((n, r) => n + Number(r.size), 0) };
}

/**
 * Removes every expired inspection (their blobs go through `deleting`, as §6.3 sweeps them) and
 * says how many. The hourly sweep runs it (app.md §6.3), and so does each new inspection, so an
 * expired file outlives neither the next sweep nor the next upload by anyone.
 */
export async function purgeExpired(deps: InspectDeps, nowIso: string): Promise<number> {
  const expired = await deps.db
    .selectFrom('inspections')
    .select(['id', 'blob_id'])
    .where('expires_at', '<=', nowIso)
    .execute();
  if (expired.length === 0) return 0;
  await removeInspections(
    deps,
    expired.map((r) => ({ id: r.id, blobId: Number(r.blob_id) })),
  );
  return expired.length;
}

async function removeInspections(deps: InspectDeps, rows: { id: string; blobId: number }[]): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    for (const r of rows) {
      await trx.deleteFrom('inspections').where('id', '=', r.id).execute();
      await trx.updateTable('blobs').set({ state: 'deleting' }).where('id', '=', r.blobId).execute();
    }
  });
  await removeDeletingBlobs(
    deps,
    rows.map((r) => r.blobId),
  );
}

/**
 * Streams `source` into a temporary blob, indexes it and records the inspection. The quota is
 * checked before (count, bytes already used) and after (bytes including this file).
 */
export async function createInspection(
  deps: InspectDeps,
  input: { userId: number; fileName: string; source: Readable; maxBytes: number; ttlMs: number },
): Promise<InspectionView> {
  const now = new Date();
  const nowIso = now.toISOString();
  await purgeExpired(deps, nowIso);
  const before = await liveUsage(deps.db, input.userId, nowIso);
  if (before.count >= MAX_LIVE_PER_USER) {
    input.source.resume();
    throw new InspectQuotaError(
      `You have ${before.count} live inspections, the most allowed; delete one or wait for it to expire.`,
    );
  }
  const remaining = MAX_BYTES_PER_USER - before.bytes;
  const id = randomBytes(16).toString('base64url');
  const blob = await reserveBlob(deps.db, (blobId) => `inspect/${blobId}-${id}.mp4`, 'video/mp4');
  let stored: { size: number; sha256: string };
  try {
    stored = await deps.blobs.put(blob.key, input.source, {
      contentType: 'video/mp4',
      maxBytes: Math.min(input.maxBytes, Math.max(0, remaining)),
    });
  } catch (err) {
    await discardBlob(deps, blob);
    if (remaining < input.maxBytes && (err as Error).name === 'BlobTooLargeError') {
      throw new InspectQuotaError('Your inspections would hold more than 2 GiB; delete one first.');
    }
    throw err;
  }
  const { index, errors } = await indexBlob(deps.blobs, blob.key);
  const topLevel = await topLevelNodes(deps.blobs, blob.key, stored.size);
  const expiresAt = new Date(now.getTime() + input.ttlMs).toISOString();
  const storedIndex: StoredIndex = { index, errors };
  await deps.db.transaction().execute(async (trx) => {
    await commitBlob(trx, blob.id, stored);
    await trx
      .insertInto('inspections')
      .values({
        id,
        user_id: input.userId,
        blob_id: blob.id,
        file_name: input.fileName,
        size: stored.size,
        index: JSON.stringify(storedIndex),
        created_at: nowIso,
        expires_at: expiresAt,
      })
      .execute();
  });
  return {
    id,
    fileName: input.fileName,
    size: stored.size,
    expiresAt,
    fragmented: index !== null,
    index,
    errors,
    topLevel,
  };
}

/** A live inspection, or null when it does not exist or has expired. */
export async function loadInspection(
  db: Kysely<Database>,
  id: string,
  now = new Date(),
): Promise<InspectionRow | null> {
  const row = await db
    .selectFrom('inspections')
    .innerJoin('blobs', 'blobs.id', 'inspections.blob_id')
    .select([
      'inspections.id',
      'inspections.user_id',
      'inspections.file_name',
      'inspections.size',
      'inspections.index',
      'inspections.expires_at',
      'blobs.store_key',
      'blobs.id as blob_id',
    ])
    .where('inspections.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = iso(row.expires_at);
  if (Date.parse(expiresAt) <= now.getTime()) return null;
  const stored = fromJson<StoredIndex>(row.index) ?? { index: null, errors: [] };
  return {
    id: row.id,
    userId: Number(row.user_id),
    fileName: row.file_name,
    size: Number(row.size),
    blobKey: row.store_key,
    blobId: Number(row.blob_id),
    index: stored.index,
    errors: stored.errors,
    expiresAt,
  };
}

export async function inspectionView(blobs: BlobStore, row: InspectionRow): Promise<InspectionView> {
  return {
    id: row.id,
    fileName: row.fileName,
    size: row.size,
    expiresAt: row.expiresAt,
    fragmented: row.index !== null,
    index: row.index,
    errors: row.errors,
    topLevel: await topLevelNodes(blobs, row.blobKey, row.size),
  };
}

export async function deleteInspection(deps: InspectDeps, row: InspectionRow): Promise<void> {
  await removeInspections(deps, [{ id: row.id, blobId: row.blobId }]);
}
