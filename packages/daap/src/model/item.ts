// Item records (daap.md §5.1). Records are immutable values: an edit replaces the record.

import { createHash } from 'node:crypto';
import { codeByName, codeInfo } from '../dmap/registry.js';

export type Id = number; // 1 … 2^31−1 (§2.3)
export type PersistentId = bigint; // 1 … 2^63−1 (§2.3)

export const MAX_ID = 0x7fffffff;
export const MAX_PERSISTENT_ID = (1n << 63n) - 1n;

export type ExtraValue = string | number | bigint | Date;

export interface Item {
  readonly id: Id;
  readonly kind?: number;
  readonly name: string;
  readonly persistentId?: PersistentId;
  readonly album?: string;
  readonly artist?: string;
  readonly albumArtist?: string;
  readonly genre?: string;
  readonly composer?: string;
  readonly comment?: string;
  readonly grouping?: string;
  readonly year?: number;
  readonly trackNumber?: number;
  readonly trackCount?: number;
  readonly discNumber?: number;
  readonly discCount?: number;
  readonly durationMs?: number;
  readonly size?: number;
  readonly bitrate?: number;
  readonly sampleRate?: number;
  readonly format?: string;
  readonly description?: string;
  readonly codec?: string;
  readonly dateAdded?: Date;
  readonly dateModified?: Date;
  readonly dateReleased?: Date;
  readonly compilation?: boolean;
  readonly rating?: number;
  readonly bpm?: number;
  readonly disabled?: boolean;
  readonly dataKind?: 0 | 1;
  readonly dataUrl?: string;
  readonly startMs?: number;
  readonly stopMs?: number;
  readonly relativeVolume?: number;
  readonly normVolume?: number;
  readonly eqPreset?: string;
  readonly sortName?: string;
  readonly sortArtist?: string;
  readonly sortAlbum?: string;
  readonly sortAlbumArtist?: string;
  readonly sortComposer?: string;
  readonly mediaKind?: number;
  readonly extendedMediaKind?: number;
  readonly hasVideo?: boolean;
  readonly albumId?: PersistentId;
  readonly artistId?: PersistentId;
  readonly hasArtwork?: boolean;
  /** Content-Type for streaming; not sent in DMAP */
  readonly mime?: string;
  /** opaque handle for the media provider; not sent */
  readonly source?: unknown;
  /** any other listed code, keyed by code or dotted name */
  readonly extra?: Readonly<Record<string, ExtraValue>>;
}

export function checkId(id: unknown, what = 'id'): asserts id is Id {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) {
    throw new RangeError(`${what} must be an integer in 1…2^31−1, got ${String(id)}`);
  }
}

export function checkPersistentId(p: unknown, what = 'persistentId'): void {
  if (typeof p !== 'bigint' || p < 1n || p > MAX_PERSISTENT_ID) {
    throw new RangeError(`${what} must be a bigint in 1…2^63−1, got ${String(p)}`);
  }
}

const FREEZE = process.env.NODE_ENV !== 'production';

/** Validate and (outside production) freeze an item before it enters a store. */
export function checkItem(item: Item): Item {
  checkId(item.id, 'item id');
  if (typeof item.name !== 'string') throw new TypeError(`item ${item.id}: name must be a string`);
  if (item.persistentId !== undefined) checkPersistentId(item.persistentId);
  if (item.albumId !== undefined) checkPersistentId(item.albumId, 'albumId');
  if (item.artistId !== undefined) checkPersistentId(item.artistId, 'artistId');
  if (item.extra) {
    for (const k of Object.keys(item.extra)) {
      const c = codeInfo(k) ?? codeByName(k);
      if (!c || !c.listed || c.type === 'decode-only' || c.type === 12) {
        throw new RangeError(`item ${item.id}: extra key ${k} is not a listed scalar content code`);
      }
    }
  }
  return FREEZE ? Object.freeze(item) : item;
}

/** First 63 bits of SHA-256, never 0 (§8, §11.3). */
export function hash63(...parts: string[]): PersistentId {
  const h = createHash('sha256');
  parts.forEach((p, i) => {
    if (i > 0) h.update('\0');
    h.update(p);
  });
  const v = h.digest().readBigUInt64BE(0) >> 1n;
  return v === 0n ? 1n : v;
}

// Derived ids are cached by their source text (no string building on a hit): many items share
// an album or an artist.
const albumIds = new Map<string, Map<string, PersistentId>>();
const artistIds = new Map<string, PersistentId>();

export function persistentIdOf(item: Item): PersistentId {
  return item.persistentId ?? BigInt(item.id);
}

/** albumId, derived from album artist (or artist) and album when the provider gives none. */
export function albumIdOf(item: Item): PersistentId | undefined {
  if (item.albumId !== undefined) return item.albumId;
  if (!item.album) return undefined;
  const who = item.albumArtist ?? item.artist ?? '';
  let inner = albumIds.get(who);
  let v = inner?.get(item.album);
  if (v === undefined) {
    v = hash63(who.toLowerCase(), item.album.toLowerCase());
    if (albumIds.size > 100_000) albumIds.clear();
    if (!inner) albumIds.set(who, (inner = new Map<string, PersistentId>()));
    inner.set(item.album, v);
  }
  return v;
}

export function artistIdOf(item: Item): PersistentId | undefined {
  if (item.artistId !== undefined) return item.artistId;
  if (!item.artist) return undefined;
  let v = artistIds.get(item.artist);
  if (v === undefined) {
    v = hash63(item.artist.toLowerCase());
    if (artistIds.size > 100_000) artistIds.clear();
    artistIds.set(item.artist, v);
  }
  return v;
}
