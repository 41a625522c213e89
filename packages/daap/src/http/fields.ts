// `meta` handling and per-item encoding (daap.md §6.12–§6.14). Field sets are canonicalised
// from the registry, so `meta=a,b` and `meta=b,a` produce identical bytes and cache keys. Encoded
// item blocks are cached per record and field set (§6.1).

import type { ContentCode } from '../dmap/content-codes.js';
import {
  encodeFields,
  encoderInternals,
  wrapRaw,
  type CodeSpec,
  type DmapScalar,
  type Field,
} from '../dmap/encode.js';
import { codeByName, codeInfo, ITEM_FIELD_CODES } from '../dmap/registry.js';
import { albumIdOf, artistIdOf, type ExtraValue, type Item } from '../model/item.js';
import type { KeyKind, KeyMap, QueryRow, QueryValue } from './query.js';

export interface FieldSet {
  /** item-field codes in canonical order (never mikd/miid) */
  readonly codes: readonly string[];
  /** extra (non-field) listed codes requested by name, sorted */
  readonly extraCodes: readonly string[];
  readonly all: boolean;
  /** canonical cache key */
  readonly key: string;
}

/** Default item set of §6.12: all core. */
const DEFAULT_ITEM_NAMES = [
  'dmap.itemname',
  'dmap.persistentid',
  'daap.songalbum',
  'daap.songartist',
  'daap.songalbumartist',
  'daap.songgenre',
  'daap.songcomposer',
  'daap.songyear',
  'daap.songtracknumber',
  'daap.songtrackcount',
  'daap.songdiscnumber',
  'daap.songdisccount',
  'daap.songtime',
  'daap.songsize',
  'daap.songbitrate',
  'daap.songsamplerate',
  'daap.songformat',
  'daap.songdescription',
  'daap.songdateadded',
  'daap.songdatemodified',
  'daap.songcompilation',
  'daap.songdatakind',
  'daap.songdataurl',
  'com.apple.itunes.mediakind',
];

const ALWAYS = new Set(['mikd', 'miid']);
const ITEM_CODES = new Set(ITEM_FIELD_CODES.map((c) => c.code));
const setCache = new Map<string, FieldSet>();

function makeSet(codes: Set<string>, extra: Set<string>, all: boolean): FieldSet {
  const ordered = ITEM_FIELD_CODES.filter((c) => codes.has(c.code) && !ALWAYS.has(c.code)).map((c) => c.code);
  const ex = [...extra].sort();
  const key = all ? 'all' : `${ordered.join(',')}|${ex.join(',')}`;
  const hit = setCache.get(key);
  if (hit) return hit;
  const fs: FieldSet = Object.freeze({
    codes: Object.freeze(ordered),
    extraCodes: Object.freeze(ex),
    all,
    key,
  });
  if (setCache.size < 1000) setCache.set(key, fs);
  return fs;
}

export const ALL_ITEM_FIELDS: FieldSet = makeSet(new Set(ITEM_CODES), new Set(), true);
export const DEFAULT_ITEM_FIELDS: FieldSet = parseItemMeta(DEFAULT_ITEM_NAMES.join(','));

/** Split, look up by name or alias, skip unknown and decode-only names, ignore duplicates. */
export function lookupMeta(meta: string): ContentCode[] {
  const out: ContentCode[] = [];
  for (const raw of meta.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const c = codeByName(name) ?? codeInfo(name);
    if (!c || c.type === 'decode-only' || !c.listed) continue;
    out.push(c);
  }
  return out;
}

export function parseItemMeta(meta: string | undefined): FieldSet {
  if (meta === undefined) return DEFAULT_ITEM_FIELDS;
  if (meta.split(',').some((n) => n.trim() === 'all')) return ALL_ITEM_FIELDS;
  const codes = new Set<string>();
  const extra = new Set<string>();
  for (const c of lookupMeta(meta)) {
    if (ITEM_CODES.has(c.code)) codes.add(c.code);
    else if (c.type !== 12) extra.add(c.code);
  }
  return makeSet(codes, extra, false);
}

type Getter = (item: Item) => DmapScalar | undefined;

function plainGetter(code: string): Getter {
  const field = codeInfo(code)?.field;
  if (field === undefined) return () => undefined;
  return (item) => {
    const v = item[field] as DmapScalar | undefined;
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  };
}

const GETTERS: Record<string, Getter> = {
  mper: (item) => item.persistentId ?? item.id,
  asai: (item) => albumIdOf(item),
  asri: (item) => artistIdOf(item),
  asac: (item) => (item.hasArtwork ? 1 : undefined),
  ased: (item) => (item.hasArtwork ? 1 : undefined),
  aeMK: (item) => item.mediaKind ?? 1,
  aeMk: (item) => item.extendedMediaKind ?? 1,
  minm: (item) => item.name,
  asdk: (item) => item.dataKind,
  asul: (item) => (item.dataKind === 1 ? item.dataUrl : undefined),
};

const getterCache = new Map<string, Getter>();

/** The getter of one item field code: the DMAP value, or undefined when it is not sent (§5.1). */
function getterOf(code: string): Getter {
  let g = getterCache.get(code);
  if (!g) {
    g = GETTERS[code] ?? plainGetter(code);
    getterCache.set(code, g);
  }
  return g;
}

function fieldValue(item: Item, code: string): DmapScalar | undefined {
  return getterOf(code)(item);
}

/** code, getter, encoder spec, and the plain Item field when the getter is a plain read (the
 * bulk encoder reads those inline: most of the 49 codes of meta=all are absent on most items). */
type Compiled = readonly (readonly [string, Getter, CodeSpec, keyof Item | null])[];
const compiled = new WeakMap<FieldSet, Compiled>();

function gettersFor(fs: FieldSet): Compiled {
  let g = compiled.get(fs);
  if (!g) {
    g = fs.codes.map((c) => {
      const plain = GETTERS[c] === undefined ? (codeInfo(c)?.field ?? null) : null;
      return [c, getterOf(c), encoderInternals.specOf(c), plain] as const;
    });
    compiled.set(fs, g);
  }
  return g;
}

function extraValue(item: Item, code: string): ExtraValue | undefined {
  const ex = item.extra;
  if (!ex) return undefined;
  if (code in ex) return ex[code];
  const name = codeInfo(code)?.name;
  return name !== undefined && name in ex ? ex[name] : undefined;
}

/** Fields of an item (without mikd/miid), in canonical order. */
export function itemFields(item: Item, fs: FieldSet): Field[] {
  const out: Field[] = [];
  for (const [code, get] of gettersFor(fs)) {
    const v = get(item);
    if (v !== undefined) out.push([code, v]);
  }
  if (fs.all) {
    if (item.extra) {
      const codes = Object.keys(item.extra)
        .map((k) => (codeInfo(k) ?? codeByName(k))?.code)
        .filter((c): c is string => c !== undefined && !ITEM_CODES.has(c))
        .sort();
      for (const c of codes) {
        const v = extraValue(item, c);
        if (v !== undefined) out.push([c, v]);
      }
    }
  } else {
    for (const c of fs.extraCodes) {
      const v = extraValue(item, c);
      if (v !== undefined) out.push([c, v]);
    }
  }
  return out;
}

const { specOf, payloadSize, writeScalar } = encoderInternals;
const MIKD = specOf('mikd');
const MIID = specOf('miid');
const MCTI = specOf('mcti');
const MLIT_TAG = Buffer.from('mlit', 'latin1').readUInt32BE(0);

// Reusable scratch for the bulk encoder, sized for one chunk: no per-field allocations, and
// small enough to stay cheap for the garbage collector.
const CHUNK = 512;
const sVals: DmapScalar[] = [];
const sSpecs: CodeSpec[] = [];
const sSizes: number[] = [];
const perItem = new Int32Array(CHUNK * 2); // [field count, payload length]

function encodeChunk(
  items: readonly Item[],
  from: number,
  to: number,
  fs: FieldSet,
  getters: Compiled,
  entryIds: readonly number[] | undefined,
): Buffer {
  let k = 0;
  let total = 0;
  for (let i = from; i < to; i++) {
    const item = items[i]!;
    const start = k;
    let len = entryIds ? 9 + 12 + 12 : 9 + 12; // mikd, miid (, mcti)
    if (item.extra) {
      for (const [code, v] of itemFields(item, fs)) {
        const sp = specOf(code);
        const sz = payloadSize(sp, v);
        if (sz < 0) continue;
        sVals[k] = v;
        sSpecs[k] = sp;
        sSizes[k++] = sz;
        len += 8 + sz;
      }
    } else {
      for (let g = 0; g < getters.length; g++) {
        const entry = getters[g]!;
        const field = entry[3];
        let v: DmapScalar | undefined;
        if (field !== null) {
          const raw = item[field] as DmapScalar | undefined;
          if (raw === undefined || raw === '') continue;
          v = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
        } else {
          v = entry[1](item);
          if (v === undefined) continue;
        }
        const sp = entry[2];
        const sz = sp.fixed >= 0 ? sp.fixed : payloadSize(sp, v);
        if (sz < 0) continue;
        sVals[k] = v;
        sSpecs[k] = sp;
        sSizes[k++] = sz;
        len += 8 + sz;
      }
    }
    perItem[2 * (i - from)] = k - start;
    perItem[2 * (i - from) + 1] = len;
    total += 8 + len;
  }
  const out = Buffer.allocUnsafe(total);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let o = 0;
  k = 0;
  for (let i = from; i < to; i++) {
    const item = items[i]!;
    const j0 = 2 * (i - from);
    dv.setUint32(o, MLIT_TAG);
    dv.setUint32(o + 4, perItem[j0 + 1]!);
    o = writeScalar(MIKD, item.kind ?? 2, 1, out, o + 8, dv);
    o = writeScalar(MIID, item.id, 4, out, o, dv);
    if (entryIds) o = writeScalar(MCTI, entryIds[i]!, 4, out, o, dv);
    const n = perItem[j0]!;
    for (let j = 0; j < n; j++, k++) o = writeScalar(sSpecs[k]!, sVals[k]!, sSizes[k]!, out, o, dv);
  }
  // Drop references so the scratch does not keep records alive.
  sVals.fill(0, 0, k);
  return out;
}

/**
 * Encode the `mlit` blocks of many items (§6.1: sizes first, then one allocation per chunk of
 * items). The same bytes as itemBlock() for each item, laid end to end.
 */
export function encodeItemBlocks(
  items: readonly Item[],
  fs: FieldSet,
  entryIds?: readonly number[],
): Buffer[] {
  const getters = gettersFor(fs);
  const out: Buffer[] = [];
  for (let i = 0; i < items.length; i += CHUNK)
    out.push(encodeChunk(items, i, Math.min(items.length, i + CHUNK), fs, getters, entryIds));
  return out;
}

/** Container entry blocks (§6.14): mikd, miid (item id), mcti (entry id), then fields; the same
 * bytes as entryBlock() for each entry, laid end to end. */
export function encodeEntryBlocks(
  rows: readonly { readonly e: { readonly id: number }; readonly it: Item }[],
  fs: FieldSet,
): Buffer[] {
  return encodeItemBlocks(
    rows.map((r) => r.it),
    fs,
    rows.map((r) => r.e.id),
  );
}

const blockCache = new WeakMap<Item, Map<string, Buffer>>();

/** The `mlit` of an item in a database listing: mikd first, then miid (§2.8), then fields. */
export function itemBlock(item: Item, fs: FieldSet): Buffer {
  let m = blockCache.get(item);
  const hit = m?.get(fs.key);
  if (hit) return hit;
  const body = encodeFields([['mikd', item.kind ?? 2], ['miid', item.id], ...itemFields(item, fs)]);
  const h = Buffer.allocUnsafe(8 + body.length);
  h.write('mlit', 0, 'latin1');
  h.writeUInt32BE(body.length, 4);
  body.copy(h, 8);
  if (!m) blockCache.set(item, (m = new Map<string, Buffer>()));
  m.set(fs.key, h);
  return h;
}

const bodyCache = new WeakMap<Item, Map<string, Buffer>>();

/** The `mlit` of a container entry: mikd, miid (item id), mcti (entry id), then fields (§6.14). */
export function entryBlock(item: Item, entryId: number, fs: FieldSet): Buffer[] {
  const head = encodeFields([
    ['mikd', item.kind ?? 2],
    ['miid', item.id],
    ['mcti', entryId],
  ]);
  if (fs.codes.length === 0 && fs.extraCodes.length === 0) return wrapRaw('mlit', [head]);
  let m = bodyCache.get(item);
  let body = m?.get(fs.key);
  if (!body) {
    body = encodeFields(itemFields(item, fs));
    if (!m) bodyCache.set(item, (m = new Map<string, Buffer>()));
    m.set(fs.key, body);
  }
  return wrapRaw('mlit', [head, body]);
}

// ---- query rows -------------------------------------------------------------------------------

function kindOf(c: ContentCode): KeyKind {
  return c.type === 9 ? 'string' : 'number';
}

/** Query keys for items: every registry code that carries an item field (§6.18). */
export const ITEM_QUERY_KEYS: KeyMap = new Map<string, KeyKind>([
  ['dmap.itemid', 'number'],
  ...ITEM_FIELD_CODES.filter((c) => c.field !== undefined && c.code !== 'asac' && c.code !== 'ased').map(
    (c): [string, KeyKind] => [c.name, kindOf(c)],
  ),
]);

export const ENTRY_QUERY_KEYS: KeyMap = new Map<string, KeyKind>([
  ...ITEM_QUERY_KEYS,
  ['dmap.containeritemid', 'number'],
]);

export const CONTAINER_QUERY_KEYS: KeyMap = new Map<string, KeyKind>([
  ['dmap.itemid', 'number'],
  ['dmap.itemname', 'string'],
  ['dmap.persistentid', 'number'],
  ['com.apple.itunes.extended-media-kind', 'number'],
  ['daap.baseplaylist', 'number'],
]);

export function itemRow(item: Item, entryId?: number): QueryRow {
  return {
    get(key: string): QueryValue {
      if (key === 'dmap.itemid') return item.id;
      if (key === 'dmap.containeritemid') return entryId;
      const c = codeByName(key);
      if (!c) return undefined;
      const v = fieldValue(item, c.code);
      return v instanceof Date || typeof v !== 'object' ? v : undefined;
    },
  };
}
