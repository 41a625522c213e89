/**
 * Widevine signalling (drm-events.md §4.6): the `pssh` box whose Data is a `WidevinePsshData`
 * protocol-buffers message, and a decoder of that message for the validator and `loopcast drm pssh`.
 */
import { psshBox } from './pssh.js';
import { SYSTEM_IDS, type KeySetEntry } from './systems.js';

/** A field the decoder does not know, kept by number (§4.6 last bullet). */
export interface WidevineUnknownField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0) as a decimal string, else the raw bytes as hex. */
  value: string;
}

/** The decoded message; absent fields are left out. */
export interface WidevinePsshFields {
  /** Field 2, 32 hex each, in message order. */
  keyIds: string[];
  /** Field 3. */
  provider?: string;
  /** Field 4, hex. */
  contentId?: string;
  /** Field 6. */
  policy?: string;
  /** Field 7. */
  cryptoPeriodIndex?: number;
  /** Field 9 as the u32 and as its four characters (`cenc`, `cbcs`, …). */
  protectionScheme?: { value: number; fourcc: string };
  unknown: WidevineUnknownField[];
}

export class WidevineDataError extends Error {}

/** Field numbers of WidevinePsshData that loopcast writes. */
const KEY_ID = 2;
const PROTECTION_SCHEME = 9;

/** Base-128 varint of a non-negative integer below 2^53. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/**
 * §4.6: for each KID (default first) field 2 with the 16 stored-order bytes, then field 9 with
 * the scheme's four characters as a big-endian u32. No other field.
 */
export function widevinePsshData(kids: readonly string[], scheme: string): Buffer {
  if (scheme.length !== 4)
    throw new RangeError(`protection scheme ${JSON.stringify(scheme)} is not four characters`);
  const parts: number[] = [];
  for (const kid of kids) parts.push((KEY_ID << 3) | 2, 16, ...Buffer.from(kid, 'hex'));
  parts.push((PROTECTION_SCHEME << 3) | 0, ...varint(Buffer.from(scheme, 'latin1').readUInt32BE(0)));
  return Buffer.from(parts);
}

/** §4.6: the version 0 `pssh` box of a key set (the KIDs are inside the message). */
export function widevinePssh(keys: readonly Pick<KeySetEntry, 'kid'>[], scheme: string): Buffer {
  return psshBox(
    SYSTEM_IDS.widevine,
    null,
    widevinePsshData(
      keys.map((k) => k.kid),
      scheme,
    ),
  );
}

/** Reads a WidevinePsshData message; throws WidevineDataError naming the byte for bad input. */
export function decodeWidevinePsshData(data: Uint8Array): WidevinePsshFields {
  const out: WidevinePsshFields = { keyIds: [], unknown: [] };
  let pos = 0;
  const readVarint = (what: string): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= data.length) throw new WidevineDataError(`${what} is truncated at byte ${pos}`);
      const b = data[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw new WidevineDataError(`${what} is longer than 10 bytes at byte ${pos}`);
  };
  const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
  while (pos < data.length) {
    const key = readVarint('a field key');
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new WidevineDataError(`field number 0 at byte ${pos - 1}`);
    if (wireType === 0) {
      const v = readVarint(`field ${field}`);
      if (field === 7) out.cryptoPeriodIndex = Number(v);
      else if (field === PROTECTION_SCHEME) {
        const n = Number(v & 0xffffffffn);
        const b = Buffer.alloc(4);
        b.writeUInt32BE(n >>> 0);
        out.protectionScheme = { value: n, fourcc: b.toString('latin1') };
      } else out.unknown.push({ field, wireType, value: v.toString() });
      continue;
    }
    let length: number;
    if (wireType === 2) length = Number(readVarint(`the length of field ${field}`));
    else if (wireType === 1) length = 8;
    else if (wireType === 5) length = 4;
    else throw new WidevineDataError(`field ${field} has wire type ${wireType}, which is not supported`);
    if (pos + length > data.length)
      throw new WidevineDataError(`field ${field} needs ${length} bytes at byte ${pos}, past the end`);
    const bytes = data.subarray(pos, pos + length);
    pos += length;
    if (wireType === 2 && field === KEY_ID) {
      if (length !== 16) throw new WidevineDataError(`key_id of ${length} bytes, expected 16`);
      out.keyIds.push(Buffer.from(bytes).toString('hex'));
    } else if (wireType === 2 && field === 3) out.provider = text(bytes);
    else if (wireType === 2 && field === 4) out.contentId = Buffer.from(bytes).toString('hex');
    else if (wireType === 2 && field === 6) out.policy = text(bytes);
    else out.unknown.push({ field, wireType, value: Buffer.from(bytes).toString('hex') });
  }
  return out;
}
