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

/**
 * @param variant spreads the costlier checks over cases: the dump view on one case in four,
 *   the init rewrite and each of the two segment-rewrite plans on every other case. Replays
 *   (the regression corpus) run all four variants.
 */
export function exercise(buf: Buffer, variant = 0): void {
  const dump = variant % 4 === 0;
  const even = variant % 2 === 0;
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
    if (even) typedOnly(() => void rewriteInit(buf, { trackId: 5, pssh: [] }));
  }
  if (types.has('moof')) {
    if (even)
      typedOnly(
        () => void rewriteSegment(buf, { sequenceNumber: 7, baseMediaDecodeTime: 2n ** 32n + 1n, emsg: [] }),
      );
    else
      typedOnly(
        () =>
          void rewriteSegment(buf, {
            sequenceNumber: 7,
            baseMediaDecodeTime: 5,
            trafBoxes: [Buffer.from('0000000866726565', 'hex')],
            fixSaio: false,
            piff: true,
          }),
      );
  }
}
