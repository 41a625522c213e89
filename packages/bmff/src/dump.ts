/**
 * A JSON-friendly view of box trees for `loopcast mp4 dump` and the inspection pages, driven
 * by the registry: each entry's describe (or its fields), children recursively.
 */
import type { Box } from './box.js';

export interface DumpNode {
  type: string;
  /** Registry name, when the box is registered. */
  name?: string;
  offset: number;
  size: number;
  fields?: Record<string, unknown>;
  /** Payload bytes of unregistered boxes (hex, truncated) or bytes the entry left unread. */
  extra?: string;
  children?: DumpNode[];
}

export interface DumpOptions {
  /** Longest byte string shown in full (hex); longer ones are cut. Default 64 bytes. */
  maxBytes?: number;
  /** Do not read these boxes' payloads (mdat). */
  opaque?: readonly string[];
}

export function dumpBox(box: Box, opts: DumpOptions = {}): DumpNode {
  const max = opts.maxBytes ?? 64;
  const node: DumpNode = { type: box.key, offset: box.offset, size: box.raw?.length ?? 0 };
  const entry = box.entry;
  if (entry) node.name = entry.name;
  if (opts.opaque?.includes(box.type)) return node;
  if (entry) {
    const f = box.fields;
    node.fields = plain(entry.describe ? entry.describe(f) : f, max) as Record<string, unknown>;
    if (entry.container) node.children = box.children.map((c) => dumpBox(c, opts));
  }
  const extra = box.extra;
  if (extra && extra.length) node.extra = hex(extra, max);
  return node;
}

export function dumpBoxes(boxes: readonly Box[], opts?: DumpOptions): DumpNode[] {
  return boxes.map((b) => dumpBox(b, opts));
}

function hex(b: Uint8Array, max: number): string {
  const s = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, max)).toString('hex');
  return b.length > max ? `${s}… (${b.length} bytes)` : s;
}

/** bigint → number when exact, else string; Buffers → hex; recursion for arrays and objects. */
function plain(v: unknown, max: number): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return hex(v, max);
  if (Array.isArray(v)) return v.map((x) => plain(x, max));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = plain(x, max);
    return o;
  }
  return v;
}

/** Indented text rendering of dump nodes. */
export function formatDump(nodes: readonly DumpNode[], indent = ''): string {
  const lines: string[] = [];
  for (const n of nodes) {
    lines.push(`${indent}${printable(n.type)} @${n.offset} size ${n.size}${n.name ? ` — ${n.name}` : ''}`);
    for (const [k, v] of Object.entries(n.fields ?? {})) lines.push(`${indent}    ${k}: ${inline(v)}`);
    if (n.extra) lines.push(`${indent}    (bytes): ${n.extra}`);
    if (n.children?.length) lines.push(formatDump(n.children, `${indent}  `));
  }
  return lines.join('\n');
}

function inline(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s;
}

function printable(t: string): string {
  return t.replace(/[^\x20-\x7e]/g, (c) => (c === '\xa9' ? '©' : '?'));
}
