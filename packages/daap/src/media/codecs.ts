// What a client can play, and the per-codec-class view of items that transcoding clients list
// (daap.md §9.4). The rule is OwnTone's: `Accept-Codecs` if the client sends it, else its
// User-Agent; Apple's players play mpeg, mp4a, mp4v, alac and wav, every other client (GStreamer
// in Rhythmbox, Amarok, Banshee) is taken to play anything.

import type { Item } from '../model/item.js';
import type { TranscodeTarget } from './types.js';

/** What iTunes, Music.app, QuickTime, Front Row and AppleCoreMedia play (§9.4). */
export const APPLE_CODECS: readonly string[] = Object.freeze(['alac', 'mp4a', 'mp4v', 'mpeg', 'wav']);

/**
 * User-Agent prefixes of Apple's players. "Music/" keeps its slash because the bare word is too
 * generic (OwnTone does the same); Front Row sends its name percent-encoded.
 */
const APPLE_AGENTS: readonly string[] = [
  'iTunes',
  'Music/',
  'QuickTime',
  'Front Row',
  'Front%20Row',
  'AppleCoreMedia',
];

/**
 * libdmapsharing (Rhythmbox's engine) hard-codes iTunes 4.6's User-Agent on every request, its
 * play URLs included (§7.4), yet plays through GStreamer, which decodes FLAC and Ogg. Real
 * iTunes 4.6 is twenty years gone; the libdmapsharing shape is what sends this string today, so it
 * is a client that plays anything (the FLAC bytes unchanged, daap.md §11.1).
 */
const LIBDMAPSHARING_AGENT = 'iTunes/4.6 (Windows; N)';

/** A client's codec class: the codecs it plays, and a key for caching listings per class. */
export interface CodecClass {
  /** normalised FourCCs (lower case, no padding) */
  readonly codecs: ReadonlySet<string>;
  /** the sorted codec list: identical sets share listings and cache entries */
  readonly key: string;
}

const classes = new Map<string, CodecClass>();

function classOf(codecs: Iterable<string>): CodecClass | undefined {
  const set = [...new Set([...codecs].map(normaliseCodec).filter((c) => c !== ''))].sort();
  if (set.length === 0) return undefined;
  const key = set.join(',');
  let c = classes.get(key);
  if (!c) {
    c = Object.freeze({ codecs: new Set(set), key });
    // Bounded: Accept-Codecs is client input.
    if (classes.size < 256) classes.set(key, c);
  }
  return c;
}

/** `ascd` FourCCs are padded to four bytes (`wav `); Accept-Codecs lists them bare (`wav`). */
export function normaliseCodec(codec: string): string {
  return codec.trim().toLowerCase();
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The codec class of a request (§9.4), or undefined for a client that plays anything. Header
 * names are lower case, as Node gives them.
 */
export function clientCodecs(headers: Headers): CodecClass | undefined {
  const accept = header(headers, 'accept-codecs');
  if (accept !== undefined && accept.trim() !== '') return classOf(accept.split(','));
  const ua = header(headers, 'user-agent')?.trim();
  if (ua === undefined || ua === LIBDMAPSHARING_AGENT) return undefined;
  return APPLE_AGENTS.some((p) => ua.startsWith(p)) ? classOf(APPLE_CODECS) : undefined;
}

/** True when the client plays the item as stored. An item without `ascd` is sent as it is. */
export function playable(cls: CodecClass | undefined, codec: string | undefined): boolean {
  if (cls === undefined || codec === undefined || codec.trim() === '') return true;
  return cls.codecs.has(normaliseCodec(codec));
}

/** The item as a transcoding client lists it: the target's asfm, ascd, asdt, asbr and assz. */
export function targetItem(item: Item, target: TranscodeTarget): Item {
  const { size: _size, bitrate: _bitrate, ...rest } = item;
  return {
    ...rest,
    format: target.format,
    codec: target.codec,
    description: target.description,
    mime: target.mime,
    ...(target.bitrate !== undefined ? { bitrate: target.bitrate } : {}),
    // An unknown estimate is no size at all: the source's size would be wrong (§5.1).
    ...(target.size !== undefined ? { size: target.size } : {}),
  };
}

/**
 * Per-class item views for one handler: records are immutable (§4.1), so a view is computed once
 * per record and class and then shares the encoders' per-record block caches (§6.1).
 */
export class CodecViews {
  private readonly views = new WeakMap<Item, Map<string, Item>>();

  constructor(
    private readonly targetOf: (item: Item, codecs: ReadonlySet<string>) => TranscodeTarget | undefined,
  ) {}

  /** The record as this class lists it: itself when playable or not transcodable. */
  view(item: Item, cls: CodecClass): Item {
    if (playable(cls, item.codec)) return item;
    let m = this.views.get(item);
    let v = m?.get(cls.key);
    if (v === undefined) {
      const target = this.targetOf(item, cls.codecs);
      v = target && cls.codecs.has(normaliseCodec(target.codec)) ? targetItem(item, target) : item;
      if (!m) this.views.set(item, (m = new Map<string, Item>()));
      m.set(cls.key, v);
    }
    return v;
  }

  /** The target the listings of this class show for the item, if it is transcoded for it. */
  target(item: Item, cls: CodecClass | undefined): TranscodeTarget | undefined {
    if (cls === undefined || playable(cls, item.codec)) return undefined;
    const target = this.targetOf(item, cls.codecs);
    return target && cls.codecs.has(normaliseCodec(target.codec)) ? target : undefined;
  }
}
