/**
 * The watched music folder of `loopcast serve --music-dir DIR` (spec daap.md §11.1–§11.4): the
 * folder's files become `music_tracks` rows with source `folder` and no blob. A file edited in
 * place keeps its id; a file that disappears and reappears elsewhere with the same content hash
 * in one batch (a move or rename) keeps it too. Any change bumps the `music` change counter, which
 * the DAAP share follows.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';
import { newPersistentId } from './add-track.js';
import { isSkip, scanMusicFolder, type FolderFile } from './folder-scan.js';
import { readTrackTags, type MusicFormat } from './read-tags.js';
import { tagColumns } from './track-columns.js';

export interface FolderSyncResult {
  added: number;
  changed: number;
  removed: number;
  moved: number;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function trackColumns(file: FolderFile) {
  const tags = await readTrackTags(file.path, basename(file.rel));
  return {
    file_name: basename(file.rel),
    ...tagColumns(tags),
    size: file.size,
    file_mtime: new Date(file.mtimeMs).toISOString(),
    // Folder artwork stays in the file; it is read when a client asks.
    artwork_sha256: null,
    artwork_mime: tags.artwork?.mime ?? null,
    artwork_width: null,
    artwork_height: null,
    updated_at: nowIso(),
  };
}

export async function syncMusicFolder(
  db: Kysely<Database>,
  root: string,
  formats: ReadonlySet<MusicFormat>,
  note: (message: string) => void,
): Promise<FolderSyncResult> {
  const result: FolderSyncResult = { added: 0, changed: 0, removed: 0, moved: 0 };
  const rows = await db
    .selectFrom('music_tracks')
    .select(['id', 'folder_path', 'size', 'file_mtime', 'sha256'])
    .where('source', '=', 'folder')
    .execute();
  const byPath = new Map(rows.map((r) => [r.folder_path ?? '', r]));
  const seen = new Set<string>();
  const fresh: FolderFile[] = [];
  for await (const entry of scanMusicFolder(root, formats)) {
    if (isSkip(entry)) {
      if (entry.reason !== 'not a shared audio format')
        note(`music folder: skipped ${entry.rel}: ${entry.reason}`);
      continue;
    }
    seen.add(entry.rel);
    const row = byPath.get(entry.rel);
    if (!row) {
      fresh.push(entry);
      continue;
    }
    if (row.size === entry.size && row.file_mtime === new Date(entry.mtimeMs).toISOString()) continue;
    const sha256 = await sha256Of(entry.path);
    await db
      .updateTable('music_tracks')
      .set({ ...(await trackColumns(entry)), sha256 })
      .where('id', '=', row.id)
      .execute();
    result.changed++;
  }
  const gone = rows.filter((r) => !seen.has(r.folder_path ?? ''));
  const goneByHash = new Map(gone.map((r) => [r.sha256, r]));
  for (const entry of fresh) {
    const sha256 = await sha256Of(entry.path);
    const columns = await trackColumns(entry);
    const moved = goneByHash.get(sha256);
    if (moved) {
      goneByHash.delete(sha256);
      gone.splice(gone.indexOf(moved), 1);
      await db
        .updateTable('music_tracks')
        .set({ ...columns, folder_path: entry.rel, sha256 })
        .where('id', '=', moved.id)
        .execute();
      result.moved++;
      continue;
    }
    await db
      .insertInto('music_tracks')
      .values({
        ...columns,
        persistent_id: newPersistentId(),
        source: 'folder',
        blob_id: null,
        folder_path: entry.rel,
        sha256,
        created_at: nowIso(),
      })
      .execute();
    result.added++;
  }
  for (const row of gone) {
    await db.deleteFrom('music_tracks').where('id', '=', row.id).execute();
    result.removed++;
  }
  if (result.added + result.changed + result.removed + result.moved > 0) await bumpChangeCounter(db, 'music');
  return result;
}
