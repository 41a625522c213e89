/**
 * The live segment rewrite (spec dash.md §9.3, style.md item 9), run on every segment request.
 * It walks the stored fragment's box headers once, writes new header bytes (styp kept, sidx
 * dropped, emsg inserted before the moof, a new moof with mfhd and tfdt patched) and returns
 * them followed by the original mdat as a view of the input: sample data is never copied.
 *
 * When the moof changes size (tfdt inserted or grown to version 1, boxes inserted into trafs)
 * trun.data_offset (ISO/IEC 14496-12 §8.8.8) and saio offsets (§8.7.9) of trafs whose base is
 * the moof move by the same amount; an explicit tfhd.base_data_offset is set to the moof's
 * position in the response.
 */
import type { BoxEntry } from './box-entry.js';
import { emsg as emsgEntry, type EmsgFields } from './boxes/emsg.js';
import { prft as prftEntry, type PrftFields } from './boxes/prft.js';
import { PIFF_SAMPLE_ENCRYPTION_UUID } from './boxes/sample-encryption.js';
import { TFHD_BASE_DATA_OFFSET, TFHD_DEFAULT_BASE_IS_MOOF } from './boxes/tfhd.js';
import { TRUN_DATA_OFFSET, TRUN_FIRST_SAMPLE_FLAGS, TRUN_SIZE, trunSampleSize } from './boxes/trun.js';
import { ByteWriter } from './bytes.js';
import { BmffError, parseError } from './errors.js';
import { readBoxHeader, type BoxHeader } from './header.js';

export interface SegmentPlan {
  /** New mfhd.sequence_number. */
  sequenceNumber: number;
  /** New decode time of the first tfdt; every other tfdt moves by the same amount. */
  baseMediaDecodeTime: bigint | number;
  /** prft boxes to put before the (first) moof, after the emsg boxes (low latency, dash.md
   * §10.3; drm-events.md §9.3): serialised boxes or typed fields. */
  prft?: readonly (Buffer | PrftFields)[];
  /** emsg boxes to put before the (first) moof: serialised boxes or typed fields. */
  emsg?: readonly (Buffer | EmsgFields)[];
  /** Remove top-level sidx boxes (their times would contradict the new tfdt). Default true. */
  dropSidx?: boolean;
  /** Serialised boxes appended to every traf (the PIFF sample-encryption box, …). */
  trafBoxes?: readonly Buffer[];
  /** Copy each traf's senc into a PIFF sample-encryption box (uuid a2394f52-…, drm-events.md
   * §6.7), placed immediately before saiz, or right after senc when there is no saiz. */
  piff?: boolean;
  /** New track id for tfhd. */
  trackId?: number;
  /** Move saio offsets with the moof; false reproduces the `bugs=saio` fault. Default true. */
  fixSaio?: boolean;
  /** Offset of the segment in its file, to re-base an explicit tfhd.base_data_offset. Default:
   * the base is assumed to have pointed at the moof, as packagers write it. */
  sourceOffset?: number;
}

interface Top {
  h: BoxHeader;
  pos: number;
}

const TWO_32 = 0x100000000n;

/**
 * Rewrites one stored media segment (optional styp/sidx/emsg/prft, then moof+mdat pairs).
 * Returns the new header bytes, then the mdat (and anything after it) as views of `segment`.
 */
export function rewriteSegment(segment: Buffer, plan: SegmentPlan): Buffer[] {
  const top: Top[] = [];
  for (let pos = 0; pos < segment.length;) {
    const h = readBoxHeader(segment, pos, segment.length);
    top.push({ h, pos });
    pos += h.size;
  }
  const firstMoof = top.findIndex((t) => t.h.type === 'moof');
  if (firstMoof < 0) throw new BmffError('unsupported', 'segment has no moof');
  const dropSidx = plan.dropSidx !== false;
  const newBase = BigInt(plan.baseMediaDecodeTime);
  const state: MoofState = { delta: undefined, newBase };

  const out: Buffer[] = [];
  let w = new ByteWriter(segment.length < 2048 ? segment.length + 512 : 2048);
  let emitted = 0; // bytes already pushed to `out`
  for (let i = 0; i < top.length; i++) {
    const { h, pos } = top[i]!;
    if (h.type === 'sidx' && dropSidx) continue;
    if (i === firstMoof) {
      // ISO/IEC 23009-1 5.10.3.3: event messages precede the prft (drm-events.md §9.3).
      for (const e of plan.emsg ?? []) writeTyped(w, emsgEntry, e);
      for (const e of plan.prft ?? []) writeTyped(w, prftEntry, e);
    }
    if (h.type === 'moof') {
      writeMoof(w, segment, pos, h, plan, state, emitted);
    } else if (h.type === 'mdat' || w.pos + h.size > 4096) {
      // pass large boxes (mdat above all) through as views of the input
      if (w.pos > 0) {
        out.push(w.result());
        emitted += w.pos;
        w = new ByteWriter(1024);
      }
      out.push(segment.subarray(pos, pos + h.size));
      emitted += h.size;
    } else {
      w.bytes(segment.subarray(pos, pos + h.size));
    }
  }
  if (w.pos > 0) out.push(w.result());
  return out;
}

/** A box given as bytes is copied; given as fields it is written straight into the header
 * bytes through its registry entry (no intermediate box or buffer). */
function writeTyped<T>(w: ByteWriter, entry: BoxEntry<T>, e: Buffer | T): void {
  if (Buffer.isBuffer(e)) {
    w.bytes(e);
    return;
  }
  const start = w.pos;
  w.u32(0).fourcc(entry.type);
  entry.write(w, e);
  w.patchU32(start, w.pos - start);
}

interface MoofState {
  /** newBase − first original tfdt, fixed at the first tfdt seen. */
  delta: bigint | undefined;
  newBase: bigint;
}

interface OffsetPatch {
  at: number;
  old: number;
  wide?: boolean;
}

/** Source bytes copied unchanged to the output: [src, src + len) went to `out`. */
interface Copy {
  src: number;
  len: number;
  out: number;
}

function writeMoof(
  w: ByteWriter,
  src: Buffer,
  moofPos: number,
  mh: BoxHeader,
  plan: SegmentPlan,
  st: MoofState,
  emitted: number,
): void {
  const start = w.pos;
  const responsePos = emitted + start;
  w.u32(0).fourcc('moof');
  const end = moofPos + mh.size;
  const relPatches: OffsetPatch[] = []; // data offsets relative to the moof
  const saioPatches: OffsetPatch[] = [];
  const basePatches: { at: number; trunPatches: OffsetPatch[]; oldBase: number }[] = [];
  const copies: Copy[] = [];
  let firstTraf = true;
  for (let p = moofPos + mh.headerSize; p < end;) {
    const h = readBoxHeader(src, p, end, end);
    if (h.type === 'mfhd') {
      if (h.size < 16) throw parseError('mfhd too small', p);
      w.bytes(src.subarray(p, p + 12)).u32(plan.sequenceNumber);
    } else if (h.type === 'traf') {
      writeTraf(w, src, p, h, plan, st, firstTraf, relPatches, saioPatches, basePatches, copies);
      firstTraf = false;
    } else {
      w.bytes(src.subarray(p, p + h.size));
    }
    p += h.size;
  }
  const size = w.pos - start;
  w.patchU32(start, size);
  const delta = size - mh.size;
  for (const x of relPatches) w.buf.writeInt32BE((x.old + delta) | 0, x.at);
  if (plan.fixSaio !== false) {
    for (const x of saioPatches) {
      const old = x.wide ? Number(w.buf.readBigUInt64BE(x.at)) : x.old;
      // a target inside the moof (senc) moves with the box holding it, one in the mdat by delta
      const c =
        old < mh.size
          ? copies.find((k) => moofPos + old >= k.src && moofPos + old < k.src + k.len)
          : undefined;
      const moved = c ? c.out - start + (moofPos + old - c.src) : old + delta;
      if (x.wide) w.buf.writeBigUInt64BE(BigInt(Math.max(0, moved)), x.at);
      else w.buf.writeUInt32BE(Math.max(0, moved) >>> 0, x.at);
    }
  }
  for (const b of basePatches) {
    // the base becomes this moof's position in the response; data offsets follow (see header)
    const rebase = b.oldBase - (plan.sourceOffset === undefined ? b.oldBase : plan.sourceOffset + moofPos);
    w.buf.writeBigUInt64BE(BigInt(responsePos), b.at);
    for (const x of b.trunPatches) w.buf.writeInt32BE((x.old + rebase + delta) | 0, x.at);
  }
}

function writeTraf(
  w: ByteWriter,
  src: Buffer,
  trafPos: number,
  th: BoxHeader,
  plan: SegmentPlan,
  st: MoofState,
  firstTraf: boolean,
  relPatches: OffsetPatch[],
  saioPatches: OffsetPatch[],
  basePatches: { at: number; trunPatches: OffsetPatch[]; oldBase: number }[],
  copies: Copy[],
): void {
  const start = w.pos;
  w.u32(0).fourcc('traf');
  const end = trafPos + th.size;
  let tfhdFlags = -1;
  let sawTfdt = false;
  let defaultSize = 0;
  let nextImplicit = 0; // implicit data offset of the next trun (relative to the base)
  const offsets: OffsetPatch[] = [];
  const saios: OffsetPatch[] = [];
  let baseAt = -1;
  let oldBase = 0;
  const senc = plan.piff ? findChild(src, trafPos + th.headerSize, end, 'senc') : undefined;
  const hasSaiz = senc !== undefined && findChild(src, trafPos + th.headerSize, end, 'saiz') !== undefined;
  let piffDone = senc === undefined;
  const writePiff = (): void => {
    const payload = src.subarray(senc!.pos + senc!.headerSize, senc!.pos + senc!.size);
    w.u32(24 + payload.length)
      .fourcc('uuid')
      .hex(PIFF_SAMPLE_ENCRYPTION_UUID);
    // the senc payload as is: version, flags (bit 0 clear: no override), count, records
    const at = w.pos;
    w.bytes(payload);
    if (payload.length >= 4) w.buf[at + 3]! &= 0xfe;
    piffDone = true;
  };
  for (let p = trafPos + th.headerSize; p < end;) {
    const h = readBoxHeader(src, p, end, end);
    const body = p + h.headerSize;
    if (!piffDone && hasSaiz && h.type === 'saiz') writePiff();
    if (h.type === 'tfhd') {
      need(h, p, 8);
      tfhdFlags = src.readUInt32BE(body) & 0xffffff;
      const at = w.pos;
      w.bytes(src.subarray(p, p + h.size));
      if (plan.trackId !== undefined) w.buf.writeUInt32BE(plan.trackId >>> 0, at + h.headerSize + 4);
      let q = body + 8;
      if (tfhdFlags & TFHD_BASE_DATA_OFFSET) {
        need(h, p, 16);
        baseAt = at + h.headerSize + 8;
        oldBase = Number(src.readBigUInt64BE(q));
        q += 8;
      }
      if (tfhdFlags & 0x2) q += 4;
      if (tfhdFlags & 0x8) q += 4;
      if (tfhdFlags & 0x10 && q + 4 <= p + h.size) defaultSize = src.readUInt32BE(q);
      if (!sawTfdt && !hasChild(src, trafPos + th.headerSize, end, 'tfdt')) {
        writeTfdt(w, st, undefined, 0);
        sawTfdt = true;
      }
    } else if (h.type === 'tfdt') {
      need(h, p, 8);
      const version = src[body]!;
      if (version === 1) need(h, p, 12);
      const old = version === 1 ? src.readBigUInt64BE(body + 4) : BigInt(src.readUInt32BE(body + 4));
      writeTfdt(w, st, old, version);
      sawTfdt = true;
    } else if (h.type === 'trun') {
      need(h, p, 8);
      const flags = src.readUInt32BE(body) & 0xffffff;
      const count = src.readUInt32BE(body + 4);
      const at = w.pos;
      if (flags & TRUN_DATA_OFFSET) {
        need(h, p, 12);
        w.bytes(src.subarray(p, p + h.size));
        const old = src.readInt32BE(body + 8);
        offsets.push({ at: at + h.headerSize + 8, old });
        nextImplicit = old + runBytes(src, body, h, flags, count, defaultSize);
      } else {
        // give the run an explicit data offset (ISO/IEC 14496-12 §8.8.8: absent means "right
        // after the previous run", or the base for the first), growing the trun by 4 bytes
        if (h.headerSize !== 8) throw new BmffError('unsupported', 'trun with a 64-bit header', p);
        w.u32(h.size + 4)
          .fourcc('trun')
          .u32((src.readUInt32BE(body) | TRUN_DATA_OFFSET) >>> 0)
          .u32(count);
        const slot = w.pos;
        w.i32(0).bytes(src.subarray(body + 8, p + h.size));
        offsets.push({ at: slot, old: nextImplicit });
        nextImplicit += runBytes(src, body, h, flags, count, defaultSize);
      }
    } else if (h.type === 'saio') {
      need(h, p, 8);
      const version = src[body]!;
      const flags = src.readUInt32BE(body) & 0xffffff;
      const at = w.pos;
      w.bytes(src.subarray(p, p + h.size));
      let q = body + 4 + (flags & 1 ? 8 : 0);
      if (q + 4 > p + h.size) throw parseError('saio too small', p);
      const n = src.readUInt32BE(q);
      q += 4;
      const width = version === 0 ? 4 : 8;
      if (q + n * width > p + h.size) throw parseError('saio entries exceed the box', p);
      for (let i = 0; i < n; i++, q += width) {
        const rel = q - p;
        saios.push({ at: at + rel, old: width === 4 ? src.readUInt32BE(q) : 0, wide: width === 8 });
      }
    } else {
      copies.push({ src: p, len: h.size, out: w.pos });
      w.bytes(src.subarray(p, p + h.size));
    }
    if (!piffDone && !hasSaiz && h.type === 'senc') writePiff();
    p += h.size;
  }
  if (tfhdFlags < 0) throw parseError('traf without tfhd', trafPos);
  for (const b of plan.trafBoxes ?? []) w.bytes(b);
  w.patchU32(start, w.pos - start);
  if (tfhdFlags & TFHD_BASE_DATA_OFFSET) {
    basePatches.push({ at: baseAt, trunPatches: offsets, oldBase });
    saioPatches.push(...saios);
  } else if (tfhdFlags & TFHD_DEFAULT_BASE_IS_MOOF || firstTraf) {
    relPatches.push(...offsets);
    saioPatches.push(...saios);
  }
}

function writeTfdt(w: ByteWriter, st: MoofState, old: bigint | undefined, version: number): void {
  if (st.delta === undefined) st.delta = st.newBase - (old ?? 0n);
  let v = old === undefined ? st.newBase : old + st.delta;
  if (v < 0n) v = 0n;
  if (v >= TWO_32 || version === 1) {
    w.u32(20).fourcc('tfdt').u32(0x01000000).u64(v);
  } else {
    w.u32(16).fourcc('tfdt').u32(0).u32(Number(v));
  }
}

/** Throws unless the box at p has at least n payload bytes. */
function need(h: BoxHeader, p: number, n: number): void {
  if (h.size - h.headerSize < n) throw parseError(`'${h.type}' too small`, p);
}

function hasChild(src: Buffer, p: number, end: number, type: string): boolean {
  return findChild(src, p, end, type) !== undefined;
}

/** The first child of a type among the boxes in [p, end); the hot path compares the type as a
 * 32-bit code, and only a match gets its header fully read (and checked). */
function findChild(
  src: Buffer,
  p: number,
  end: number,
  type: string,
): (BoxHeader & { pos: number }) | undefined {
  const code = Buffer.from(type, 'latin1').readUInt32BE(0);
  while (p + 8 <= end) {
    if (src.readUInt32BE(p + 4) === code) return { ...readBoxHeader(src, p, end, end), pos: p };
    const size = src.readUInt32BE(p);
    if (size < 8) return undefined; // 0 (to the end), 1 (64-bit) or malformed: no more siblings to skip cheaply
    p += size;
  }
  return undefined;
}

/** Bytes of sample data a run covers (for implicit offsets of the following run). */
function runBytes(
  src: Buffer,
  body: number,
  h: BoxHeader,
  flags: number,
  count: number,
  defaultSize: number,
): number {
  if (!(flags & TRUN_SIZE)) return count * defaultSize;
  const per = trunSampleSize(flags);
  let q = body + 8 + (flags & TRUN_DATA_OFFSET ? 4 : 0) + (flags & TRUN_FIRST_SAMPLE_FLAGS ? 4 : 0);
  const sizeAt = flags & 0x100 ? 4 : 0;
  const end = body - h.headerSize + h.size;
  let n = 0;
  for (let i = 0; i < count && q + per <= end; i++, q += per) n += src.readUInt32BE(q + sizeAt);
  return n;
}
