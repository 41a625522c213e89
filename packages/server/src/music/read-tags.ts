/**
 * Tags and audio facts of a music file (spec daap.md §11.3): MP4/M4A tags through the MP4 toolkit's
 * ilst reader, ID3 and the other formats through music-metadata, which also supplies duration,
 * bitrate, sample rate and channels. Strings are NFC-normalised and trimmed; missing names fall back
 * to the file name.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { readItunesMetadata, type ItunesMetadata } from '@loopcast/bmff';
import type { IAudioMetadata } from 'music-metadata';

export type MusicFormat = 'mp3' | 'm4a' | 'flac' | 'ogg' | 'wav';

export interface TrackTags {
  format: MusicFormat;
  mimeType: string;
  codecFourcc: string;
  title: string;
  artist: string | null;
  albumArtist: string | null;
  album: string | null;
  composer: string | null;
  genre: string | null;
  year: number | null;
  trackNumber: number | null;
  trackCount: number | null;
  discNumber: number | null;
  discCount: number | null;
  compilation: boolean;
  comment: string | null;
  bpm: number | null;
  sortTitle: string | null;
  sortArtist: string | null;
  sortAlbumArtist: string | null;
  sortAlbum: string | null;
  sortComposer: string | null;
  durationMs: number | null;
  bitrateKbps: number | null;
  sampleRate: number | null;
  channels: number | null;
  artwork: { mime: string; data: Buffer } | null;
  /** Why tags could not be read; the track is still shared with fallbacks. */
  tagError: string | null;
}

const FORMATS: Record<string, { format: MusicFormat; mimeType: string; codecFourcc: string }> = {
  '.mp3': { format: 'mp3', mimeType: 'audio/mpeg', codecFourcc: 'mpeg' },
  '.m4a': { format: 'm4a', mimeType: 'audio/mp4', codecFourcc: 'mp4a' },
  '.mp4': { format: 'm4a', mimeType: 'audio/mp4', codecFourcc: 'mp4a' },
  '.flac': { format: 'flac', mimeType: 'audio/flac', codecFourcc: 'flac' },
  '.ogg': { format: 'ogg', mimeType: 'audio/ogg', codecFourcc: 'vorb' },
  '.oga': { format: 'ogg', mimeType: 'audio/ogg', codecFourcc: 'vorb' },
  '.opus': { format: 'ogg', mimeType: 'audio/ogg', codecFourcc: 'opus' },
  '.wav': { format: 'wav', mimeType: 'audio/wav', codecFourcc: 'wav ' },
};

export const musicFormatOf = (fileName: string) => FORMATS[extname(fileName).toLowerCase()] ?? null;

const clean = (value: string | undefined | null): string | null => {
  const text = value?.normalize('NFC').trim();
  return text ? text : null;
};
const positive = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : null;

export async function readTrackTags(path: string, fileName = basename(path)): Promise<TrackTags> {
  const kind = musicFormatOf(fileName);
  if (!kind) throw new Error(`unsupported music file type ${extname(fileName) || '(none)'}`);
  let meta: IAudioMetadata | null = null;
  let tagError: string | null = null;
  try {
    // Loaded on first use: most starts never read a music file.
    const { parseFile } = await import('music-metadata');
    meta = await parseFile(path, { duration: true, skipCovers: false });
  } catch (err) {
    tagError = (err as Error).message.slice(0, 500);
  }
  let ilst: ItunesMetadata = {};
  if (kind.format === 'm4a') {
    try {
      ilst = readItunesMetadata(await readFile(path));
    } catch (err) {
      tagError ??= (err as Error).message.slice(0, 500);
    }
  }
  const common = meta?.common;
  const codec = meta?.format.codec?.toLowerCase() ?? '';
  const codecFourcc =
    kind.format === 'm4a' && codec.includes('alac')
      ? 'alac'
      : kind.format === 'ogg' && codec.includes('opus')
        ? 'opus'
        : kind.codecFourcc;
  const picture = common?.picture?.find((p) => /front/i.test(p.type ?? '')) ?? common?.picture?.[0];
  const artwork = ilst.coverArt
    ? { mime: ilst.coverArt.mimeType, data: ilst.coverArt.data }
    : picture
      ? {
          mime: picture.format.includes('/') ? picture.format : `image/${picture.format}`,
          data: Buffer.from(picture.data),
        }
      : null;
  const year = ilst.year ? Number(ilst.year.slice(0, 4)) : common?.year;
  return {
    ...kind,
    codecFourcc,
    title:
      clean(ilst.title) ?? clean(common?.title) ?? basename(fileName, extname(fileName)).normalize('NFC'),
    artist: clean(ilst.artist) ?? clean(common?.artist),
    albumArtist: clean(ilst.albumArtist) ?? clean(common?.albumartist),
    album: clean(ilst.album) ?? clean(common?.album),
    composer: clean(common?.composer?.[0]),
    genre: clean(ilst.genre) ?? clean(common?.genre?.[0]),
    year: positive(year),
    trackNumber: positive(ilst.trackNumber ?? common?.track.no),
    trackCount: positive(ilst.trackCount ?? common?.track.of),
    discNumber: positive(ilst.discNumber ?? common?.disk.no),
    discCount: positive(ilst.discCount ?? common?.disk.of),
    compilation: ilst.compilation ?? common?.compilation ?? false,
    comment: clean(common?.comment?.[0]?.text),
    bpm: positive(common?.bpm),
    sortTitle: clean(common?.titlesort),
    sortArtist: clean(common?.artistsort),
    sortAlbumArtist: clean(common?.albumartistsort),
    sortAlbum: clean(common?.albumsort),
    sortComposer: clean(common?.composersort),
    durationMs: positive(meta?.format.duration ? meta.format.duration * 1000 : null),
    bitrateKbps: positive(meta?.format.bitrate ? meta.format.bitrate / 1000 : null),
    sampleRate: positive(meta?.format.sampleRate),
    channels: positive(meta?.format.numberOfChannels),
    artwork,
    tagError,
  };
}
