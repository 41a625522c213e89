// DMAP encoder (daap.md §2). Every element is written with the width its registry type gives,
// never a width chosen from the value (§2.2: libdmapsharing reads a 4-byte astn as track 0).
// Replies are built bottom-up: children are encoded first, then wrapped, and a reply is a list
// of buffers so that cached per-item blocks are shared, not copied (§6.1).

import { emitType } from './registry.js';
import { codeInfo } from './registry.js';
import { boundsOf, widthOf, type DmapType, type DmapVersion } from './types.js';
import { packVersion } from './version.js';

/** An encoded element or sequence of elements: buffers laid end to end. */
export type Encoded = readonly Buffer[];

export type DmapScalar = number | bigint | string | Date | DmapVersion | boolean;

/** A value that does not fit its code's width: a programming error, never clamped (§2.3). */
export class DmapEncodeError extends RangeError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'DmapEncodeError';
  }
}

export function byteLength(parts: Encoded): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

function header(code: string, length: number, target: Buffer, offset: number): void {
  if (code.length !== 4) throw new DmapEncodeError(code, 'tag must be 4 characters');
  target.write(code, offset, 4, 'latin1');
  target.writeUInt32BE(length, offset + 4);
}

const MAX_DATE_S = 0xffffffff;
const U64 = boundsOf(7);

export function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
const S64 = boundsOf(8);

/** Per-code facts the encoder needs, precomputed from the registry (hot path, §12 B2). */
interface CodeSpec {
  readonly code: string;
  /** the 4 tag bytes as a big-endian u32 */
  readonly tag: number;
  readonly type: DmapType;
  /** bounds for integer types up to 32 bits (64-bit types check as bigint) */
  readonly lo: number;
  readonly hi: number;
  /** payload width of fixed-width integer types, −1 otherwise (strings, dates, versions) */
  readonly fixed: number;
}

const specs = new Map<string, CodeSpec>();

function specOf(code: string): CodeSpec {
  let s = specs.get(code);
  if (s) return s;
  const type = emitType(code);
  if (code.length !== 4) throw new DmapEncodeError(code, 'tag must be 4 characters');
  let lo = 0;
  let hi = 0;
  if (type <= 6) {
    const [l, h] = boundsOf(type as 1 | 2 | 3 | 4 | 5 | 6);
    lo = Number(l);
    hi = Number(h);
  }
  const w = widthOf(type);
  const fixed = type <= 8 && typeof w === 'number' ? w : -1;
  s = { code, tag: Buffer.from(code, 'latin1').readUInt32BE(0), type, lo, hi, fixed };
  specs.set(code, s);
  return s;
}

/** Size of the payload of a scalar element, or -1 when the value cannot be represented and the
 * field must be left out (dates outside the u32 range, §2.5). */
function payloadSize(sp: CodeSpec, value: DmapScalar): number {
  switch (sp.type) {
    case 1:
    case 2:
      return 1;
    case 3:
    case 4:
      return 2;
    case 5:
    case 6:
    case 11:
      return 4;
    case 10:
      return dateSeconds(sp.code, value) === undefined ? -1 : 4;
    case 7:
    case 8:
      return 8;
    case 9:
      if (typeof value !== 'string') throw new DmapEncodeError(sp.code, 'expects a string');
      return Buffer.byteLength(value, 'utf8');
    default:
      throw new DmapEncodeError(sp.code, 'is a container');
  }
}

function dateSeconds(code: string, value: DmapScalar): number | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value * 1000;
  else throw new DmapEncodeError(code, 'expects a Date');
  if (!Number.isFinite(ms)) return undefined;
  const s = Math.floor(ms / 1000);
  return s < 0 || s > MAX_DATE_S ? undefined : s;
}

function toBigInt(code: string, value: DmapScalar): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new DmapEncodeError(code, `not an integer: ${value}`);
    return BigInt(value);
  }
  throw new DmapEncodeError(code, `expects an integer, got ${typeof value}`);
}

function fourcc(code: string, value: string): number {
  if (value.length !== 4 || !/^[\x20-\x7e]{4}$/.test(value)) {
    throw new DmapEncodeError(code, `FourCC must be 4 ASCII characters: ${JSON.stringify(value)}`);
  }
  return Buffer.from(value, 'latin1').readUInt32BE(0);
}

function smallInt(sp: CodeSpec, value: DmapScalar): number {
  let v: number;
  if (typeof value === 'number') v = value;
  else if (typeof value === 'boolean') v = value ? 1 : 0;
  else if (typeof value === 'bigint') v = Number(value);
  else throw new DmapEncodeError(sp.code, `expects an integer, got ${typeof value}`);
  if (!Number.isInteger(v) || v < sp.lo || v > sp.hi) {
    throw new DmapEncodeError(sp.code, `value ${String(value)} does not fit type ${sp.type}`);
  }
  return v;
}

/** Write one scalar element at offset; returns the new offset. */
function writeScalar(
  sp: CodeSpec,
  value: DmapScalar,
  size: number,
  t: Buffer,
  o: number,
  dv: DataView = viewOf(t),
): number {
  // DataView stores are intrinsics; Buffer's write*BE helpers (BigInt ones especially) are slower.
  dv.setUint32(o, sp.tag);
  dv.setUint32(o + 4, size);
  o += 8;
  switch (sp.type) {
    case 9: {
      const str = value as string;
      if (size === str.length && size < 48) {
        // ASCII: byte per character, cheaper than a native call for short strings
        for (let i = 0; i < size; i++) t[o + i] = str.charCodeAt(i);
      } else if (size > 0) t.write(str, o, size, 'utf8');
      return o + size;
    }
    case 10:
      dv.setUint32(o, dateSeconds(sp.code, value) ?? 0);
      return o + 4;
    case 11: {
      const n =
        typeof value === 'object' && !(value instanceof Date)
          ? packVersion(value)
          : typeof value === 'string'
            ? packVersion(value)
            : smallInt({ ...sp, lo: 0, hi: 0xffffffff }, value);
      dv.setUint32(o, n);
      return o + 4;
    }
    case 1:
      dv.setUint8(o, smallInt(sp, value));
      return o + 1;
    case 2:
      dv.setInt8(o, smallInt(sp, value));
      return o + 1;
    case 3:
      dv.setUint16(o, smallInt(sp, value));
      return o + 2;
    case 4:
      dv.setInt16(o, smallInt(sp, value));
      return o + 2;
    case 5:
    case 6:
      // Quirks from the registry (§2.7): mcnm and ascd carry four ASCII bytes; aeSV a packed
      // version (§2.6).
      if (typeof value === 'string') dv.setUint32(o, fourcc(sp.code, value));
      else if (typeof value === 'object' && !(value instanceof Date) && sp.type === 5) {
        dv.setUint32(o, packVersion(value));
      } else if (sp.type === 5) dv.setUint32(o, smallInt(sp, value));
      else dv.setInt32(o, smallInt(sp, value));
      return o + 4;
    default: {
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
        // common case (ids as numbers): no bigint allocation
        dv.setUint32(o, Math.floor(value / 0x100000000));
        dv.setUint32(o + 4, value >>> 0);
        return o + 8;
      }
      const v = toBigInt(sp.code, value);
      const [lo, hi] = sp.type === 7 ? U64 : S64;
      if (v < lo || v > hi) throw new DmapEncodeError(sp.code, `value ${v} does not fit type ${sp.type}`);
      if (sp.type === 7) dv.setBigUint64(o, v);
      else dv.setBigInt64(o, v);
      return o + 8;
    }
  }
}

/** Internals for bulk encoders (items listings, §12 B2): same code paths as encodeFields. */
export const encoderInternals = {
  specOf,
  payloadSize,
  writeScalar,
} as const;
export type { CodeSpec };

/** One field to write: a code and its value. */
export type Field = readonly [code: string, value: DmapScalar];

/**
 * Encode a run of scalar elements into one buffer (sizes first, then one allocation).
 * Dates that cannot be represented are left out (§2.5).
 */
export function encodeFields(fields: readonly Field[]): Buffer {
  const n = fields.length;
  const sps: CodeSpec[] = new Array<CodeSpec>(n);
  const sizes: number[] = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const f = fields[i]!;
    const sp = specOf(f[0]);
    const sz = payloadSize(sp, f[1]);
    sps[i] = sp;
    sizes[i] = sz;
    if (sz >= 0) total += 8 + sz;
  }
  const out = Buffer.allocUnsafe(total);
  const dv = viewOf(out);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const sz = sizes[i]!;
    if (sz < 0) continue;
    o = writeScalar(sps[i]!, fields[i]![1], sz, out, o, dv);
  }
  return out;
}

/** Encode one scalar element. */
export function element(code: string, value: DmapScalar): Buffer {
  return encodeFields([[code, value]]);
}

/** Wrap already-encoded children in a container element. */
export function container(code: string, children: readonly (Buffer | Encoded)[]): Buffer[] {
  const type = emitType(code);
  if (type !== 12) throw new DmapEncodeError(code, 'is not a container');
  return wrapRaw(code, children);
}

/**
 * Wrap without a registry check: for elements whose type depends on their parent (a string
 * `mlit` inside browse listings, §2.7) and for test fixtures.
 */
export function wrapRaw(code: string, children: readonly (Buffer | Encoded)[]): Buffer[] {
  const out: Buffer[] = [Buffer.alloc(0)];
  let len = 0;
  for (const c of children) {
    if (Buffer.isBuffer(c)) {
      out.push(c);
      len += c.length;
    } else {
      for (const b of c) {
        out.push(b);
        len += b.length;
      }
    }
  }
  if (len > 0xffffffff) throw new DmapEncodeError(code, 'container larger than 4 GiB');
  const h = Buffer.allocUnsafe(8);
  header(code, len, h, 0);
  out[0] = h;
  return out;
}

/** A string `mlit` inside a browse listing (§2.7). */
export function stringItem(value: string): Buffer {
  const payload = Buffer.from(value, 'utf8');
  const h = Buffer.allocUnsafe(8 + payload.length);
  header('mlit', payload.length, h, 0);
  payload.copy(h, 8);
  return h;
}

export function concat(parts: Encoded): Buffer {
  return Buffer.concat(parts);
}

/** True when the code exists in the registry and may be sent. */
export function isSendable(code: string): boolean {
  const c = codeInfo(code);
  return c !== undefined && c.type !== 'decode-only' && c.listed;
}
