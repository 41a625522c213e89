/**
 * Box insertions and removals the streaming core needs, as operations on a parsed tree. Each
 * marks the changed path dirty, so writing fixes sizes up to the top (and moof offsets).
 */
import { Box, parseBoxes } from './box.js';
import { readBoxHeader } from './header.js';
import { parseError } from './errors.js';

/** A Box from serialised bytes (exactly one box), for inserting into a tree. */
export function boxFromBytes(bytes: Buffer): Box {
  const h = readBoxHeader(bytes, 0, bytes.length);
  if (h.size !== bytes.length) throw parseError('expected exactly one box', 0);
  return Box.fromBytes(bytes, 0, h, 0);
}

const asBox = (b: Box | Buffer): Box => (Buffer.isBuffer(b) ? boxFromBytes(b) : b);

/** Puts an emsg (or any box) right before the first top-level moof; returns the new list. */
export function insertBeforeMoof(boxes: readonly Box[], box: Box | Buffer): Box[] {
  const out = [...boxes];
  const i = out.findIndex((b) => b.type === 'moof');
  out.splice(i < 0 ? out.length : i, 0, asBox(box));
  return out;
}

/** Removes top-level sidx boxes. */
export function dropSidx(boxes: readonly Box[]): Box[] {
  return boxes.filter((b) => b.type !== 'sidx');
}

/** Removes moov/mvex/mehd; true when there was one. */
export function dropMehd(moov: Box): boolean {
  const mvex = moov.child('mvex');
  return mvex ? mvex.removeAll('mehd') > 0 : false;
}

/** Appends a pssh to moov (after the existing ones, else at the end). */
export function insertPssh(moov: Box, pssh: Box | Buffer): void {
  const b = asBox(pssh);
  const existing = moov.all('pssh');
  const last = existing.at(-1);
  moov.insert(b, last ? moov.children.indexOf(last) + 1 : undefined);
}

/**
 * Puts a box (the PIFF sample-encryption uuid box, senc, saiz, saio) into a traf: before the
 * first child of type `before`, else right after the last child of type `after`, else at the
 * end. The PIFF box of drm-events.md §6.7 goes `{ before: 'saiz', after: 'senc' }`.
 */
export function insertIntoTraf(
  traf: Box,
  box: Box | Buffer,
  where: { before?: string; after?: string } = {},
): void {
  const b = asBox(box);
  const kids = traf.children;
  const i = where.before ? kids.findIndex((c) => c.key === where.before) : -1;
  if (i >= 0) return traf.insert(b, i);
  const j = where.after ? kids.findLastIndex((c) => c.key === where.after) : -1;
  traf.insert(b, j >= 0 ? j + 1 : undefined);
}

export { parseBoxes };
