/**
 * Video corruption for the `vcorrupt` fault (drm-events.md §10.6). Walking samples in decode
 * order and NAL units in sample order, each reference non-IDR slice (H.264 nal_ref_idc ≠ 0 and
 * nal_unit_type 1–4; H.265 nal_unit_type 1, 3, 5, 7 or 9) has its last 4 × floor(size / 20)
 * bytes overwritten with "junk" repeated, ending at the NAL unit's last byte, until `frames`
 * NAL units are done. Sample sizes never change, so only the copied sample bytes differ.
 */
import { parseBoxes } from './box.js';
import type { TfhdFields } from './boxes/tfhd.js';
import { TFHD_BASE_DATA_OFFSET, TFHD_DEFAULT_BASE_IS_MOOF } from './boxes/tfhd.js';
import type { TrunFields } from './boxes/trun.js';

export type CorruptibleCodec = 'avc' | 'hevc';

export interface CorruptOptions {
  codec: CorruptibleCodec;
  /** Bytes of each NAL unit's length field (avcC / hvcC lengthSizeMinusOne + 1). */
  nalLengthSize: number;
  /** NAL units to corrupt at most. */
  frames: number;
  /** Offset of `segment` in its file, to resolve an explicit tfhd.base_data_offset. */
  sourceOffset?: number;
}

export interface CorruptResult {
  /** A corrupted copy, or the input itself when nothing was corrupted. */
  segment: Buffer;
  corrupted: number;
}

/** The codec family of a sample entry, or null for codecs loopcast does not corrupt. */
export function corruptibleCodec(sampleEntry: string): CorruptibleCodec | null {
  if (sampleEntry === 'avc1' || sampleEntry === 'avc3') return 'avc';
  if (sampleEntry === 'hvc1' || sampleEntry === 'hev1') return 'hevc';
  return null;
}

const JUNK = Buffer.from('junk');

function isReferenceSlice(codec: CorruptibleCodec, header: number): boolean {
  if (codec === 'avc') {
    const type = header & 0x1f;
    return (header & 0x60) !== 0 && type >= 1 && type <= 4;
  }
  const type = (header >> 1) & 0x3f;
  return type === 1 || type === 3 || type === 5 || type === 7 || type === 9;
}

/** Byte ranges [start, end) of each sample of the segment, in decode order. */
function sampleRanges(segment: Buffer, sourceOffset: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const top of parseBoxes(segment)) {
    if (top.type !== 'moof') continue;
    let next = top.offset; // the first traf's implicit base is the moof
    for (const traf of top.children) {
      if (traf.type !== 'traf') continue;
      const tfhd = traf.child('tfhd')?.fields as TfhdFields | undefined;
      if (!tfhd) continue;
      let base =
        tfhd.flags & TFHD_BASE_DATA_OFFSET
          ? Number(tfhd.baseDataOffset ?? 0n) - sourceOffset
          : tfhd.flags & TFHD_DEFAULT_BASE_IS_MOOF
            ? top.offset
            : next;
      for (const box of traf.children) {
        if (box.type !== 'trun') continue;
        const trun = box.fields as TrunFields;
        let pos = trun.dataOffset !== undefined ? base + trun.dataOffset : base;
        for (let i = 0; i < trun.sampleCount; i++) {
          const size = trun.samples[i]?.size ?? tfhd.defaultSampleSize ?? 0;
          ranges.push([pos, pos + size]);
          pos += size;
        }
        base = pos;
        next = pos;
      }
    }
  }
  return ranges;
}

export function corruptSegment(segment: Buffer, opts: CorruptOptions): CorruptResult {
  const ranges = sampleRanges(segment, opts.sourceOffset ?? 0);
  let out: Buffer | null = null;
  let corrupted = 0;
  const n = opts.nalLengthSize;
  for (const [start, end] of ranges) {
    for (let p = start; p + n < end && corrupted < opts.frames;) {
      const size = segment.readUIntBE(p, n);
      const nal = p + n;
      const nalEnd = Math.min(nal + size, end);
      if (size > 0 && isReferenceSlice(opts.codec, segment[nal]!)) {
        const run = 4 * Math.floor(size / 20);
        if (run > 0) {
          out ??= Buffer.from(segment);
          for (let q = nalEnd - run, j = 0; q < nalEnd; q++, j++) out[q] = JUNK[j % 4]!;
        }
        corrupted++;
      }
      p = nalEnd;
    }
    if (corrupted >= opts.frames) break;
  }
  return { segment: out ?? segment, corrupted };
}
