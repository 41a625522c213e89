/**
 * A music_tracks row as a DAAP item (spec daap.md §11.3): tags, audio facts and the format
 * fields (asfm, ascd, asdt) by format; the blob key travels as the item's opaque source.
 */
import { join } from 'node:path';
import type { Item } from '@loopcast/daap';
import { toBool } from '../storage/dialect.js';
import type { MusicTracksTable } from '../storage/schema.js';
import type { Selectable } from 'kysely';

export type TrackRow = Selectable<MusicTracksTable> & { blob_key: string | null };

export interface TrackSource {
  /** Blob of a demo or uploaded track; empty for folder tracks. */
  blobKey: string;
  /** Absolute path of a watched-folder track, else null. */
  folderPath: string | null;
  artworkKey: string | null;
  artworkMime: 'image/jpeg' | 'image/png' | null;
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

const ARTWORK_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

export function trackItem(row: TrackRow, musicRoot: string | null = null): Item {
  const optional = <K extends keyof Item>(key: K, value: Item[K] | null | undefined): Partial<Item> =>
    value === null || value === undefined || value === '' ? {} : { [key]: value };
  const artworkMime =
    row.artwork_mime === 'image/jpeg' || row.artwork_mime === 'image/png' ? row.artwork_mime : null;
  const source: TrackSource = {
    blobKey: row.blob_key ?? '',
    folderPath: row.folder_path && musicRoot ? join(musicRoot, ...row.folder_path.split('/')) : null,
    artworkKey:
      row.artwork_sha256 && artworkMime ? `artwork/${row.artwork_sha256}.${ARTWORK_EXT[artworkMime]}` : null,
    artworkMime,
  };
  return {
    id: row.id,
    name: row.title,
    persistentId: BigInt(row.persistent_id),
    ...optional('artist', row.artist),
    ...optional('albumArtist', row.album_artist),
    ...optional('album', row.album),
    ...optional('genre', row.genre),
    ...optional('composer', row.composer),
    ...optional('comment', row.comment),
    ...optional('year', row.year),
    ...optional('trackNumber', row.track_number),
    ...optional('trackCount', row.track_count),
    ...optional('discNumber', row.disc_number),
    ...optional('discCount', row.disc_count),
    ...optional('durationMs', row.duration_ms),
    ...optional('bitrate', row.bitrate_kbps),
    ...optional('sampleRate', row.sample_rate),
    ...optional('bpm', row.bpm),
    ...optional('sortName', row.sort_title),
    ...optional('sortArtist', row.sort_artist),
    ...optional('sortAlbumArtist', row.sort_album_artist),
    ...optional('sortAlbum', row.sort_album),
    ...optional('sortComposer', row.sort_composer),
    size: row.size,
    format: row.format,
    codec: row.codec_fourcc,
    description: DESCRIPTIONS[row.codec_fourcc] ?? 'audio file',
    compilation: toBool(row.compilation),
    dateAdded: new Date(row.created_at),
    dateModified: new Date(row.file_mtime ?? row.updated_at),
    hasArtwork: source.artworkKey !== null || (source.folderPath !== null && artworkMime !== null),
    mime: row.mime_type,
    source,
  };
}

/** Order of a source container (daap.md §11.1): album artist, album, disc, track. */
export function albumOrder(a: TrackRow, b: TrackRow): number {
  const text = (r: TrackRow) => [
    (r.album_artist ?? r.artist ?? '').toLowerCase(),
    (r.album ?? '').toLowerCase(),
  ];
  const [aa, al] = text(a);
  const [ba, bl] = text(b);
  return (
    (aa ?? '').localeCompare(ba ?? '') ||
    (al ?? '').localeCompare(bl ?? '') ||
    (a.disc_number ?? 0) - (b.disc_number ?? 0) ||
    (a.track_number ?? 0) - (b.track_number ?? 0) ||
    a.id - b.id
  );
}
