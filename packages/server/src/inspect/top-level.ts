/**
 * Box trees of a stored inspection (app.md §4.5, §7.4): the top-level boxes of the whole file read
 * header by header (never the whole file in memory), and the tree of the whole file with `mdat`
 * payloads elided, capped at 20,000 nodes.
 */
import type { BlobStore } from '../blobs/blob-store.js';
import { boxTree, type BoxNode } from '../media/box-tree.js';

export const MAX_NODES = 20_000;
/** Boxes larger than this are listed but not parsed (their payload is media, not structure). */
const MAX_PARSED_BOX = 16 * 1024 * 1024;

interface TopBox {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

/** Walks the top-level box headers of a blob; a header that does not parse ends the walk with an error node. */
async function* topBoxes(blobs: BlobStore, key: string, fileSize: number): AsyncGenerator<TopBox | BoxNode> {
  for (let pos = 0; pos < fileSize;) {
    const head = await blobs.readBytes(key, pos, Math.min(16, fileSize - pos));
    const fail = (error: string): BoxNode => ({
      type: '????',
      offset: pos,
      size: fileSize - pos,
      headerSize: 0,
      fields: {},
      error,
    });
    if (head.length < 8) {
      yield fail(`box header needs 8 bytes, ${head.length} left`);
      return;
    }
    const size32 = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let size = size32;
    let headerSize = 8;
    if (size32 === 1) {
      if (head.length < 16) {
        yield fail('64-bit box size cut short');
        return;
      }
      size = Number(head.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size32 === 0) {
      size = fileSize - pos;
    }
    if (size < headerSize || pos + size > fileSize) {
      yield fail(
        `box ${JSON.stringify(type)} of ${size} bytes does not fit the ${fileSize - pos} bytes left`,
      );
      return;
    }
    yield { type, offset: pos, size, headerSize };
    pos += size;
  }
}

const isNode = (b: TopBox | BoxNode): b is BoxNode => 'fields' in b;

/** The top-level boxes without children (the answer of `POST /api/inspect`). */
export async function topLevelNodes(blobs: BlobStore, key: string, fileSize: number): Promise<BoxNode[]> {
  const out: BoxNode[] = [];
  for await (const b of topBoxes(blobs, key, fileSize)) {
    out.push(isNode(b) ? b : { ...b, fields: {} });
    if (out.length >= MAX_NODES) break;
  }
  return out;
}

const countNodes = (nodes: BoxNode[]): number =>
  nodes.reduce((n, b) => n + 1 + countNodes(b.children ?? []), 0);

/** The whole file's tree: every box parsed fully except `mdat` payloads; at most 20,000 nodes. */
export async function wholeFileTree(blobs: BlobStore, key: string, fileSize: number): Promise<BoxNode[]> {
  const out: BoxNode[] = [];
  let count = 0;
  for await (const b of topBoxes(blobs, key, fileSize)) {
    if (count >= MAX_NODES) {
      out.push({
        type: '…',
        offset: b.offset,
        size: fileSize - b.offset,
        headerSize: 0,
        fields: {},
        truncated: true,
        error: `more than ${MAX_NODES} boxes; the rest of the file is not listed`,
      });
      break;
    }
    if (isNode(b)) {
      out.push(b);
      count++;
      continue;
    }
    if (b.type === 'mdat' || b.size > MAX_PARSED_BOX) {
      out.push({
        ...b,
        fields: b.type === 'mdat' ? { data: `${b.size - b.headerSize} bytes (elided)` } : {},
      });
      count++;
      continue;
    }
    const nodes = boxTree(await blobs.readBytes(key, b.offset, b.size), b.offset, {
      full: false,
      stpp: false,
    });
    out.push(...nodes);
    count += countNodes(nodes);
  }
  return out;
}
