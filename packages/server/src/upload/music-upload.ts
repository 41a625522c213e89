/**
 * Uploaded audio in the music library (spec daap.md §11.1, §11.4; app.md §6.1 `music/…` keys):
 * an MP3 or M4A whose leading bytes match its format is written to a private staging folder
 * (tags are read from a file), then added through the same path as the demo music — its bytes
 * streamed into a fresh blob, its artwork content-addressed — and the share is told at once, so
 * long-polling DAAP clients receive the new revision. Deleting removes the row and its blob.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { BlobTooLargeError, type BlobStore } from '../blobs/blob-store.js';
import { addMusicTrackFromPath } from '../music/add-track.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';
import { removeDeletingBlobs } from '../media/add-media-file.js';
import { safeFileName } from './file-names.js';

export type MusicUploadCheck =
  { ok: true; fileName: string; format: 'mp3' | 'm4a' } | { ok: false; reason: string };

/** Only MP3 and M4A are uploaded (daap.md §11.1); other formats come from a music folder. */
export function checkMusicFileName(raw: string): MusicUploadCheck {
  const fileName = safeFileName(raw);
  const m = /\.(mp3|m4a)$/i.exec(fileName);
  if (!m) return { ok: false, reason: 'must be an .mp3 or .m4a file' };
  if (!/^[A-Za-z0-9]/.test(fileName) || fileName.length > 200) {
    return { ok: false, reason: 'needs a name of at most 200 characters starting with a letter or digit' };
  }
  return { ok: true, fileName, format: m[1]!.toLowerCase() as 'mp3' | 'm4a' };
}

/** The leading bytes of each format (daap.md §11.1): ID3 or MPEG frame sync; `ftyp`. */
export function audioMagicMatches(format: 'mp3' | 'm4a', head: Buffer): boolean {
  if (format === 'm4a') return head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'ID3') return true;
  return head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0;
}

export class NotAudioError extends Error {}

/** Counts bytes, refuses more than `maxBytes`, and checks the first bytes against the format. */
function guard(format: 'mp3' | 'm4a', maxBytes: number): Transform {
  let seen = 0;
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) return done(new BlobTooLargeError(maxBytes));
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 8) {
          checked = true;
          if (!audioMagicMatches(format, head)) {
            return done(new NotAudioError(`the file does not start like an ${format.toUpperCase()} file`));
          }
        }
      }
      done(null, chunk);
    },
    flush(done) {
      if (!checked && !audioMagicMatches(format, head)) {
        return done(new NotAudioError(`the file does not start like an ${format.toUpperCase()} file`));
      }
      done();
    },
  });
}

export interface MusicDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
}

/** Stores one uploaded track; the staging copy is removed whatever happens. */
export async function addUploadedTrack(
  deps: MusicDeps,
  fileName: string,
  format: 'mp3' | 'm4a',
  source: Readable,
  maxBytes: number,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'loopcast-music-upload-'));
  try {
    const path = join(dir, fileName);
    await pipeline(source, guard(format, maxBytes), createWriteStream(path, { flags: 'wx' }));
    const { id } = await addMusicTrackFromPath(deps, 'upload', path);
    return Number(id);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Deletes an uploaded track (daap.md §11.5: delete is for uploads only). The row goes and its
 * blob is marked `deleting` in one transaction with the `music` counter; the object after it.
 * Says why nothing was deleted when the track is missing or not an upload.
 */
export async function deleteUploadedTrack(
  deps: MusicDeps,
  id: number,
): Promise<'deleted' | 'not-upload' | 'missing'> {
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('music_tracks')
      .select(['source', 'blob_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return { state: 'missing' as const };
    if (row.source !== 'upload') return { state: 'not-upload' as const };
    await trx.deleteFrom('music_tracks').where('id', '=', id).execute();
    if (row.blob_id !== null) {
      await trx.updateTable('blobs').set({ state: 'deleting' }).where('id', '=', row.blob_id).execute();
    }
    await bumpChangeCounter(trx, 'music');
    return { state: 'deleted' as const, blobId: row.blob_id === null ? null : Number(row.blob_id) };
  });
  if (outcome.state === 'deleted' && outcome.blobId !== null) {
    await removeDeletingBlobs(deps, [outcome.blobId]);
  }
  return outcome.state;
}
