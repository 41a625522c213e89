/**
 * CMAF chunks from one media segment (spec dash.md §10.3, ISO/IEC 23000-19 §7.3.2.3): each chunk is
 * a moof (the segment's mfhd; a traf whose tfhd has default-base-is-moof, a version 1 tfdt with
 * the decode time of the chunk's first sample, a trun with the chunk's samples and a data_offset
 * into the following mdat, and saiz/saio/senc, the PIFF sample-encryption box and sbgp cut to the
 * same samples) followed by an mdat whose payload is views of the source mdat: sample bytes are
 * never copied. The boxes in front of the source moof (styp, prft, emsg) lead the first chunk.
 *
 * Which samples go into which chunk is the caller's decision (`counts`); dash decides it from
 * the chunk duration (dash.md §10.3).
 */
import type { BoxEntry } from './box-entry.js';
import { saiz as saizEntry } from './boxes/aux-info.js';
import { prft as prftEntry } from './boxes/prft.js';
import { tfhd as tfhdEntry, TFHD_BASE_DATA_OFFSET, TFHD_DEFAULT_BASE_IS_MOOF } from './boxes/tfhd.js';
import {
  trun as trunEntry,
  TRUN_DATA_OFFSET,
  TRUN_FIRST_SAMPLE_FLAGS,
  trunSampleSize,
} from './boxes/trun.js';
import {
  PIFF_SAMPLE_ENCRYPTION_UUID,
  SENC_SUBSAMPLES,
  writeEncryptionSamples,
} from './boxes/sample-encryption.js';
import { ByteWriter } from './bytes.js';
import { BmffError } from './errors.js';
import {
  readChunkSource,
  type ChunkDefaults,
  type ChunkEncryption,
  type ChunkSampleGroup,
  type ChunkSource,
} from './chunk-source.js';

export interface SegmentChunk {
  /** The chunk's bytes: new header bytes, then views of the source (prefix boxes, sample data). */
  buffers: Buffer[];
  byteLength: number;
  /** Index of the chunk's first sample in the segment. */
  firstSample: number;
  sampleCount: number;
  /** tfdt of the chunk. */
  decodeTime: bigint;
  /** Sum of the chunk's sample durations, in ticks. */
  duration: number;
}

/**
 * Splits a segment into chunks of `counts[j]` samples each (the counts must add up to the
 * segment's sample count). `parts` is what `rewriteSegment` returns, or one stored segment.
 */
export interface ChunkOptions {
  /** trex defaults from the init segment, for runs that rely on them. */
  defaults?: ChunkDefaults;
  /**
   * A prft (version 1, flags 0, ISO/IEC 14496-12 §8.16.5) for the first chunk, after the styp:
   * the NTP time of the segment's first sample; its track id and media time (the tfdt) come from
   * the segment (dash.md §10.3).
   */
  prftNtp?: bigint;
}

/**
 * Splits a segment into chunks of `counts[j]` samples each (the counts must add up to the
 * segment's sample count). `parts` is what `rewriteSegment` returns, or one stored segment.
 */
export function chunkSegment(
  parts: Buffer | readonly Buffer[],
  counts: readonly number[],
  options: ChunkOptions = {},
): SegmentChunk[] {
  return buildChunks(readChunkSource(parts, options.defaults), counts, options.prftNtp);
}

export function buildChunks(src: ChunkSource, counts: readonly number[], prftNtp?: bigint): SegmentChunk[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== src.durations.length || counts.some((c) => c <= 0 || !Number.isInteger(c)))
    throw new BmffError(
      'unsupported',
      `chunk sample counts ${counts.join(',')} do not split ${src.durations.length} samples`,
    );
  const hasEncryption = src.trafBoxes.some((b) => b.kind === 'encryption');
  if (!hasEncryption && src.trafBoxes.some((b) => b.kind === 'saio'))
    throw new BmffError('unsupported', 'saio without a senc in the traf: auxiliary data elsewhere');
  const prefix = prftNtp === undefined ? src.prefix : withPrft(src, prftNtp);
  const out: SegmentChunk[] = [];
  let first = 0;
  let decodeTime = src.decodeTime;
  for (let j = 0; j < counts.length; j++) {
    const n = counts[j]!;
    let duration = 0;
    for (let i = first; i < first + n; i++) duration += src.durations[i]!;
    const buffers = [
      ...(j === 0 ? prefix : []),
      writeChunkHeader(src, j === 0, first, n, decodeTime),
      ...joinViews(src.data.slice(first, first + n)),
      ...(j === counts.length - 1 ? src.suffix : []),
    ];
    out.push({
      buffers,
      byteLength: buffers.reduce((s, b) => s + b.length, 0),
      firstSample: first,
      sampleCount: n,
      decodeTime,
      duration,
    });
    first += n;
    decodeTime += BigInt(duration);
  }
  return out;
}

/**
 * The prefix boxes with a prft after the leading styp and emsg boxes (dash.md §10.3; event
 * messages precede the prft, ISO/IEC 23009-1 5.10.3.3, drm-events.md §9.3).
 */
function withPrft(src: ChunkSource, ntp: bigint): Buffer[] {
  const w = new ByteWriter(32);
  writeBox(w, prftEntry, {
    version: 1,
    flags: 0,
    referenceTrackId: src.tfhd.trackId,
    ntpTimestamp: ntp,
    mediaTime: src.decodeTime,
  });
  const at = src.prefix.findIndex((b) => !['styp', 'emsg'].includes(b.toString('latin1', 4, 8)));
  const split = at < 0 ? src.prefix.length : at;
  return [...src.prefix.slice(0, split), w.result(), ...src.prefix.slice(split)];
}

/** moof + mdat header of one chunk. */
function writeChunkHeader(
  src: ChunkSource,
  isFirst: boolean,
  first: number,
  n: number,
  decodeTime: bigint,
): Buffer {
  const w = new ByteWriter(256 + n * 24);
  w.u32(0).fourcc('moof').bytes(src.mfhd);
  const trafAt = w.pos;
  w.u32(0).fourcc('traf');
  let dataOffsetAt = -1;
  let saioAt = -1;
  let recordsAt = -1;
  for (const b of src.trafBoxes) {
    switch (b.kind) {
      case 'tfhd': {
        // the chunk's data follows its own moof: base is the moof, no explicit base offset
        const flags = (src.tfhd.flags & ~TFHD_BASE_DATA_OFFSET) | TFHD_DEFAULT_BASE_IS_MOOF;
        const { baseDataOffset: _drop, ...rest } = src.tfhd;
        writeBox(w, tfhdEntry, { ...rest, flags });
        break;
      }
      case 'tfdt':
        w.u32(20).fourcc('tfdt').u32(0x01000000).u64(decodeTime);
        break;
      case 'trun': {
        const t = src.trun;
        const keepFirstFlags = isFirst && (t.flags & TRUN_FIRST_SAMPLE_FLAGS) !== 0;
        const flags = (t.flags | TRUN_DATA_OFFSET) & (keepFirstFlags ? ~0 : ~TRUN_FIRST_SAMPLE_FLAGS);
        const start = w.pos;
        writeBox(w, trunEntry, {
          version: t.version,
          flags,
          sampleCount: n,
          dataOffset: 0,
          ...(keepFirstFlags ? { firstSampleFlags: t.firstSampleFlags ?? 0 } : {}),
          samples: trunSampleSize(t.flags) === 0 ? [] : t.samples.slice(first, first + n),
        });
        dataOffsetAt = start + 16;
        break;
      }
      case 'saiz': {
        const f = b.fields;
        writeBox(w, saizEntry, {
          ...f,
          sampleCount: n,
          sampleInfoSizes: f.defaultSampleInfoSize === 0 ? f.sampleInfoSizes.slice(first, first + n) : [],
        });
        break;
      }
      case 'saio': {
        // one offset: the chunk's first sample-encryption record, relative to the moof
        // (ISO/IEC 14496-12 §8.7.9 with default-base-is-moof)
        const aux = src.trafBoxes.find((x) => x.kind === 'saiz');
        const typed = aux?.kind === 'saiz' && (aux.fields.flags & 1) !== 0 ? aux.fields : undefined;
        w.u32(typed ? 28 : 20)
          .fourcc('saio')
          .u32(typed ? 1 : 0);
        if (typed) w.fourcc(typed.auxInfoType ?? 'cenc').u32(typed.auxInfoTypeParameter ?? 0);
        w.u32(1);
        saioAt = w.pos;
        w.u32(0);
        break;
      }
      case 'encryption': {
        const at = writeEncryption(w, b.encryption, first, n);
        if (recordsAt < 0 || b.encryption.kind === 'senc') recordsAt = at;
        break;
      }
      case 'sbgp':
        writeSampleGroup(w, b.group, first, n);
        break;
      case 'copy':
        w.bytes(b.bytes);
        break;
    }
  }
  w.patchU32(trafAt, w.pos - trafAt);
  const moofSize = w.pos;
  w.patchU32(0, moofSize);
  if (dataOffsetAt >= 0) w.buf.writeInt32BE(moofSize + 8, dataOffsetAt);
  if (saioAt >= 0) w.patchU32(saioAt, recordsAt);
  let bytes = 0;
  for (let i = first; i < first + n; i++) bytes += src.data[i]!.length;
  if (bytes + 8 > 0xffffffff) throw new BmffError('unsupported', 'a chunk of 4 GiB or more');
  w.u32(bytes + 8).fourcc('mdat');
  return w.result();
}

/** Writes senc or the PIFF box for samples [first, first + n); returns where the records start. */
function writeEncryption(w: ByteWriter, e: ChunkEncryption, first: number, n: number): number {
  const start = w.pos;
  if (e.kind === 'senc') w.u32(0).fourcc('senc');
  else w.u32(0).fourcc('uuid').hex(PIFF_SAMPLE_ENCRYPTION_UUID);
  w.u8(e.version).u24(e.flags);
  if (e.override) w.bytes(e.override);
  const count = w.pos;
  writeEncryptionSamples(w, e.samples.slice(first, first + n), (e.flags & SENC_SUBSAMPLES) !== 0);
  w.patchU32(start, w.pos - start);
  return count + 4;
}

/** sbgp runs cut to samples [first, first + n). */
function writeSampleGroup(w: ByteWriter, g: ChunkSampleGroup, first: number, n: number): void {
  const runs: { count: number; index: number }[] = [];
  let s = 0;
  for (const r of g.runs) {
    const a = Math.max(s, first);
    const b = Math.min(s + r.count, first + n);
    if (b > a) runs.push({ count: b - a, index: r.index });
    s += r.count;
  }
  const start = w.pos;
  w.u32(0).fourcc('sbgp').u8(g.version).u24(0).fourcc(g.groupingType);
  if (g.version === 1) w.u32(g.parameter);
  w.u32(runs.length);
  for (const r of runs) w.u32(r.count).u32(r.index);
  w.patchU32(start, w.pos - start);
}

function writeBox<T>(w: ByteWriter, entry: BoxEntry<T>, v: T): void {
  const start = w.pos;
  w.u32(0).fourcc(entry.type);
  entry.write(w, v);
  w.patchU32(start, w.pos - start);
}

/** Adjacent views of one ArrayBuffer become one view (still no copy). */
function joinViews(views: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const v of views) {
    const last = out[out.length - 1];
    if (last && last.buffer === v.buffer && last.byteOffset + last.length === v.byteOffset) {
      out[out.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + v.length);
    } else if (v.length > 0) out.push(v);
  }
  return out;
}
