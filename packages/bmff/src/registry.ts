/**
 * THE box registry: one entry per four-character code (or uuid), holding parse, write and
 * describe together. Parsing, writing, `loopcast mp4 dump`, the inspection pages and the
 * round-trip test over every fixture are all driven from this one map (spec README §3.1).
 */
import type { BoxEntry } from './box-entry.js';
import { ByteWriter } from './bytes.js';
import { audioEntries } from './boxes/audio-entry.js';
import { ac3Entries } from './boxes/ac3.js';
import { av1C } from './boxes/av1c.js';
import { avcC } from './boxes/avcc.js';
import { btrt, pasp } from './boxes/btrt-pasp.js';
import { co64, stco } from './boxes/chunk-offsets.js';
import { containerEntries } from './boxes/containers.js';
import { dOps } from './boxes/dops.js';
import { emsg } from './boxes/emsg.js';
import { esds } from './boxes/esds.js';
import { ftyp, styp } from './boxes/file-type.js';
import { hvcC } from './boxes/hvcc.js';
import { data, itunesEntries } from './boxes/itunes-items.js';
import { elng, hdlr, mdhd } from './boxes/media-header.js';
import { meta } from './boxes/meta.js';
import { mfhd } from './boxes/mfhd.js';
import { mvhd } from './boxes/movie-header.js';
import { mehd, trex } from './boxes/movie-extends.js';
import { prft } from './boxes/prft.js';
import { pssh } from './boxes/pssh.js';
import { saio, saiz } from './boxes/aux-info.js';
import { dref, stsd, url } from './boxes/sample-description.js';
import { piffSampleEncryption, senc } from './boxes/sample-encryption.js';
import { frma, schm } from './boxes/scheme.js';
import { sidx } from './boxes/sidx.js';
import { tenc } from './boxes/tenc.js';
import { mime, stpp, tx3g, vttC, wvtt } from './boxes/text-entry.js';
import { tfdt } from './boxes/tfdt.js';
import { tfhd } from './boxes/tfhd.js';
import { tkhd } from './boxes/track-header.js';
import { trun } from './boxes/trun.js';
import { visualEntries } from './boxes/visual-entry.js';
import { vpcC } from './boxes/vpcc.js';

/** Every registered entry, in documentation order. */
export const BOX_ENTRIES: readonly BoxEntry<never>[] = [
  ...containerEntries,
  meta,
  ftyp,
  styp,
  mvhd,
  tkhd,
  mdhd,
  hdlr,
  elng,
  mehd,
  trex,
  mfhd,
  tfhd,
  tfdt,
  trun,
  sidx,
  emsg,
  prft,
  pssh,
  tenc,
  schm,
  frma,
  senc,
  piffSampleEncryption,
  saiz,
  saio,
  stsd,
  dref,
  url,
  stco,
  co64,
  ...visualEntries,
  ...audioEntries,
  stpp,
  wvtt,
  tx3g,
  avcC,
  hvcC,
  av1C,
  vpcC,
  esds,
  ...ac3Entries,
  dOps,
  btrt,
  pasp,
  vttC,
  mime,
  data,
  ...itunesEntries,
] as BoxEntry<never>[];

/** Builds the lookup map; a second entry for the same key is a programming error. */
export function buildRegistry(entries: readonly BoxEntry<never>[]): ReadonlyMap<string, BoxEntry> {
  const map = new Map<string, BoxEntry>();
  for (const e of entries) {
    if (map.has(e.type)) throw new Error(`box registry: duplicate entry for '${e.type}'`);
    map.set(e.type, e);
  }
  return map;
}

const REGISTRY = buildRegistry(BOX_ENTRIES);

export function lookupEntry(key: string): BoxEntry | undefined {
  return REGISTRY.get(key);
}

export function registeredTypes(): string[] {
  return [...REGISTRY.keys()];
}

/** Payload bytes the entry writes for `fields` (children excluded). */
export function payloadSize<T>(entry: BoxEntry<T>, fields: T): number {
  if (entry.size) return entry.size(fields);
  const w = new ByteWriter(64);
  entry.write(w, fields);
  return w.pos;
}

/** The registry as a Markdown table (packages/bmff/docs/boxes.md is generated from it). */
export function registryMarkdown(): string {
  const rows = BOX_ENTRIES.map((e) => {
    const key = e.type.startsWith('uuid:') ? `uuid ${e.type.slice(5)}` : e.type.replace('\xa9', '©');
    return `| \`${key}\` | ${e.name} | ${e.ref} | ${e.container ? 'yes' : ''} |`;
  });
  return [
    '# Boxes known to @loopcast/bmff',
    '',
    'Generated from the box registry (`src/registry.ts`) by `UPDATE_DOCS=1 node --import tsx --test packages/bmff/test/unit/docs.test.ts`;',
    'a unit test fails when this file and the registry differ. Any other box is read and written as',
    'opaque bytes.',
    '',
    '| box | name | reference | children |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
