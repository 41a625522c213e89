/**
 * A music folder as a DAAP database (spec daap.md §11.1, §11.6): a scan builds the items (tags
 * through `readTrackTags`), the folder and each sub-folder become containers, and a watcher turns
 * changes into revisions, debounced by one second so a bulk copy becomes one revision. Ids are
 * kept by path in a JSON file outside the music folder, so they survive restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { FileMedia, type Database, type Id, type Item, type MediaProvider, type Share } from '@loopcast/daap';
import { writeFileAtomic } from '../fs-atomic.js';
import { isSkip, scanMusicFolder, type FolderFile } from './folder-scan.js';
import { readTrackTags, type MusicFormat, type TrackTags } from './read-tags.js';
import { newPersistentId } from './add-track.js';

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

const DESCRIPTIONS: Record<string, string> = {
  mpeg: 'MPEG audio file',
  mp4a: 'AAC audio file',
  alac: 'Apple Lossless audio file',
  flac: 'FLAC audio file',
  vorb: 'Ogg audio file',
  opus: 'Ogg audio file',
  'wav ': 'WAV audio file',
};

export function tagsItem(id: number, persistentId: string, file: FolderFile, tags: TrackTags): Item {
  const some = <K extends keyof Item>(key: K, value: Item[K] | null): Partial<Item> =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    id,
    name: tags.title,
    persistentId: BigInt(persistentId),
    ...some('artist', tags.artist),
    ...some('albumArtist', tags.albumArtist),
    ...some('album', tags.album),
    ...some('genre', tags.genre),
    ...some('composer', tags.composer),
    ...some('comment', tags.comment),
    ...some('year', tags.year),
    ...some('trackNumber', tags.trackNumber),
    ...some('trackCount', tags.trackCount),
    ...some('discNumber', tags.discNumber),
    ...some('discCount', tags.discCount),
    ...some('durationMs', tags.durationMs),
    ...some('bitrate', tags.bitrateKbps),
    ...some('sampleRate', tags.sampleRate),
    ...some('bpm', tags.bpm),
    size: file.size,
    format: tags.format,
    codec: tags.codecFourcc,
    description: DESCRIPTIONS[tags.codecFourcc] ?? 'audio file',
    compilation: tags.compilation,
    dateModified: new Date(file.mtimeMs),
    hasArtwork: tags.artwork !== null,
    mime: tags.mimeType,
    source: file.path,
  };
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

  /** Media: the files themselves; artwork from the tags, read when a client asks. */
  media(): MediaProvider {
    const files = new FileMedia();
    return {
      item: (ctx) => files.item(ctx),
      artwork: async (ctx) => {
        const path = ctx.item.source;
        if (typeof path !== 'string') return undefined;
        const art = (await readTrackTags(path)).artwork;
        if (!art || (art.mime !== 'image/jpeg' && art.mime !== 'image/png')) return undefined;
        const mime: 'image/jpeg' | 'image/png' = art.mime;
        return { mime, bytes: () => Promise.resolve(art.data) };
      },
    };
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
      this.database.items.put(tagsItem(id, persistentId, entry, tags));
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
