/**
 * Serialises box trees. Untouched boxes are copied from their original bytes (or, with
 * toBuffers, passed through as the very same views); changed boxes are re-serialised from
 * their fields and children, which fixes the sizes of every ancestor on the way up.
 */
import type { Box } from './box.js';
import { ByteWriter } from './bytes.js';
import { fixMoofOffsets } from './moof-offsets.js';

export interface WriteOptions {
  /** Correct trun data_offset (and saio) of a moof that changed size. Default true. */
  fixOffsets?: boolean;
  /** Move saio offsets with the moof; false reproduces the `bugs=saio` fault. Default true. */
  fixSaio?: boolean;
}

export function writeBox(w: ByteWriter, box: Box, opts: WriteOptions = {}): void {
  if (!box.dirty && box.raw) {
    w.bytes(box.raw);
    return;
  }
  if (box.type === 'moof' && box.raw && opts.fixOffsets !== false)
    fixMoofOffsets(box, opts.fixSaio !== false);
  const start = w.pos;
  const large = box.sizeForm === 'large';
  w.u32(large ? 1 : 0).fourcc(box.type);
  if (large) w.u64(0);
  if (box.usertype !== undefined) w.hex(box.usertype);
  const entry = box.entry;
  const fields = box.fields;
  if (entry && fields !== undefined) entry.write(w, fields);
  if (entry?.container) {
    for (const c of box.children) writeBox(w, c, opts);
    if (box.trailer) w.bytes(box.trailer);
  } else if (box.extra) {
    w.bytes(box.extra);
  }
  const size = w.pos - start;
  if (large) w.buf.writeBigUInt64BE(BigInt(size), start + 8);
  else if (size > 0xffffffff) throw new RangeError(`box '${box.type}' of ${size} bytes needs a 64-bit size`);
  else if (!(box.sizeForm === 'to-end' && !box.parent && box.raw)) w.patchU32(start, size);
}

export function serializeBox(box: Box, opts?: WriteOptions): Buffer {
  const w = new ByteWriter(box.dirty || !box.raw ? 512 : box.raw.length);
  writeBox(w, box, opts);
  return w.result();
}

export function serializeBoxes(boxes: readonly Box[], opts?: WriteOptions): Buffer {
  return Buffer.concat(toBuffers(boxes, opts));
}

/**
 * The boxes as a list of buffers without copying untouched ones: each unchanged box is its
 * original view (an mdat slice stays a slice of the input), each changed box a new buffer.
 */
export function toBuffers(boxes: readonly Box[], opts?: WriteOptions): Buffer[] {
  return boxes.map((b) => (!b.dirty && b.raw ? b.raw : serializeBox(b, opts)));
}

/** Size the box will have when written. */
export function boxSize(box: Box, opts?: WriteOptions): number {
  if (!box.dirty && box.raw) return box.raw.length;
  return serializeBox(box, { ...opts, fixOffsets: false }).length;
}
