// DMAP decoder (daap.md §2.10). Reads by the registry type, tolerates integer width mismatches
// (recording a warning), keeps unknown tags as raw bytes, and only ever throws DmapDecodeError.

import { codeInfo } from './registry.js';
import { isSigned, type DmapType, type DmapVersion } from './types.js';
import { unpackVersion } from './version.js';

export class DmapDecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'DmapDecodeError';
  }
}

export type DmapValue = number | bigint | string | Date | DmapVersion | Uint8Array | DmapNode[];

export interface DmapNode {
  readonly code: string;
  /** dotted name from the registry, when known */
  readonly name?: string;
  /** the type the payload was read as; 'raw' for unknown tags and unreadable payloads */
  readonly type: DmapType | 'raw';
  readonly value: DmapValue;
  /** byte offset of the element header */
  readonly offset: number;
  readonly length: number;
  /** for an unknown tag whose payload parses as elements: a tentative reading (§2.10) */
  readonly tentative?: DmapNode[];
}

export interface DecodeOptions {
  /** a type table to use instead of the registry (e.g. one learnt from /content-codes) */
  readonly types?: ReadonlyMap<string, DmapType>;
  /** when set, only codes in `types` are known (Amarok-style decoding, §7.5) */
  readonly typesOnly?: boolean;
  readonly maxDepth?: number;
}

export interface DecodeResult {
  readonly root: DmapNode;
  readonly warnings: string[];
}

const BROWSE_LISTINGS = new Set(['abar', 'abal', 'abgn', 'abcp']);
const utf8 = new TextDecoder('utf-8', { fatal: false });

function typeOf(code: string, opts: DecodeOptions): DmapType | 'int' | 'raw' | undefined {
  const t = opts.types?.get(code);
  if (t !== undefined) return t;
  if (opts.typesOnly) return undefined;
  const c = codeInfo(code);
  if (!c) return undefined;
  if (c.type !== 'decode-only') return c.type;
  switch (c.decodeAs) {
    case 'string':
      return 9;
    case 'container':
      return 12;
    case 'date':
      return 10;
    case 'version':
      return 11;
    case 'int':
      return 'int';
    default:
      return 'raw';
  }
}

function readTag(buf: Uint8Array, o: number): string {
  return String.fromCharCode(buf[o]!, buf[o + 1]!, buf[o + 2]!, buf[o + 3]!);
}

function readInt(view: DataView, o: number, len: number, signed: boolean): number | bigint {
  switch (len) {
    case 1:
      return signed ? view.getInt8(o) : view.getUint8(o);
    case 2:
      return signed ? view.getInt16(o) : view.getUint16(o);
    case 4:
      return signed ? view.getInt32(o) : view.getUint32(o);
    default:
      return signed ? view.getBigInt64(o) : view.getBigUint64(o);
  }
}

const WIDTH: Partial<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 8,
  8: 8,
  10: 4,
  11: 4,
};

/** Decode a sequence of elements in [start, end). */
function decodeSeq(
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  depth: number,
  parent: string | undefined,
  opts: DecodeOptions,
  warnings: string[],
): DmapNode[] {
  const maxDepth = opts.maxDepth ?? 32;
  if (depth > maxDepth) throw new DmapDecodeError(`nesting deeper than ${maxDepth}`, start);
  const out: DmapNode[] = [];
  let o = start;
  while (o < end) {
    if (end - o < 8) throw new DmapDecodeError('truncated element header', o);
    const code = readTag(buf, o);
    const len = view.getUint32(o + 4);
    const p = o + 8;
    if (len > end - p)
      throw new DmapDecodeError(`length ${len} of ${JSON.stringify(code)} runs past its parent`, o);
    out.push(decodeOne(buf, view, code, o, p, len, depth, parent, opts, warnings));
    o = p + len;
  }
  return out;
}

function decodeOne(
  buf: Uint8Array,
  view: DataView,
  code: string,
  o: number,
  p: number,
  len: number,
  depth: number,
  parent: string | undefined,
  opts: DecodeOptions,
  warnings: string[],
): DmapNode {
  const info = codeInfo(code);
  const name = info?.name;
  const base = { code, offset: o, length: len, ...(name !== undefined ? { name } : {}) };
  const raw = (): Uint8Array => buf.slice(p, p + len);
  let t = typeOf(code, opts);
  // §2.7: mlit holds a string inside browse listings.
  if (code === 'mlit' && parent !== undefined && BROWSE_LISTINGS.has(parent)) t = 9;
  if (t === undefined) {
    // Unknown tag: raw bytes, plus a tentative container reading when it parses cleanly.
    let tentative: DmapNode[] | undefined;
    if (len >= 8) {
      try {
        tentative = decodeSeq(buf, view, p, p + len, depth + 1, code, opts, []);
      } catch (e) {
        if (!(e instanceof DmapDecodeError)) throw e;
      }
    }
    return { ...base, type: 'raw', value: raw(), ...(tentative ? { tentative } : {}) };
  }
  if (t === 'raw') return { ...base, type: 'raw', value: raw() };
  if (t === 12)
    return { ...base, type: 12, value: decodeSeq(buf, view, p, p + len, depth + 1, code, opts, warnings) };
  if (t === 9) return { ...base, type: 9, value: utf8.decode(buf.subarray(p, p + len)) };
  // §2.7: mcnm and FourCC codes carry 4 ASCII bytes.
  if (info?.quirks.includes('tag-as-ascii') || (info?.quirks.includes('fourcc') && len === 4)) {
    if (len === 4) return { ...base, type: 9, value: readTag(buf, p) };
  }
  if (t === 'int') {
    if (len === 1 || len === 2 || len === 4 || len === 8) {
      return {
        ...base,
        type: ({ 1: 1, 2: 3, 4: 5, 8: 7 } as const)[len],
        value: readInt(view, p, len, false),
      };
    }
    warnings.push(`${code} at ${o}: integer of length ${len}`);
    return { ...base, type: 'raw', value: raw() };
  }
  const want = WIDTH[t]!;
  if (len !== want) {
    if (t !== 10 && t !== 11 && (len === 1 || len === 2 || len === 4 || len === 8)) {
      warnings.push(`${code} at ${o}: length ${len}, registry width ${want}`);
      return { ...base, type: t, value: readInt(view, p, len, isSigned(t)) };
    }
    warnings.push(`${code} at ${o}: length ${len} unreadable as type ${t}`);
    return { ...base, type: 'raw', value: raw() };
  }
  if (t === 10) return { ...base, type: 10, value: new Date(view.getUint32(p) * 1000) };
  if (t === 11) return { ...base, type: 11, value: unpackVersion(view.getUint32(p)) };
  return { ...base, type: t, value: readInt(view, p, len, isSigned(t)) };
}

/** Decode one reply body: exactly one top-level element (§2.1). */
export function decode(input: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const warnings: string[] = [];
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const nodes = decodeSeq(input, view, 0, input.byteLength, 0, undefined, opts, warnings);
  if (nodes.length !== 1)
    throw new DmapDecodeError(`expected one top-level element, found ${nodes.length}`, 0);
  return { root: nodes[0]!, warnings };
}

/** Decode a run of elements (e.g. a fragment in a test). */
export function decodeAll(
  input: Uint8Array,
  opts: DecodeOptions = {},
): { nodes: DmapNode[]; warnings: string[] } {
  const warnings: string[] = [];
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  return { nodes: decodeSeq(input, view, 0, input.byteLength, 0, undefined, opts, warnings), warnings };
}

/** First direct child with the given code. */
export function child(node: DmapNode, code: string): DmapNode | undefined {
  return Array.isArray(node.value) ? node.value.find((n) => n.code === code) : undefined;
}

export function children(node: DmapNode, code?: string): DmapNode[] {
  if (!Array.isArray(node.value)) return [];
  return code === undefined ? node.value : node.value.filter((n) => n.code === code);
}

/** Convert to a plain JSON-able tree: [code, value] pairs, bigints as decimal strings. */
export function toPlain(node: DmapNode): unknown {
  const v = node.value;
  if (Array.isArray(v)) return [node.code, v.map(toPlain)];
  if (typeof v === 'bigint') return [node.code, v.toString()];
  if (v instanceof Date) return [node.code, v.toISOString()];
  if (v instanceof Uint8Array) return [node.code, Buffer.from(v).toString('hex')];
  return [node.code, v];
}
