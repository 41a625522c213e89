/**
 * iTunes-style metadata of music files (moov/udta/meta/ilst, the layout iTunes and every
 * tagger write into MPEG-4 audio, 14496-14): read the fields the music library needs, and
 * write them back. Writing changes the moov size; when the media data follows the moov, every
 * stco/co64 chunk offset (ISO/IEC 14496-12 §8.7.5) moves by the same amount.
 */
import { Box, parseBoxes } from './box.js';
import { co64, stco } from './boxes/chunk-offsets.js';
import { DATA_TYPE, ITEM, data } from './boxes/itunes-items.js';
import { hdlr } from './boxes/media-header.js';
import { meta } from './boxes/meta.js';
import { containerEntries } from './boxes/containers.js';
import { itunesEntries } from './boxes/itunes-items.js';
import { BmffError } from './errors.js';
import { serializeBoxes } from './writer.js';
import { ID3_GENRES } from './id3-genres.js';

export interface CoverArt {
  mimeType: 'image/jpeg' | 'image/png' | 'application/octet-stream';
  data: Buffer;
}

export interface ItunesMetadata {
  title?: string;
  artist?: string;
  albumArtist?: string;
  album?: string;
  trackNumber?: number;
  trackCount?: number;
  discNumber?: number;
  discCount?: number;
  /** As stored (©day is free text, usually a year or an ISO date). */
  year?: string;
  genre?: string;
  compilation?: boolean;
  coverArt?: CoverArt;
}

const TEXT_FIELDS = [
  ['title', ITEM.title],
  ['artist', ITEM.artist],
  ['albumArtist', ITEM.albumArtist],
  ['album', ITEM.album],
  ['year', ITEM.year],
] as const;

/** The ilst box of a file's moov, if any. */
function findIlst(moov: Box): Box | undefined {
  return moov.find('udta/meta/ilst') ?? moov.find('meta/ilst');
}

function values(item: Box | undefined): { type: number; value: Buffer }[] {
  if (!item) return [];
  return item.all('data').map((d) => {
    const f = d.get(data);
    return { type: f.typeIndicator & 0xffffff, value: f.value };
  });
}

function text(item: Box | undefined): string | undefined {
  const v = values(item)[0];
  if (!v) return undefined;
  return v.type === DATA_TYPE.utf16 ? v.value.swap16().toString('utf16le') : v.value.toString('utf8');
}

function pair(item: Box | undefined): [number, number] | undefined {
  const v = values(item)[0]?.value;
  if (!v || v.length < 6) return undefined;
  return [v.readUInt16BE(2), v.readUInt16BE(4)];
}

function intValue(v: Buffer): number {
  let n = 0;
  for (const b of v.subarray(0, 6)) n = n * 256 + b;
  return n;
}

/** Reads the metadata of a whole MP4/M4A file held in memory. */
export function readItunesMetadata(file: Buffer): ItunesMetadata {
  const moov = parseBoxes(file).find((b) => b.type === 'moov');
  if (!moov) throw new BmffError('parse', 'no moov box');
  return readItunesMetadataFromMoov(moov);
}

export function readItunesMetadataFromMoov(moov: Box): ItunesMetadata {
  const out: ItunesMetadata = {};
  const ilst = findIlst(moov);
  if (!ilst) return out;
  for (const [key, type] of TEXT_FIELDS) {
    const s = text(ilst.child(type));
    if (s !== undefined) out[key] = s;
  }
  const genre = text(ilst.child(ITEM.genre));
  if (genre !== undefined) out.genre = genre;
  else {
    const g = values(ilst.child(ITEM.genreId))[0]?.value;
    // gnre holds the ID3v1 genre number plus one
    if (g && g.length >= 2) {
      const name = ID3_GENRES[g.readUInt16BE(0) - 1];
      if (name) out.genre = name;
    }
  }
  const trk = pair(ilst.child(ITEM.track));
  if (trk) {
    if (trk[0]) out.trackNumber = trk[0];
    if (trk[1]) out.trackCount = trk[1];
  }
  const disk = pair(ilst.child(ITEM.disc));
  if (disk) {
    if (disk[0]) out.discNumber = disk[0];
    if (disk[1]) out.discCount = disk[1];
  }
  const cpil = values(ilst.child(ITEM.compilation))[0]?.value;
  if (cpil && cpil.length) out.compilation = intValue(cpil) !== 0;
  const cover = values(ilst.child(ITEM.cover))[0];
  if (cover && cover.value.length) {
    const mimeType =
      cover.type === DATA_TYPE.png
        ? 'image/png'
        : cover.type === DATA_TYPE.jpeg
          ? 'image/jpeg'
          : sniff(cover.value);
    out.coverArt = { mimeType, data: cover.value };
  }
  return out;
}

function sniff(b: Buffer): CoverArt['mimeType'] {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b.toString('latin1', 1, 4) === 'PNG') return 'image/png';
  return 'application/octet-stream';
}

const entryOf = (type: string) => {
  const e = [...containerEntries, ...itunesEntries].find((x) => x.type === type);
  if (!e) throw new Error(`no registry entry for '${type}'`);
  return e;
};

function dataBox(typeIndicator: number, value: Buffer): Box {
  return Box.create(data, { typeIndicator, locale: 0, value });
}

function item(type: string, d: Box): Box {
  return Box.create(entryOf(type) as never, {} as never, [d]);
}

function u16pair(a: number, b: number): Buffer {
  const v = Buffer.alloc(8);
  v.writeUInt16BE(a, 2);
  v.writeUInt16BE(b, 4);
  return v;
}

/**
 * Sets the given fields (undefined leaves a field as it is, null removes it) and returns the
 * new file. Other items and all other boxes are kept byte for byte.
 */
export function writeItunesMetadata(
  file: Buffer,
  changes: { [K in keyof ItunesMetadata]?: ItunesMetadata[K] | null },
): Buffer {
  const boxes = parseBoxes(file);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) throw new BmffError('parse', 'no moov box');
  const oldMoovSize = moov.originalSize;
  const ilst = ensureIlst(moov);
  const set = (type: string, box: Box | null): void => {
    ilst.removeAll(type);
    if (box) ilst.insert(box);
  };
  for (const [key, type] of TEXT_FIELDS) {
    const v = changes[key];
    if (v !== undefined)
      set(type, v === null ? null : item(type, dataBox(DATA_TYPE.utf8, Buffer.from(v, 'utf8'))));
  }
  if (changes.genre !== undefined) {
    ilst.removeAll(ITEM.genreId);
    set(
      ITEM.genre,
      changes.genre === null
        ? null
        : item(ITEM.genre, dataBox(DATA_TYPE.utf8, Buffer.from(changes.genre, 'utf8'))),
    );
  }
  if (changes.trackNumber !== undefined || changes.trackCount !== undefined) {
    const cur = pair(ilst.child(ITEM.track)) ?? [0, 0];
    const n = changes.trackNumber === undefined ? cur[0] : (changes.trackNumber ?? 0);
    const c = changes.trackCount === undefined ? cur[1] : (changes.trackCount ?? 0);
    set(ITEM.track, n || c ? item(ITEM.track, dataBox(DATA_TYPE.binary, u16pair(n, c))) : null);
  }
  if (changes.discNumber !== undefined || changes.discCount !== undefined) {
    const cur = pair(ilst.child(ITEM.disc)) ?? [0, 0];
    const n = changes.discNumber === undefined ? cur[0] : (changes.discNumber ?? 0);
    const c = changes.discCount === undefined ? cur[1] : (changes.discCount ?? 0);
    set(ITEM.disc, n || c ? item(ITEM.disc, dataBox(DATA_TYPE.binary, u16pair(n, c).subarray(0, 6))) : null);
  }
  if (changes.compilation !== undefined) {
    set(
      ITEM.compilation,
      changes.compilation === null
        ? null
        : item(ITEM.compilation, dataBox(DATA_TYPE.int, Buffer.from([changes.compilation ? 1 : 0]))),
    );
  }
  if (changes.coverArt !== undefined) {
    const c = changes.coverArt;
    const type = c?.mimeType === 'image/png' ? DATA_TYPE.png : DATA_TYPE.jpeg;
    set(ITEM.cover, c === null ? null : item(ITEM.cover, dataBox(type, c.data)));
  }
  if (!moov.dirty) return file;
  const moovSize = serializeBoxes([moov]).length;
  const delta = moovSize - oldMoovSize;
  if (delta !== 0) shiftChunkOffsets(boxes, moov, delta);
  return serializeBoxes(boxes);
}

/** Moves chunk offsets that point past the moov (media data after it) by `delta`. */
function shiftChunkOffsets(boxes: readonly Box[], moov: Box, delta: number): void {
  const moovEnd = moov.offset + moov.originalSize;
  for (const trak of moov.all('trak')) {
    const stbl = trak.find('mdia/minf/stbl');
    if (!stbl) continue;
    for (const b of stbl.all('stco'))
      b.update(stco, (f) => void (f.offsets = f.offsets.map((o) => (o >= moovEnd ? o + delta : o))));
    for (const b of stbl.all('co64'))
      b.update(co64, (f) => void (f.offsets = f.offsets.map((o) => (o >= moovEnd ? o + delta : o))));
  }
  void boxes;
}

function ensureIlst(moov: Box): Box {
  const existing = findIlst(moov);
  if (existing) return existing;
  let udta = moov.child('udta');
  if (!udta) {
    udta = Box.create(entryOf('udta') as never, {} as never);
    moov.insert(udta);
  }
  let m = udta.child('meta');
  if (!m) {
    const h = Box.create(hdlr, {
      version: 0,
      flags: 0,
      preDefined: 0,
      handlerType: 'mdir',
      reserved: Buffer.from('appl').toString('hex').padEnd(24, '0'),
      name: '',
      nameTerminated: true,
    });
    m = Box.create(meta, { version: 0, flags: 0 }, [h]);
    udta.insert(m);
  }
  const ilst = Box.create(entryOf('ilst') as never, {} as never);
  m.insert(ilst);
  return ilst;
}
