/**
 * A music folder as a DAAP database (spec daap.md §11.1, §11.6): a scan builds the items (tags
 * through `readTrackTags`), the folder and each sub-folder become containers, and a watcher turns
 * changes into revisions, debounced by one second so a bulk copy becomes one revision. Ids are
 * kept by path in a JSON file outside the music folder, so they survive restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Database, Id, Item, MediaProvider, Share } from '@loopcast/daap';
import { writeFileAtomic } from '../fs-atomic.js';
import { isSkip, scanMusicFolder, type FolderFile } from './folder-scan.js';
import { readTrackTags, type MusicFormat, type TrackTags } from './read-tags.js';
import { newPersistentId } from './add-track.js';
import { libraryMedia } from './media-provider.js';
import { tagColumns } from './track-columns.js';
import { trackItem, type TrackRow } from './track-item.js';

export interface LibraryIds {
  sharePersistentId: string;
  databasePersistentId: string;
  nextId: number;
  files: Record<string, { id: number; persistentId: string }>;
}

export function loadIds(path: string): LibraryIds {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as LibraryIds;
  return {
    sharePersistentId: newPersistentId(),
    databasePersistentId: newPersistentId(),
    nextId: 1,
    files: {},
  };
}

/** The item of a folder file, through the same row mapping the main share uses. */
export function folderItem(
  root: string,
  id: number,
  persistentId: string,
  file: FolderFile,
  tags: TrackTags,
): Item {
  const now = new Date(file.mtimeMs).toISOString();
  const row: TrackRow = {
    id,
    persistent_id: persistentId,
    source: 'folder',
    blob_id: null,
    blob_key: null,
    folder_path: file.rel,
    file_name: basename(file.rel),
    size: file.size,
    file_mtime: now,
    sha256: '',
    ...tagColumns(tags),
    artwork_sha256: null,
    artwork_mime: tags.artwork?.mime ?? null,
    artwork_width: null,
    artwork_height: null,
    created_at: now,
    updated_at: now,
  };
  return trackItem(row, root);
}

export class FolderLibrary {
  private readonly database: Database;
  private readonly containerOf = new Map<string, Id>();
  private readonly known = new Map<string, { mtimeMs: number; size: number; id: number }>();
  private nextContainerId = 2;

  constructor(
    private readonly share: Share,
    readonly root: string,
    private readonly idsPath: string,
    private readonly ids: LibraryIds,
    private readonly formats: ReadonlySet<MusicFormat>,
    private readonly note: (message: string) => void,
  ) {
    this.database = share.addDatabase({
      id: 1,
      name: share.name,
      persistentId: BigInt(ids.databasePersistentId),
    });
  }

  get itemCount(): number {
    return this.database.items.size();
  }

  /** Media: the files themselves; artwork from their tags, read when a client asks. */
  media(): MediaProvider {
    return libraryMedia(null);
  }

  private idFor(rel: string): { id: number; persistentId: string } {
    let entry = this.ids.files[rel];
    if (!entry) {
      entry = { id: this.ids.nextId++, persistentId: newPersistentId() };
      this.ids.files[rel] = entry;
    }
    return entry;
  }

  /** One container per folder holding audio, nested like the folders. */
  private containerFor(relDir: string): Id {
    const existing = this.containerOf.get(relDir);
    if (existing !== undefined) return existing;
    const parent = relDir === '.' ? undefined : this.containerFor(dirname(relDir));
    const id = this.nextContainerId++;
    this.database.addContainer({
      id,
      name: relDir === '.' ? basename(this.root) : basename(relDir),
      ...(parent ? { parentId: parent } : {}),
    });
    this.containerOf.set(relDir, id);
    return id;
  }

  /** Scans the folder and commits the differences as one revision; returns the revision. */
  async rescan(): Promise<number> {
    const seen = new Set<string>();
    for await (const entry of scanMusicFolder(this.root, this.formats)) {
      if (isSkip(entry)) {
        if (entry.reason !== 'not a shared audio format') this.note(`skipped ${entry.rel}: ${entry.reason}`);
        continue;
      }
      seen.add(entry.rel);
      const before = this.known.get(entry.rel);
      if (before && before.mtimeMs === entry.mtimeMs && before.size === entry.size) continue;
      const { id, persistentId } = this.idFor(entry.rel);
      const tags = await readTrackTags(entry.path, basename(entry.rel));
      if (tags.tagError)
        this.note(`tags of ${entry.rel} unreadable (${tags.tagError}); shared with fallbacks`);
      this.database.items.put(folderItem(this.root, id, persistentId, entry, tags));
      if (!before) {
        const container = this.database.containers.get(this.containerFor(dirname(entry.rel)));
        container?.entries.append(id);
      }
      this.known.set(entry.rel, { mtimeMs: entry.mtimeMs, size: entry.size, id });
    }
    for (const [rel, info] of [...this.known]) {
      if (seen.has(rel)) continue;
      this.database.items.delete(info.id);
      this.known.delete(rel);
    }
    writeFileAtomic(this.idsPath, JSON.stringify(this.ids, null, 1));
    return this.share.update();
  }
}
