/**
 * The one box header reader (ISO/IEC 14496-12 §4.2). Every size case is decided here, so no
 * other code needs to trust a size field: 0 ("extends to the end of the enclosing range"),
 * 1 (64-bit largesize follows), smaller than its own header, larger than the parent, or
 * running past the end of the available bytes.
 */
import { parseError } from './errors.js';

export interface BoxHeader {
  type: string;
  /** Total size in bytes, header included, already resolved for size 0 and 1. */
  size: number;
  headerSize: number;
  /** 32 hex digits, for `uuid` boxes only. */
  usertype?: string;
  /** How the size was coded, so a re-serialised box keeps its header form. */
  sizeForm: 'compact' | 'large' | 'to-end';
}

/**
 * @param buf bytes holding at least the header
 * @param pos where the header starts in buf
 * @param bufEnd end of the bytes available in buf
 * @param parentEnd end of the enclosing box (or of the file) in buf coordinates; a header that
 *   is complete in buf may still describe a box that ends beyond buf when reading from a file
 * @param base offset of buf[0] in the whole input, for error messages
 */
export function readBoxHeader(
  buf: Buffer,
  pos: number,
  bufEnd: number,
  parentEnd = bufEnd,
  base = 0,
): BoxHeader {
  const at = base + pos;
  const avail = Math.min(bufEnd, parentEnd) - pos;
  if (avail < 8) throw parseError(`box header needs 8 bytes, ${Math.max(avail, 0)} left`, at);
  const size32 = buf.readUInt32BE(pos);
  const type = buf.toString('latin1', pos + 4, pos + 8);
  let headerSize = 8;
  let size: number;
  let sizeForm: BoxHeader['sizeForm'] = 'compact';
  const room = parentEnd - pos;
  if (size32 === 1) {
    if (avail < 16) throw parseError(`'${printable(type)}' 64-bit size truncated`, at);
    const hi = buf.readUInt32BE(pos + 8);
    const lo = buf.readUInt32BE(pos + 12);
    if (hi > 0x1fffff) throw parseError(`'${printable(type)}' 64-bit size too large`, at);
    size = hi * 0x100000000 + lo;
    headerSize = 16;
    sizeForm = 'large';
  } else if (size32 === 0) {
    size = room;
    sizeForm = 'to-end';
  } else {
    size = size32;
  }
  if (type === 'uuid') {
    if (avail < headerSize + 16) throw parseError('uuid box usertype truncated', at);
    headerSize += 16;
  }
  if (size < headerSize) throw parseError(`'${printable(type)}' size ${size} smaller than its header`, at);
  if (size > room)
    throw parseError(`'${printable(type)}' size ${size} exceeds the ${room} bytes of its parent`, at);
  const h: BoxHeader = { type, size, headerSize, sizeForm };
  if (type === 'uuid') h.usertype = buf.toString('hex', pos + headerSize - 16, pos + headerSize);
  return h;
}

export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, '?');
}
