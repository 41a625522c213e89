/**
 * The box tree of one segment (spec app.md §4.2 `BoxNode`, §7.3): every box in the byte range
 * parsed fully, binary fields as base64 cut to 63 characters and "…" (unless `full`), samples of
 * `stpp` text decoded as UTF-8, and a box the parser rejects shown with its offset and error
 * instead of failing the page. Key values never occur in box fields (only KIDs, §3.8).
 */
import { parseBoxes, readBoxHeader, type Box } from '@loopcast/bmff';

export interface BoxNode {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
  fields: Record<string, unknown>;
  children?: BoxNode[];
  truncated?: boolean;
  error?: string;
}

const CUT = 63;

function plain(v: unknown, full: boolean, node: BoxNode, text: boolean): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) {
    const bytes = Buffer.from(v.buffer, v.byteOffset, v.length);
    if (text) return bytes.toString('utf8');
    const b64 = bytes.toString('base64');
    if (full || b64.length <= CUT) return b64;
    node.truncated = true;
    return `${b64.slice(0, CUT)}…`;
  }
  if (Array.isArray(v)) return v.map((x) => plain(x, full, node, text));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x, full, node, text);
    return out;
  }
  return v;
}

function toNode(box: Box, base: number, full: boolean, stpp: boolean): BoxNode {
  const node: BoxNode = {
    type: box.key,
    offset: base + box.offset,
    size: box.raw?.length ?? box.originalSize,
    headerSize: box.headerSize,
    fields: {},
  };
  try {
    const entry = box.entry;
    if (entry) {
      const f = box.fields;
      const described = entry.describe ? entry.describe(f) : f;
      node.fields = plain(described, full, node, stpp && box.type === 'mdat') as Record<string, unknown>;
      if (entry.container) node.children = box.children.map((c) => toNode(c, base, full, stpp));
    } else if (box.type === 'mdat' && stpp) {
      node.fields = { data: box.payload.toString('utf8') };
    } else {
      node.fields = { data: plain(box.payload, full, node, false) };
    }
  } catch (err) {
    node.error = err instanceof Error ? err.message : String(err);
  }
  return node;
}

/**
 * Parses `bytes` (which start at file offset `base`). A top-level box that does not parse is
 * reported by its header alone, and the walk carries on after it when its size allows.
 */
export function boxTree(bytes: Buffer, base: number, opts: { full: boolean; stpp: boolean }): BoxNode[] {
  try {
    return parseBoxes(bytes).map((b) => toNode(b, base, opts.full, opts.stpp));
  } catch {
    const out: BoxNode[] = [];
    for (let pos = 0; pos < bytes.length;) {
      try {
        const h = readBoxHeader(bytes, pos, bytes.length);
        const one = bytes.subarray(pos, pos + h.size);
        try {
          out.push(...parseBoxes(one).map((b) => toNode(b, base + pos, opts.full, opts.stpp)));
        } catch (err) {
          out.push({
            type: h.type,
            offset: base + pos,
            size: h.size,
            headerSize: h.headerSize,
            fields: {},
            error: err instanceof Error ? err.message : String(err),
          });
        }
        pos += h.size;
      } catch (err) {
        out.push({
          type: '????',
          offset: base + pos,
          size: bytes.length - pos,
          headerSize: 0,
          fields: {},
          error: err instanceof Error ? err.message : String(err),
        });
        break;
      }
    }
    return out;
  }
}
