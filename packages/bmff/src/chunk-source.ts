/**
 * Reading a (rewritten) media segment into what the CMAF chunk builder needs (spec dash.md §10.3):
 * the boxes in front of the moof, the one traf's samples (durations, sizes, flags, composition
 * offsets), their sample-encryption records and sample-group runs, and where each sample's bytes
 * lie in the mdat, so chunks can pass them on as views of the input without copying.
 *
 * Input is the buffer list `rewriteSegment` returns (each buffer holds whole top-level boxes), or a
 * single stored segment. One moof with one traf and one trun is handled (a CMAF fragment has one
 * track, ISO/IEC 23000-19 §7.3.2.3); anything else is a BmffError 'unsupported', and the caller
 * sends the segment whole.
 */
import { ByteReader } from './bytes.js';
import { BmffError, parseError } from './errors.js';
import { readBoxHeader, type BoxHeader } from './header.js';
import {
  PIFF_SAMPLE_ENCRYPTION_UUID,
  SENC_SUBSAMPLES,
  readEncryptionSamples,
  type EncryptionSample,
} from './boxes/sample-encryption.js';
import { saiz as saizEntry, type SaizFields } from './boxes/aux-info.js';
import { tfhd as tfhdEntry, TFHD_BASE_DATA_OFFSET, type TfhdFields } from './boxes/tfhd.js';
import { trun as trunEntry, TRUN_DURATION, TRUN_SIZE, type TrunFields } from './boxes/trun.js';

/** senc, or its PIFF uuid twin, with the records parsed. */
export interface ChunkEncryption {
  kind: 'senc' | 'piff';
  version: number;
  flags: number;
  /** PIFF override fields (flags & 1), as bytes: algorithm id, IV size, KID. */
  override: Buffer | null;
  samples: EncryptionSample[];
}

/** One sbgp (ISO/IEC 14496-12 §8.9.2) as runs of (sample count, group description index). */
export interface ChunkSampleGroup {
  version: number;
  groupingType: string;
  parameter: number;
  runs: { count: number; index: number }[];
}

/** A traf child box and what the builder does with it. */
export type ChunkTrafBox =
  | { kind: 'tfhd' | 'tfdt' | 'trun' | 'saio' }
  | { kind: 'saiz'; fields: SaizFields }
  | { kind: 'encryption'; encryption: ChunkEncryption }
  | { kind: 'sbgp'; group: ChunkSampleGroup }
  | { kind: 'copy'; bytes: Buffer };

export interface ChunkSource {
  /** Top-level boxes before the moof (styp, prft, emsg …), as views; they lead the first chunk. */
  prefix: Buffer[];
  /** The moof's mfhd box, as a view (its sequence number is already the segment's). */
  mfhd: Buffer;
  tfhd: TfhdFields;
  /** Decode time of the first sample (tfdt). */
  decodeTime: bigint;
  trun: TrunFields;
  /** Per-sample duration in ticks, in decode order. */
  durations: number[];
  /** Per-sample byte view of the mdat payload (never copied). */
  data: Buffer[];
  /** The traf's children, in order. */
  trafBoxes: ChunkTrafBox[];
  /** Top-level boxes after the mdat (rare), appended to the last chunk. */
  suffix: Buffer[];
}

interface Located {
  h: BoxHeader;
  part: Buffer;
  pos: number;
  /** Offset of the box in the whole (concatenated) segment. */
  at: number;
}

/** trex defaults (ISO/IEC 14496-12 §8.8.3) from the init segment, for runs that rely on them. */
export interface ChunkDefaults {
  sampleDuration?: number;
  sampleSize?: number;
}

/** Reads one segment for chunking; throws BmffError ('unsupported' or 'parse'). */
export function readChunkSource(
  parts: Buffer | readonly Buffer[],
  defaults: ChunkDefaults = {},
): ChunkSource {
  const list = Buffer.isBuffer(parts) ? [parts] : parts;
  const top: Located[] = [];
  let at = 0;
  for (const part of list) {
    for (let pos = 0; pos < part.length;) {
      const h = readBoxHeader(part, pos, part.length);
      top.push({ h, part, pos, at: at + pos });
      pos += h.size;
    }
    at += part.length;
  }
  const moofs = top.filter((t) => t.h.type === 'moof');
  if (moofs.length !== 1)
    throw new BmffError('unsupported', `chunking needs one moof, found ${moofs.length}`);
  const m = top.indexOf(moofs[0]!);
  const mdat = top[m + 1];
  if (!mdat || mdat.h.type !== 'mdat')
    throw new BmffError('unsupported', 'the moof is not followed by an mdat');
  const view = (t: Located): Buffer => t.part.subarray(t.pos, t.pos + t.h.size);
  const moof = moofs[0]!;
  const { part: buf, pos: moofPos, h: mh } = moof;
  const end = moofPos + mh.size;
  let mfhd: Buffer | undefined;
  let trafAt = -1;
  let trafHeader: BoxHeader | undefined;
  for (let p = moofPos + mh.headerSize; p < end;) {
    const h = readBoxHeader(buf, p, end, end);
    if (h.type === 'mfhd') mfhd = buf.subarray(p, p + h.size);
    else if (h.type === 'traf') {
      if (trafHeader) throw new BmffError('unsupported', 'chunking needs one traf per moof');
      trafAt = p;
      trafHeader = h;
    }
    p += h.size;
  }
  if (!mfhd || !trafHeader) throw parseError('moof without mfhd or traf', moof.at);
  const traf = readTraf(buf, trafAt, trafHeader, defaults);
  // sample positions: the base is the moof unless tfhd gives one (ISO/IEC 14496-12 §8.8.7; the
  // only traf is the first, so without default-base-is-moof the base is the moof as well)
  const base = traf.tfhd.flags & TFHD_BASE_DATA_OFFSET ? Number(traf.tfhd.baseDataOffset ?? 0n) : moof.at;
  const payloadAt = mdat.at + mdat.h.headerSize;
  const payloadEnd = mdat.at + mdat.h.size;
  const data: Buffer[] = [];
  // a run without data_offset is taken to start the mdat payload (rewriteSegment always adds one)
  let q = base + (traf.trun.dataOffset ?? payloadAt - base);
  for (const size of traf.sizes) {
    if (q < payloadAt || q + size > payloadEnd)
      throw new BmffError('unsupported', 'sample data outside the mdat that follows the moof', q);
    const rel = mdat.pos + (q - mdat.at);
    data.push(mdat.part.subarray(rel, rel + size));
    q += size;
  }
  return {
    prefix: top.slice(0, m).map(view),
    mfhd,
    tfhd: traf.tfhd,
    decodeTime: traf.decodeTime,
    trun: traf.trun,
    durations: traf.durations,
    data,
    trafBoxes: traf.boxes,
    suffix: top.slice(m + 2).map(view),
  };
}

function readTraf(
  buf: Buffer,
  trafPos: number,
  th: BoxHeader,
  defaults: ChunkDefaults,
): {
  tfhd: TfhdFields;
  decodeTime: bigint;
  trun: TrunFields;
  durations: number[];
  sizes: number[];
  boxes: ChunkTrafBox[];
} {
  const end = trafPos + th.size;
  let tfhd: TfhdFields | undefined;
  let trun: TrunFields | undefined;
  let decodeTime = 0n;
  const boxes: ChunkTrafBox[] = [];
  for (let p = trafPos + th.headerSize; p < end;) {
    const h = readBoxHeader(buf, p, end, end);
    const body = p + h.headerSize;
    const r = new ByteReader(buf, body, p + h.size);
    switch (h.type) {
      case 'tfhd':
        tfhd = tfhdEntry.parse(r, {});
        boxes.push({ kind: 'tfhd' });
        break;
      case 'tfdt': {
        const version = r.u8();
        r.u24();
        decodeTime = version === 1 ? r.u64() : BigInt(r.u32());
        boxes.push({ kind: 'tfdt' });
        break;
      }
      case 'trun':
        if (trun) throw new BmffError('unsupported', 'chunking needs one trun per traf', p);
        trun = trunEntry.parse(r, {});
        boxes.push({ kind: 'trun' });
        break;
      case 'saiz':
        boxes.push({ kind: 'saiz', fields: saizEntry.parse(r, {}) });
        break;
      case 'saio':
        boxes.push({ kind: 'saio' });
        break;
      case 'senc':
        boxes.push({ kind: 'encryption', encryption: readEncryption(r, 'senc') });
        break;
      case 'sbgp':
        boxes.push({ kind: 'sbgp', group: readSampleGroup(r) });
        break;
      default:
        if (h.type === 'uuid' && h.usertype === PIFF_SAMPLE_ENCRYPTION_UUID)
          boxes.push({ kind: 'encryption', encryption: readEncryption(r, 'piff') });
        else boxes.push({ kind: 'copy', bytes: buf.subarray(p, p + h.size) });
    }
    p += h.size;
  }
  if (!tfhd || !trun) throw parseError('traf without tfhd or trun', trafPos);
  const n = trun.sampleCount;
  const durations: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = trun.samples[i];
    const d =
      trun.flags & TRUN_DURATION ? s?.duration : (tfhd.defaultSampleDuration ?? defaults.sampleDuration);
    const z = trun.flags & TRUN_SIZE ? s?.size : (tfhd.defaultSampleSize ?? defaults.sampleSize);
    // trex defaults live in the init segment: the caller passes them
    if (d === undefined || z === undefined)
      throw new BmffError('unsupported', 'sample duration or size only in trex', trafPos);
    durations.push(d);
    sizes.push(z);
  }
  for (const b of boxes) {
    if (b.kind === 'encryption' && b.encryption.samples.length !== n)
      throw parseError('sample encryption records do not match the sample count', trafPos);
  }
  return { tfhd, decodeTime, trun, durations, sizes, boxes };
}

function readEncryption(r: ByteReader, kind: 'senc' | 'piff'): ChunkEncryption {
  const version = r.u8();
  const flags = r.u24();
  let override: Buffer | null = null;
  let ivSize: number | undefined;
  if (kind === 'piff' && flags & 1) {
    override = r.bytes(20);
    ivSize = override[3];
  }
  const count = r.u32();
  const { samples } = readEncryptionSamples(r, count, (flags & SENC_SUBSAMPLES) !== 0, ivSize);
  return { kind, version, flags, override, samples };
}

function readSampleGroup(r: ByteReader): ChunkSampleGroup {
  const version = r.u8();
  r.u24();
  const groupingType = r.fourcc();
  const parameter = version === 1 ? r.u32() : 0;
  const n = r.u32();
  r.checkCount(n, 8);
  const runs: { count: number; index: number }[] = [];
  for (let i = 0; i < n; i++) runs.push({ count: r.u32(), index: r.u32() });
  return { version, groupingType, parameter, runs };
}
