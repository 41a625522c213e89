/**
 * A media fragment encrypted on the fly (drm-events.md §8.3–§8.4): samples are encrypted in a
 * copy of the fragment (the bytes must change), and `saiz`, `saio` and `senc` are appended to the
 * traf, whose moof grows; `trun.data_offset` moves by the growth and `saio` points at the first
 * `senc` entry. The live rewrite (dash.md §9.3) then runs on the result as on any stored fragment.
 */
import { createCipheriv } from 'node:crypto';
import { Box, parseBoxes } from '../box.js';
import type { BoxEntry } from '../box-entry.js';
import { saio, saiz } from '../boxes/aux-info.js';
import { senc, SENC_SUBSAMPLES, type EncryptionSample, type SubSample } from '../boxes/sample-encryption.js';
import { TFHD_BASE_DATA_OFFSET, tfhd } from '../boxes/tfhd.js';
import { TRUN_DATA_OFFSET, trun } from '../boxes/trun.js';
import { BmffError } from '../errors.js';
import { serializeBox } from '../writer.js';
import type { CencScheme, CencTrack } from './encrypt-init.js';
import { cencSampleIv } from './ivs.js';
import { H264SliceHeaders } from './h264-slice.js';
import { H265SliceHeaders } from './h265-slice.js';
import { cbcsVideoSubsamples, cencVideoSubsamples, type SliceHeaderParser } from './subsamples.js';

export interface FragmentEncryption {
  scheme: CencScheme;
  /** 16 bytes. */
  key: Buffer;
  /** cenc: `B_k` of this fragment (§8.5). */
  ivBase?: bigint;
  /** cbcs: the constant IV. */
  constantIv?: Buffer;
  track: CencTrack;
  /** Offset of the fragment in its file, for an explicit tfhd.base_data_offset. */
  sourceOffset?: number;
  /**
   * cbcs video: called once per fragment, with the first reason met, when slice headers could not
   * be read and their NAL units stay clear (§8.6); the caller keeps it to one warning per
   * Representation.
   */
  onClearSlices?: (reason: string) => void;
}

interface SampleRange {
  pos: number;
  size: number;
}

/** Positions of every sample of a traf in the fragment buffer. */
function sampleRanges(
  traf: Box,
  moofPos: number,
  sourceOffset: number,
): { ranges: SampleRange[]; moofBased: boolean } {
  const h = traf.child('tfhd')?.get(tfhd);
  if (!h) throw new BmffError('parse', 'traf has no tfhd');
  const explicit = (h.flags & TFHD_BASE_DATA_OFFSET) !== 0 && h.baseDataOffset !== undefined;
  const base = explicit ? Number(h.baseDataOffset) - sourceOffset : moofPos;
  const ranges: SampleRange[] = [];
  let next = base;
  for (const run of traf.all('trun')) {
    const f = run.get(trun);
    let pos = f.flags & TRUN_DATA_OFFSET ? base + (f.dataOffset ?? 0) : next;
    for (const s of f.samples) {
      const size = s.size ?? h.defaultSampleSize ?? 0;
      ranges.push({ pos, size });
      pos += size;
    }
    next = pos;
  }
  // without an explicit base, data offsets count from the moof (default-base-is-moof, or the
  // first traf of a moof, ISO/IEC 14496-12 §8.8.7)
  return { ranges, moofBased: !explicit };
}

/** Encrypts the protected bytes of one sample in place and returns its senc entry. */
function encryptSample(
  buf: Buffer,
  range: SampleRange,
  j: number,
  enc: FragmentEncryption,
  slices: SliceHeaderParser | null,
  onUnreadable: (nal: Uint8Array) => void,
): EncryptionSample {
  const sample = buf.subarray(range.pos, range.pos + range.size);
  const nal = enc.track.kind === 'video' ? enc.track.nal : null;
  const subsamples: SubSample[] | undefined = !nal
    ? undefined
    : slices
      ? cbcsVideoSubsamples(sample, nal.lengthSize, slices, onUnreadable)
      : cencVideoSubsamples(sample, nal.lengthSize, nal.codec);
  if (enc.scheme === 'cenc') {
    const iv = cencSampleIv(enc.ivBase ?? 0n, j);
    // the keystream runs on across the protected runs of one sample (§8.4)
    const cipher = createCipheriv('aes-128-ctr', enc.key, Buffer.concat([iv, Buffer.alloc(8)]));
    if (subsamples) {
      let pos = 0;
      for (const s of subsamples) {
        pos += s.clearBytes;
        const part = sample.subarray(pos, pos + s.protectedBytes);
        cipher.update(part).copy(part);
        pos += s.protectedBytes;
      }
    } else cipher.update(sample).copy(sample);
    return { iv: iv.toString('hex'), ...(subsamples ? { subsamples } : {}) };
  }
  if (subsamples) {
    // cbcs video: the 1:9 pattern in each protected run, the chain restarted at every run (§8.4)
    let pos = 0;
    for (const s of subsamples) {
      pos += s.clearBytes;
      const run = sample.subarray(pos, pos + s.protectedBytes);
      pos += s.protectedBytes;
      if (run.length < 16) continue;
      const cipher = createCipheriv('aes-128-cbc', enc.key, enc.constantIv ?? Buffer.alloc(16));
      cipher.setAutoPadding(false);
      for (let at = 0; at + 16 <= run.length; at += 160) {
        const block = run.subarray(at, at + 16);
        cipher.update(block).copy(block);
      }
    }
    return { iv: '', subsamples };
  }
  // cbcs audio: every complete 16-byte block, chained from the constant IV, restarted per sample
  const whole = sample.subarray(0, sample.length - (sample.length % 16));
  if (whole.length > 0) {
    const cipher = createCipheriv('aes-128-cbc', enc.key, enc.constantIv ?? Buffer.alloc(16));
    cipher.setAutoPadding(false);
    cipher.update(whole).copy(whole);
  }
  return { iv: '' };
}

const writeBox = <T>(entry: BoxEntry<T>, fields: T): Buffer => serializeBox(Box.create(entry, fields));

/**
 * Returns the encrypted fragment as one new buffer. Sample `j` counts from the start of the
 * fragment across every moof in it (low-latency chunks share the fragment's IVs, §8.7).
 */
export function encryptFragment(fragment: Buffer, enc: FragmentEncryption): Buffer {
  let slices: H264SliceHeaders | H265SliceHeaders | null = null;
  if (enc.track.kind === 'video' && enc.scheme === 'cbcs' && enc.track.nal) {
    slices = enc.track.nal.codec === 'avc' ? new H264SliceHeaders() : new H265SliceHeaders();
    for (const ps of enc.track.parameterSets) slices.parameterSet(ps);
  }
  let unreadable: string | null = null;
  const onUnreadable = (nal: Uint8Array) => {
    if (unreadable !== null || !slices) return;
    const reason = slices instanceof H265SliceHeaders ? slices.failure : null;
    const type = slices.codec === 'avc' ? (nal[0] ?? 0) & 0x1f : ((nal[0] ?? 0) >> 1) & 0x3f;
    unreadable = `${enc.track.format} slice header (NAL unit type ${type}) not readable${reason ? `: ${reason}` : ''}; left clear`;
  };
  if (enc.track.kind === 'video' && !enc.track.nal)
    throw new BmffError('unsupported', `cannot encrypt ${enc.track.format} on the fly`);
  const copy = Buffer.from(fragment);
  const top = parseBoxes(copy);
  const out: Buffer[] = [];
  let j = 0;
  let pos = 0;
  for (const b of top) {
    const start = pos;
    pos += b.originalSize;
    if (b.type !== 'moof') {
      out.push(copy.subarray(start, pos));
      continue;
    }
    const traf = b.child('traf');
    if (!traf || b.all('traf').length !== 1) throw new BmffError('unsupported', 'expected one traf per moof');
    const { ranges, moofBased } = sampleRanges(traf, start, enc.sourceOffset ?? 0);
    const samples = ranges.map((r) => encryptSample(copy, r, j++, enc, slices, onUnreadable));
    const sub = samples.some((s) => s.subsamples);
    const extra: Buffer[] = [];
    // §8.3 item 3: cbcs audio (constant IV, whole samples) carries no per-sample information
    if (!(enc.scheme === 'cbcs' && !sub)) {
      const sizes = samples.map((s) => s.iv.length / 2 + (s.subsamples ? 2 + 6 * s.subsamples.length : 0));
      const same = sizes.every((s) => s === sizes[0]) ? (sizes[0] ?? 0) : 0;
      const saizBytes = writeBox(saiz, {
        version: 0,
        flags: 0,
        defaultSampleInfoSize: same,
        sampleCount: samples.length,
        sampleInfoSizes: same === 0 ? sizes : [],
      });
      const sencBytes = writeBox(senc, {
        version: 0,
        flags: sub ? SENC_SUBSAMPLES : 0,
        ivSize: enc.scheme === 'cenc' ? 8 : 0,
        samples,
      });
      const trafEnd = traf.offset - b.offset + traf.originalSize;
      const saioLength = 20; // full box + entry_count + one u32 offset
      const sencPos = trafEnd + saizBytes.length + saioLength;
      const saioBytes = writeBox(saio, { version: 0, flags: 0, offsets: [sencPos + 16] });
      extra.push(saizBytes, saioBytes, sencBytes);
    }
    out.push(grownMoof(b, traf, Buffer.concat(extra), moofBased));
  }
  if (unreadable !== null) enc.onClearSlices?.(unreadable);
  return Buffer.concat(out);
}

/** The moof with `extra` appended to its traf; sizes and moof-relative trun offsets fixed. */
function grownMoof(moof: Box, traf: Box, extra: Buffer, moofBased: boolean): Buffer {
  const raw = moof.raw!;
  if (moof.headerSize !== 8 || traf.headerSize !== 8)
    throw new BmffError('unsupported', 'large moof or traf size');
  const trafStart = traf.offset - moof.offset;
  const trafEnd = trafStart + traf.originalSize;
  const grown = Buffer.concat([raw.subarray(0, trafEnd), extra, raw.subarray(trafEnd)]);
  grown.writeUInt32BE(grown.length, 0);
  grown.writeUInt32BE(traf.originalSize + extra.length, trafStart);
  if (moofBased) {
    for (const run of traf.all('trun')) {
      if (!(run.get(trun).flags & TRUN_DATA_OFFSET) || run.headerSize !== 8) continue;
      const at = run.offset - moof.offset + 16;
      grown.writeInt32BE(grown.readInt32BE(at) + extra.length, at);
    }
  }
  return grown;
}
