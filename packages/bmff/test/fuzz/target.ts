/**
 * What one fuzz case exercises: the reader (every field and child of every box, the dump
 * view), the writer (untouched and fully re-serialised), the indexer, and the segment and init
 * rewrites. Only BmffError may escape; an untouched tree must write back the exact input.
 */
import type { Box } from '../../src/box.js';
import { parseBoxes } from '../../src/box.js';
import { dumpBox } from '../../src/dump.js';
import { BmffError } from '../../src/errors.js';
import { indexBufferUnguarded } from '../../src/index/indexer.js';
import { rewriteInit } from '../../src/init-rewrite.js';
import { rewriteSegment } from '../../src/segment-rewrite.js';
import { serializeBoxes } from '../../src/writer.js';

export class Finding extends Error {}

function typedOnly(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof BmffError) return;
    throw e;
  }
}

function walk(boxes: readonly Box[], visit: (b: Box) => void): void {
  for (const b of boxes) {
    visit(b);
    walk(b.children, visit);
  }
}

/** @param dump also render the dump view (costly; the worker does it for one case in four) */
export function exercise(buf: Buffer, dump = true): void {
  let boxes: Box[] = [];
  typedOnly(() => {
    boxes = parseBoxes(buf);
  });
  if (!boxes.length) return;
  // one tree for everything: the dump parses every field and child, the untouched write must
  // give the input back, then every box goes through its registry writer
  typedOnly(() => {
    if (dump) for (const b of boxes) dumpBox(b);
    else walk(boxes, (b) => void b.fields);
  });
  typedOnly(() => {
    if (!serializeBoxes(boxes).equals(buf)) throw new Finding('untouched tree does not write back the input');
  });
  typedOnly(() => {
    walk(boxes, (b) => b.markDirty());
    serializeBoxes(boxes);
  });
  const types = new Set(boxes.map((b) => b.type));
  if (types.has('moov')) {
    typedOnly(() => void indexBufferUnguarded(buf));
    typedOnly(() => void rewriteInit(buf, { trackId: 5, pssh: [] }));
  }
  if (types.has('moof')) {
    typedOnly(
      () => void rewriteSegment(buf, { sequenceNumber: 7, baseMediaDecodeTime: 2n ** 32n + 1n, emsg: [] }),
    );
    typedOnly(
      () =>
        void rewriteSegment(buf, {
          sequenceNumber: 7,
          baseMediaDecodeTime: 5,
          trafBoxes: [Buffer.from('0000000866726565', 'hex')],
          fixSaio: false,
        }),
    );
  }
}
