// DMAP encoder (daap.md §2). Every element is written with the width its registry type gives,
// never a width chosen from the value (§2.2: libdmapsharing reads a 4-byte astn as track 0).
// Replies are built bottom-up: children are encoded first, then wrapped, and a reply is a list
// of buffers so that cached per-item blocks are shared, not copied (§6.1).

import { emitType } from './registry.js';
import { codeInfo } from './registry.js';
import { boundsOf, type DmapType, type DmapVersion } from './types.js';
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

/** Size of the payload of a scalar element, or undefined when the value cannot be represented
 * and the field must be left out (dates outside the u32 range, §2.5). */
function payloadSize(code: string, type: DmapType, value: DmapScalar): number | undefined {
  switch (type) {
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
    case 10: {
      const s = dateSeconds(code, value);
      return s === undefined ? undefined : 4;
    }
    case 7:
    case 8:
      return 8;
    case 9:
      if (typeof value !== 'string') throw new DmapEncodeError(code, 'expects a string');
      return Buffer.byteLength(value, 'utf8');
    case 12:
      throw new DmapEncodeError(code, 'is a container');
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

function fourcc(code: string, value: DmapScalar): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length !== 4 || !/^[\x20-\x7e]{4}$/.test(value)) {
    throw new DmapEncodeError(code, `FourCC must be 4 ASCII characters: ${JSON.stringify(value)}`);
  }
  return Buffer.from(value, 'latin1').readUInt32BE(0);
}

/** Write one scalar element at offset; returns the new offset. */
function writeScalar(code: string, type: DmapType, value: DmapScalar, size: number, t: Buffer, o: number): number {
  header(code, size, t, o);
  o += 8;
  switch (type) {
    case 9:
      t.write(value as string, o, size, 'utf8');
      return o + size;
    case 10:
      t.writeUInt32BE(dateSeconds(code, value) ?? 0, o);
      return o + 4;
    case 11: {
      const n =
        typeof value === 'object' && !(value instanceof Date)
          ? packVersion(value)
          : typeof value === 'string'
            ? packVersion(value)
            : Number(toBigInt(code, value));
      t.writeUInt32BE(n, o);
      return o + 4;
    }
    default: {
      // Quirks from the registry (§2.7): mcnm and ascd carry four ASCII bytes.
      if (typeof value === 'string' && (type === 5 || type === 6)) {
        const n = fourcc(code, value);
        t.writeUInt32BE(n ?? 0, o);
        return o + 4;
      }
      if (typeof value === 'object' && !(value instanceof Date) && type === 5) {
        t.writeUInt32BE(packVersion(value), o); // aeSV: a packed version sent as u32 (§2.6)
        return o + 4;
      }
      const v = toBigInt(code, value);
      const [lo, hi] = boundsOf(type as 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8);
      if (v < lo || v > hi) throw new DmapEncodeError(code, `value ${v} does not fit type ${type}`);
      switch (type) {
        case 1:
          t.writeUInt8(Number(v), o);
          return o + 1;
        case 2:
          t.writeInt8(Number(v), o);
          return o + 1;
        case 3:
          t.writeUInt16BE(Number(v), o);
          return o + 2;
        case 4:
          t.writeInt16BE(Number(v), o);
          return o + 2;
        case 5:
          t.writeUInt32BE(Number(v), o);
          return o + 4;
        case 6:
          t.writeInt32BE(Number(v), o);
          return o + 4;
        case 7:
          t.writeBigUInt64BE(v, o);
          return o + 8;
        default:
          t.writeBigInt64BE(v, o);
          return o + 8;
      }
    }
  }
}

/** One field to write: a code and its value. */
export type Field = readonly [code: string, value: DmapScalar];

/**
 * Encode a run of scalar elements into one buffer (sizes first, then one allocation).
 * Dates that cannot be represented are left out (§2.5).
 */
export function encodeFields(fields: readonly Field[]): Buffer {
  const sizes: (number | undefined)[] = new Array<number | undefined>(fields.length);
  let total = 0;
  for (let i = 0; i < fields.length; i++) {
    const [code, value] = fields[i]!;
    const s = payloadSize(code, emitType(code), value);
    sizes[i] = s;
    if (s !== undefined) total += 8 + s;
  }
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (let i = 0; i < fields.length; i++) {
    const s = sizes[i];
    if (s === undefined) continue;
    const [code, value] = fields[i]!;
    o = writeScalar(code, emitType(code), value, s, out, o);
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
  return Buffer.concat(parts as Buffer[]);
}

/** True when the code exists in the registry and may be sent. */
export function isSendable(code: string): boolean {
  const c = codeInfo(code);
  return c !== undefined && c.type !== 'decode-only' && c.listed;
}
