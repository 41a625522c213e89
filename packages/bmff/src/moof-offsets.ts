/**
 * Keeps a moof's sample data pointers right when the moof changes size. trun.data_offset
 * (ISO/IEC 14496-12 §8.8.8) and saio offsets (§8.7.9, CENC 23001-7 §7.1) count from the
 * traf's base data offset; when that base is the moof itself (default-base-is-moof, or the
 * first traf with no explicit base) and the mdat follows the moof, every such offset must move
 * by exactly the moof's change in size.
 */
import type { Box } from './box.js';
import { saio } from './boxes/aux-info.js';
import { TFHD_BASE_DATA_OFFSET, TFHD_DEFAULT_BASE_IS_MOOF, tfhd } from './boxes/tfhd.js';
import { TRUN_DATA_OFFSET, trun } from './boxes/trun.js';
import { boxSize } from './writer.js';
import { ByteWriter } from './bytes.js';

/** Trafs whose base data offset is the first byte of the moof. */
export function moofRelativeTrafs(moof: Box): Box[] {
  const out: Box[] = [];
  let first = true;
  for (const traf of moof.all('traf')) {
    const h = traf.child('tfhd');
    const flags = h ? h.get(tfhd).flags : 0;
    if (!(flags & TFHD_BASE_DATA_OFFSET) && (flags & TFHD_DEFAULT_BASE_IS_MOOF || first)) out.push(traf);
    first = false;
  }
  return out;
}

/**
 * Moves trun data offsets (and, unless `fixSaio` is false, saio offsets) by the moof's growth
 * since the offsets were last correct. A trun without data_offset gets one (its flag set),
 * which itself grows the moof, so the size is measured again until it is stable.
 */
export function fixMoofOffsets(moof: Box, fixSaio = true): void {
  const trafs = moofRelativeTrafs(moof);
  for (const traf of trafs) {
    const runs = traf.all('trun');
    let offset = 0;
    for (const run of runs) {
      const f = run.get(trun);
      if (!(f.flags & TRUN_DATA_OFFSET)) {
        // implicit: this run's data follows the previous one's; the first starts right after
        // the moof (8 bytes of mdat header beyond it) in the common moof+mdat layout
        run.update(trun, (x) => {
          x.flags |= TRUN_DATA_OFFSET;
          x.dataOffset = offset === 0 ? moof.offsetsForSize + 8 : offset;
        });
      }
      offset = (f.dataOffset ?? 0) + runBytes(f.samples, traf);
    }
  }
  // saio may point into the moof itself (at senc): such a target moves with its box, not with
  // the moof's total growth; those are mapped through the old and new layouts afterwards
  const inside =
    fixSaio && moof.raw && moof.offsetsForSize === moof.raw.length ? saioTargets(moof, trafs) : [];
  for (let pass = 0; pass < 3; pass++) {
    const size = boxSize(moof);
    const delta = size - moof.offsetsForSize;
    if (delta === 0) break;
    for (const traf of trafs) {
      for (const run of traf.all('trun'))
        run.update(trun, (x) => void (x.dataOffset = (x.dataOffset ?? 0) + delta));
      if (fixSaio)
        for (const s of traf.all('saio'))
          s.update(saio, (x) => void (x.offsets = x.offsets.map((o) => o + delta)));
    }
    moof.offsetsForSize = size;
  }
  for (const t of inside) {
    const pos = layoutOffset(moof, t.target);
    if (pos !== undefined) t.saio.update(saio, (x) => void (x.offsets[t.index] = pos + t.within));
  }
}

interface SaioTarget {
  saio: Box;
  index: number;
  target: Box;
  within: number;
}

/** saio entries whose offset falls inside the (original) moof, with the box they point into. */
function saioTargets(moof: Box, trafs: readonly Box[]): SaioTarget[] {
  const out: SaioTarget[] = [];
  const size = moof.raw!.length;
  for (const traf of trafs) {
    for (const s of traf.all('saio')) {
      s.get(saio).offsets.forEach((o, index) => {
        if (o >= size) return;
        const target = deepestAt(moof, moof.offset + o);
        if (target && target !== moof)
          out.push({ saio: s, index, target, within: moof.offset + o - target.offset });
      });
    }
  }
  return out;
}

function deepestAt(box: Box, abs: number): Box | undefined {
  if (!box.raw || abs < box.offset || abs >= box.offset + box.raw.length) return undefined;
  for (const c of box.isContainer ? box.children : []) {
    const d = deepestAt(c, abs);
    if (d) return d;
  }
  return box;
}

/** Offset of a descendant from the start of `root` in the layout the writer will produce. */
function layoutOffset(root: Box, target: Box): number | undefined {
  const chain: Box[] = [];
  for (let b: Box | undefined = target; b && b !== root; b = b.parent) chain.unshift(b);
  if (chain[0]?.parent !== root) return undefined;
  let pos = 0;
  let parent = root;
  for (const b of chain) {
    pos += headerSize(parent) + fieldBytes(parent);
    for (const c of parent.children) {
      if (c === b) break;
      pos += boxSize(c);
    }
    parent = b;
  }
  return pos;
}

function headerSize(b: Box): number {
  return (b.sizeForm === 'large' ? 16 : 8) + (b.usertype !== undefined ? 16 : 0);
}

/** Bytes of a container's own fields, before its first child. */
function fieldBytes(b: Box): number {
  const entry = b.entry;
  if (!entry || b.fields === undefined) return 0;
  const w = new ByteWriter(64);
  entry.write(w, b.fields);
  return w.pos;
}

function runBytes(samples: readonly { size?: number }[], traf: Box): number {
  const def = traf.child('tfhd')?.get(tfhd).defaultSampleSize ?? 0;
  let n = 0;
  for (const s of samples) n += s.size ?? def;
  return n;
}
