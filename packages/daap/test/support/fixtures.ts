// A small share used by the unit tests and the replays.

import { Share } from '../../src/model/share.js';
import type { Item } from '../../src/model/item.js';
import { MemoryMedia } from '../../src/media/file-media.js';

/** A deterministic fake "audio" file: an ID3 header followed by patterned bytes. */
export function audioBytes(id: number, size = 1000): Buffer {
  const b = Buffer.alloc(size);
  b.write('ID3', 0, 'latin1');
  for (let i = 3; i < size; i++) b[i] = (i * 7 + id) & 0xff;
  return b;
}

/** A 1×1 PNG. */
export const PNG_1x1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

export const QUERY_ITEMS: Item[] = [
  {
    id: 101,
    name: 'Intro',
    artist: 'Alpha Band',
    album: 'First Light',
    genre: 'Rock',
    year: 2001,
    albumId: 1034227734086706124n,
    extendedMediaKind: 1,
  },
  {
    id: 102,
    name: 'Second Song',
    artist: 'Alpha Band',
    album: 'First Light',
    genre: 'Rock',
    year: 2001,
    albumId: 1034227734086706124n,
    extendedMediaKind: 1,
  },
  {
    id: 103,
    name: 'Bedtime',
    artist: 'Story Teller',
    album: 'Tales',
    genre: "Kid's Audiobooks",
    year: 1999,
    albumId: 7n,
    extendedMediaKind: 8,
  },
  { id: 104, name: 'Hymn', album: 'Chants', genre: 'Choral', year: 2010, albumId: 9n, extendedMediaKind: 1 },
  {
    id: 105,
    name: 'Clip',
    artist: 'DJ CFBNK Crew',
    album: 'Clips',
    genre: 'Electronic',
    year: 2020,
    albumId: 11n,
    extendedMediaKind: 32,
  },
  {
    id: 106,
    name: 'Remix',
    artist: 'The Cfbnk',
    album: 'Mixes',
    genre: 'Electronic',
    year: 2021,
    albumId: 12n,
    extendedMediaKind: 1,
  },
];

export function demoShare(name = 'Loopcast Music', size = 1000): { share: Share; media: MemoryMedia } {
  const share = new Share({ name, persistentId: 0x0123456789abcdefn });
  const db = share.addDatabase({ id: 1, name });
  const items: Item[] = [
    {
      id: 11,
      name: 'Alpha',
      artist: 'Ann',
      album: 'One',
      trackNumber: 1,
      year: 2020,
      format: 'mp3',
      size,
      durationMs: 1000,
      genre: 'Pop',
      codec: 'mpeg',
      hasArtwork: true,
    },
    {
      id: 12,
      name: 'Beta',
      artist: 'Ann',
      album: 'One',
      trackNumber: 2,
      year: 2020,
      format: 'mp3',
      size,
      durationMs: 2000,
      genre: 'Pop',
      codec: 'mpeg',
    },
    {
      id: 13,
      name: 'Gamma',
      artist: 'Bob',
      album: 'Two',
      trackNumber: 7,
      year: 1999,
      format: 'm4a',
      size,
      durationMs: 3000,
      genre: 'Jazz',
      codec: 'mp4a',
    },
    {
      id: 14,
      name: 'Écho',
      artist: 'Cée',
      album: 'Three',
      trackNumber: 3,
      year: 2001,
      format: 'mp3',
      size,
      durationMs: 4000,
      genre: 'Rock',
    },
  ];
  for (const it of items) db.items.put(it);
  const fav = db.addContainer({ id: 2, name: 'Favourites' });
  fav.entries.append(13);
  fav.entries.append(11);
  fav.entries.append(13);
  db.addContainer({ id: 3, name: 'Empty', parentId: 2 });
  share.update();
  const media = new MemoryMedia(
    (ctx) => audioBytes(ctx.item.id, size),
    (ctx) => (ctx.item.hasArtwork ? PNG_1x1 : undefined),
  );
  return { share, media };
}
