/**
 * iTunes metadata items under moov/udta/meta/ilst: each item is a box named for its field
 * (©nam, ©ART, trkn, covr …) holding one or more `data` boxes (type indicator, locale,
 * value); freeform `----` items add `mean` and `name`. The layout is Apple's, carried in the
 * ISO user-data box (14496-12 §8.10.1, 14496-14).
 */
import { defineBox, readVF, writeVF, type BoxEntry, type FullBoxFields } from '../box-entry.js';
import type { NoFields } from './containers.js';

/** Well-known `data` type indicators. */
export const DATA_TYPE = { binary: 0, utf8: 1, utf16: 2, jpeg: 13, png: 14, int: 21, uint: 22 } as const;

export interface DataFields {
  /** Type indicator: the well-known type in the low 24 bits (see DATA_TYPE). */
  typeIndicator: number;
  locale: number;
  value: Buffer;
}

export const data = defineBox<DataFields>({
  type: 'data',
  name: 'iTunes metadata value',
  ref: 'iTunes metadata',
  example: { typeIndicator: 1, locale: 0, value: Buffer.from('Big Buck Bunny') },
  parse: (r) => ({ typeIndicator: r.u32(), locale: r.u32(), value: r.rest() }),
  write: (w, v) => void w.u32(v.typeIndicator).u32(v.locale).bytes(v.value),
  describe: (v) => ({
    ...v,
    value: (v.typeIndicator & 0xffffff) === DATA_TYPE.utf8 ? v.value.toString('utf8') : v.value,
  }),
});

export interface FreeformStringFields extends FullBoxFields {
  value: string;
}

function freeformString(type: string, name: string): BoxEntry<FreeformStringFields> {
  return defineBox<FreeformStringFields>({
    type,
    name,
    ref: 'iTunes metadata',
    example: { version: 0, flags: 0, value: type === 'mean' ? 'com.apple.iTunes' : 'iTunNORM' },
    parse: (r) => ({ ...readVF(r), value: r.rest().toString('utf8') }),
    write(w, v) {
      writeVF(w, v);
      w.cstring(v.value, false);
    },
  });
}

/** Item fourccs; © is byte 0xA9, read and written as latin1. */
export const ITEM = {
  title: '\xa9nam',
  artist: '\xa9ART',
  albumArtist: 'aART',
  album: '\xa9alb',
  year: '\xa9day',
  genre: '\xa9gen',
  genreId: 'gnre',
  track: 'trkn',
  disc: 'disk',
  compilation: 'cpil',
  cover: 'covr',
  comment: '\xa9cmt',
  composer: '\xa9wrt',
  encoder: '\xa9too',
  freeform: '----',
} as const;

function item(type: string, name: string): BoxEntry<NoFields> {
  return defineBox<NoFields>({
    type,
    name,
    ref: 'iTunes metadata',
    example: {},
    container: true,
    parse: () => ({}),
    write: () => undefined,
  });
}

export const itunesEntries: BoxEntry<never>[] = [
  item(ITEM.title, 'Title'),
  item(ITEM.artist, 'Artist'),
  item(ITEM.albumArtist, 'Album artist'),
  item(ITEM.album, 'Album'),
  item(ITEM.year, 'Year'),
  item(ITEM.genre, 'Genre'),
  item(ITEM.genreId, 'Genre (ID3 number)'),
  item(ITEM.track, 'Track number'),
  item(ITEM.disc, 'Disc number'),
  item(ITEM.compilation, 'Compilation'),
  item(ITEM.cover, 'Cover art'),
  item(ITEM.comment, 'Comment'),
  item(ITEM.composer, 'Composer'),
  item(ITEM.encoder, 'Encoder'),
  item(ITEM.freeform, 'Freeform item'),
  freeformString('mean', 'Freeform item namespace'),
  freeformString('name', 'Freeform item name'),
] as BoxEntry<never>[];
