/**
 * esds (ISO/IEC 14496-14 §6.7.2) holding an ES_Descriptor tree (14496-1 §7.2.6): tag, an
 * expandable size of 1–4 bytes (its width kept so writing gives the same bytes), then fields
 * and nested descriptors. DecoderSpecificInfo carries the AudioSpecificConfig (14496-3 §1.6.2.1).
 */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import { parseError } from '../errors.js';

export const ES_DESCR_TAG = 0x03;
export const DECODER_CONFIG_DESCR_TAG = 0x04;
export const DEC_SPECIFIC_INFO_TAG = 0x05;

export interface Descriptor {
  tag: number;
  /** Bytes used by the size field (1–4). */
  sizeBytes: number;
  /** ES_Descriptor: esId, flags, dependsOnEsId, url, ocrEsId.
   * DecoderConfigDescriptor: objectTypeIndication, streamType (6 bits, upstream, reserved as
   * one byte), bufferSizeDb, maxBitrate, avgBitrate. */
  fields: Record<string, number | string>;
  /** Payload of other descriptors, including DecoderSpecificInfo. */
  data?: Buffer;
  children: Descriptor[];
}

export interface EsdsFields extends FullBoxFields {
  descriptors: Descriptor[];
}

const MAX_DEPTH = 8;

function readDescriptors(r: ByteReader, depth: number): Descriptor[] {
  if (depth > MAX_DEPTH) throw parseError('descriptors nested too deep', r.base + r.pos);
  const out: Descriptor[] = [];
  while (r.remaining >= 2) {
    const tag = r.u8();
    let size = 0;
    let sizeBytes = 0;
    let b: number;
    do {
      b = r.u8();
      size = (size << 7) | (b & 0x7f);
      sizeBytes++;
    } while (b & 0x80 && sizeBytes < 4);
    if (b & 0x80) throw parseError('descriptor size longer than 4 bytes', r.base + r.pos);
    const body = new ByteReader(r.buf, r.pos, r.pos + size, r.base);
    r.skip(size);
    out.push(readDescriptor(tag, sizeBytes, body, depth));
  }
  return out;
}

function readDescriptor(tag: number, sizeBytes: number, r: ByteReader, depth: number): Descriptor {
  const d: Descriptor = { tag, sizeBytes, fields: {}, children: [] };
  if (tag === ES_DESCR_TAG) {
    d.fields.esId = r.u16();
    const flags = r.u8();
    d.fields.flags = flags;
    if (flags & 0x80) d.fields.dependsOnEsId = r.u16();
    if (flags & 0x40) d.fields.url = r.bytes(r.u8()).toString('latin1');
    if (flags & 0x20) d.fields.ocrEsId = r.u16();
    d.children = readDescriptors(r, depth + 1);
  } else if (tag === DECODER_CONFIG_DESCR_TAG) {
    d.fields.objectTypeIndication = r.u8();
    d.fields.streamType = r.u8();
    d.fields.bufferSizeDb = r.u24();
    d.fields.maxBitrate = r.u32();
    d.fields.avgBitrate = r.u32();
    d.children = readDescriptors(r, depth + 1);
  } else {
    d.data = r.rest();
  }
  return d;
}

function sizeField(size: number, bytes: number): number[] {
  const n = Math.max(bytes, size < 0x80 ? 1 : size < 0x4000 ? 2 : size < 0x200000 ? 3 : 4);
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(((size >> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
  return out;
}

function writeDescriptor(w: ByteWriter, d: Descriptor): void {
  const body = new ByteWriter(64);
  const f = d.fields;
  const num = (k: string): number => (typeof f[k] === 'number' ? f[k] : 0);
  if (d.tag === ES_DESCR_TAG) {
    const flags = num('flags');
    body.u16(num('esId')).u8(flags);
    if (flags & 0x80) body.u16(num('dependsOnEsId'));
    if (flags & 0x40) {
      const url = Buffer.from(String(f.url ?? ''), 'latin1');
      body.u8(url.length).bytes(url);
    }
    if (flags & 0x20) body.u16(num('ocrEsId'));
    for (const c of d.children) writeDescriptor(body, c);
  } else if (d.tag === DECODER_CONFIG_DESCR_TAG) {
    body.u8(num('objectTypeIndication')).u8(num('streamType')).u24(num('bufferSizeDb'));
    body.u32(num('maxBitrate')).u32(num('avgBitrate'));
    for (const c of d.children) writeDescriptor(body, c);
  } else if (d.data) {
    body.bytes(d.data);
  }
  const bytes = body.result();
  w.u8(d.tag);
  for (const b of sizeField(bytes.length, d.sizeBytes)) w.u8(b);
  w.bytes(bytes);
}

export const esds = defineBox<EsdsFields>({
  type: 'esds',
  name: 'Elementary stream descriptor',
  ref: '14496-14 §6.7.2',
  parse: (r) => ({ ...readVF(r), descriptors: readDescriptors(r, 0) }),
  write(w, v) {
    writeVF(w, v);
    for (const d of v.descriptors) writeDescriptor(w, d);
  },
  describe: (v) => ({ ...v, decoderConfig: decoderConfig(v) ?? null }),
});

export interface DecoderConfig {
  objectTypeIndication: number;
  maxBitrate: number;
  avgBitrate: number;
  /** AudioSpecificConfig bytes, when present. */
  decoderSpecificInfo?: Buffer;
  /** From the AudioSpecificConfig: audioObjectType (with the escape for values ≥ 32),
   * sampling frequency index / explicit rate, channel configuration. */
  audioObjectType?: number;
  samplingFrequency?: number;
  channelConfiguration?: number;
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

function findTag(list: readonly Descriptor[], tag: number): Descriptor | undefined {
  for (const d of list) {
    if (d.tag === tag) return d;
    const c = findTag(d.children, tag);
    if (c) return c;
  }
  return undefined;
}

/** The decoder configuration of an esds, with the AudioSpecificConfig decoded. */
export function decoderConfig(v: EsdsFields): DecoderConfig | undefined {
  const dc = findTag(v.descriptors, DECODER_CONFIG_DESCR_TAG);
  if (!dc) return undefined;
  const n = (k: string): number => (typeof dc.fields[k] === 'number' ? dc.fields[k] : 0);
  const out: DecoderConfig = {
    objectTypeIndication: n('objectTypeIndication'),
    maxBitrate: n('maxBitrate'),
    avgBitrate: n('avgBitrate'),
  };
  const dsi = findTag(dc.children, DEC_SPECIFIC_INFO_TAG)?.data;
  if (dsi && dsi.length >= 2) {
    out.decoderSpecificInfo = dsi;
    let bit = 0;
    const bits = (k: number): number => {
      let x = 0;
      for (let i = 0; i < k; i++, bit++) x = (x << 1) | (((dsi[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1);
      return x;
    };
    let aot = bits(5);
    if (aot === 31) aot = 32 + bits(6);
    const fi = bits(4);
    out.samplingFrequency = fi === 15 ? bits(24) : (AAC_RATES[fi] ?? 0);
    out.channelConfiguration = bits(4);
    out.audioObjectType = aot;
  }
  return out;
}
