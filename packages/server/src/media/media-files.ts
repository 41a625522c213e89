/**
 * Media files as the JSON API shows them (spec app.md §4.2 `MediaFile`): the row, its blob's size
 * and hash, its error records and the KIDs it uses, with the index summarised (segments, durations,
 * per-content-type facts). Key values never appear here (§3.8).
 */
import type { ApiMediaFile } from '../routes/api/stream-schemas.js';
import type { MediaIndex } from '@loopcast/bmff';
import type { Kysely } from 'kysely';
import { fromJson, toBool } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';

export interface ApiFileError {
  reason: string;
  severity: 'error' | 'warning';
  details: string;
}

export type { ApiMediaFile };

/** PostgreSQL returns 64-bit integers as strings and timestamps as dates; the API answers numbers and ISO text. */
export const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
export const iso = (v: string | Date | null): string => (v === null ? '' : new Date(v).toISOString());

export interface MediaFileRow {
  id: number;
  streamId: number;
  directory: string;
  name: string;
  fileName: string;
  blobKey: string;
  size: number;
  sha256: string;
  index: MediaIndex | null;
  contentType: string | null;
  codecs: string | null;
  trackId: number | null;
  language: string | null;
  bitrate: number | null;
  encrypted: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Loads file rows; `where` narrows to one stream or one id. Ordered by bitrate (§2.1). */
export async function loadMediaFiles(
  db: Kysely<Database>,
  where: { streamId?: number; id?: number },
): Promise<MediaFileRow[]> {
  let q = db
    .selectFrom('media_files')
    .innerJoin('streams', 'streams.id', 'media_files.stream_id')
    .innerJoin('blobs', 'blobs.id', 'media_files.blob_id')
    .select([
      'media_files.id',
      'media_files.stream_id',
      'streams.directory',
      'media_files.name',
      'media_files.file_name',
      'blobs.store_key',
      'blobs.size',
      'blobs.sha256',
      'media_files.index',
      'media_files.content_type',
      'media_files.codecs',
      'media_files.track_id',
      'media_files.language',
      'media_files.bitrate',
      'media_files.encrypted',
      'media_files.created_at',
      'media_files.updated_at',
    ]);
  if (where.streamId !== undefined) q = q.where('media_files.stream_id', '=', where.streamId);
  if (where.id !== undefined) q = q.where('media_files.id', '=', where.id);
  const rows = await q.orderBy('media_files.bitrate').orderBy('media_files.id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    streamId: Number(r.stream_id),
    directory: r.directory,
    name: r.name,
    fileName: r.file_name,
    blobKey: r.store_key,
    size: Number(r.size),
    sha256: r.sha256,
    index: fromJson<MediaIndex>(r.index),
    contentType: r.content_type,
    codecs: r.codecs,
    trackId: num(r.track_id),
    language: r.language,
    bitrate: num(r.bitrate),
    encrypted: toBool(r.encrypted),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
}

export async function loadMediaFile(db: Kysely<Database>, id: number): Promise<MediaFileRow | null> {
  return (await loadMediaFiles(db, { id }))[0] ?? null;
}

/** Error records and KIDs of the given files, by file id. */
async function loadExtras(
  db: Kysely<Database>,
  ids: number[],
): Promise<{ errors: Map<number, ApiFileError[]>; kids: Map<number, string[]> }> {
  const errors = new Map<number, ApiFileError[]>();
  const kids = new Map<number, string[]>();
  if (ids.length === 0) return { errors, kids };
  const errorRows = await db
    .selectFrom('media_file_errors')
    .select(['media_file_id', 'reason', 'severity', 'details'])
    .where('media_file_id', 'in', ids)
    .orderBy('id')
    .execute();
  for (const e of errorRows) {
    const list = errors.get(Number(e.media_file_id)) ?? [];
    list.push({ reason: e.reason, severity: e.severity, details: e.details });
    errors.set(Number(e.media_file_id), list);
  }
  const kidRows = await db
    .selectFrom('media_file_keys')
    .innerJoin('keys', 'keys.id', 'media_file_keys.key_id')
    .select(['media_file_keys.media_file_id', 'keys.kid'])
    .where('media_file_keys.media_file_id', 'in', ids)
    .orderBy('keys.kid')
    .execute();
  for (const k of kidRows) {
    const list = kids.get(Number(k.media_file_id)) ?? [];
    list.push(k.kid);
    kids.set(Number(k.media_file_id), list);
  }
  return { errors, kids };
}

const seconds = (ticks: number, timescale: number): number => Math.round((ticks / timescale) * 1000) / 1000;

export function toApiMediaFile(row: MediaFileRow, errors: ApiFileError[], kids: string[]): ApiMediaFile {
  const ix = row.index;
  const failed = ix === null || errors.some((e) => e.severity === 'error');
  return {
    id: row.id,
    stream: row.directory,
    name: row.name,
    fileName: row.fileName,
    size: row.size,
    sha256: row.sha256,
    indexState: failed ? 'failed' : 'indexed',
    contentType: row.contentType,
    codecs: row.codecs,
    trackId: row.trackId,
    language: row.language,
    bitrate: row.bitrate,
    maxBitrate: ix?.maxBitrate ?? null,
    encrypted: row.encrypted,
    defaultKid: ix?.encryption?.defaultKid.replace(/-/g, '').toLowerCase() ?? null,
    kids,
    mimeType: ix?.mimeType ?? null,
    timescale: ix?.timescale ?? null,
    startNumber: ix?.startNumber ?? null,
    numSegments: ix ? ix.segments.length - 1 : null,
    segmentDurationSeconds: ix ? seconds(ix.segmentDuration, ix.timescale) : null,
    durationSeconds: ix ? seconds(ix.mediaDuration, ix.timescale) : null,
    ...(ix?.video
      ? {
          width: ix.video.width,
          height: ix.video.height,
          frameRate: ix.video.frameRate,
          sar: ix.video.sar,
          ...(ix.video.nalLengthSize !== undefined ? { nalLengthSize: ix.video.nalLengthSize } : {}),
        }
      : {}),
    ...(ix?.text
      ? { textFormat: ix.text.format, ...(ix.text.mimeType ? { textMimeType: ix.text.mimeType } : {}) }
      : {}),
    ...(ix?.audio ? { sampleRate: ix.audio.sampleRate, channels: ix.audio.channels } : {}),
    errors,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function apiMediaFiles(db: Kysely<Database>, rows: MediaFileRow[]): Promise<ApiMediaFile[]> {
  const { errors, kids } = await loadExtras(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toApiMediaFile(r, errors.get(r.id) ?? [], kids.get(r.id) ?? []));
}
