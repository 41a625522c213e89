/**
 * Structure-aware mutations of real MP4 files (spec testing.md §10): bit flips, special byte
 * values, box size fields set to 0, 1, 7, 8, parent + 1 and 2^32 − 1, 64-bit sizes, truncation
 * at box boundaries, boxes duplicated, dropped, swapped or spliced from another file, and
 * counts set huge. Everything is driven by a seeded PRNG, so (seed, case) reproduces an input.
 */
import { readBoxHeader } from '../../src/header.js';

/** mulberry32: small, fast, good enough for fuzzing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function caseSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n, 0xc2b2ae35)) >>> 0;
}

interface BoxSpan {
  pos: number;
  size: number;
  headerSize: number;
  end: number; // parent end
}

const CONTAINERS = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'mvex',
  'moof',
  'traf',
  'sinf',
  'schi',
  'udta',
  'edts',
  'dinf',
  'mfra',
  'ilst',
]);

/** Box spans of the tree (headers only), for structure-aware mutations. */
export function spans(buf: Buffer): BoxSpan[] {
  const out: BoxSpan[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    for (let p = start; p + 8 <= end && out.length < 4000;) {
      let h;
      try {
        h = readBoxHeader(buf, p, end);
      } catch {
        return;
      }
      out.push({ pos: p, size: h.size, headerSize: h.headerSize, end });
      if (depth < 8) {
        if (CONTAINERS.has(h.type)) walk(p + h.headerSize, p + h.size, depth + 1);
        else if (h.type === 'stsd') walk(p + h.headerSize + 8, p + h.size, depth + 1);
        else if (/^(avc[13]|hev1|hvc1|encv)$/.test(h.type))
          walk(p + h.headerSize + 78, p + h.size, depth + 1);
        else if (/^(mp4a|enca|ec-3|ac-3)$/.test(h.type)) walk(p + h.headerSize + 28, p + h.size, depth + 1);
      }
      p += h.size;
    }
  };
  walk(0, buf.length, 0);
  return out;
}

const SPECIAL = [0, 0xff, 0x7f, 0x80, 1, 0xfe];

export function mutate(seeds: readonly Buffer[], rnd: () => number): Buffer {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const base = pick(seeds);
  let buf: Buffer = Buffer.from(base);
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) buf = mutateOnce(buf, seeds, rnd, pick);
  return buf;
}

function mutateOnce(
  buf: Buffer,
  seeds: readonly Buffer[],
  rnd: () => number,
  pick: <T>(a: readonly T[]) => T,
): Buffer {
  if (buf.length === 0) return Buffer.from(pick(seeds));
  const boxes = spans(buf);
  const box = boxes.length ? pick(boxes) : undefined;
  const at = (): number => Math.floor(rnd() * buf.length);
  switch (Math.floor(rnd() * 12)) {
    case 0: {
      // bit flips
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const p = at();
        buf[p]! ^= 1 << Math.floor(rnd() * 8);
      }
      return buf;
    }
    case 1: {
      buf[at()] = pick(SPECIAL);
      return buf;
    }
    case 2:
    case 3: {
      // box size fields
      if (!box) return buf;
      const v = pick([0, 1, 7, 8, box.end - box.pos + 1, 0xffffffff, box.size + 1, box.size - 1, 16]);
      buf.writeUInt32BE(v >>> 0, box.pos);
      if (v === 1 && box.pos + 16 <= buf.length) {
        // a 64-bit size that is plausible or absurd
        buf.writeUInt32BE(rnd() < 0.5 ? 0 : 0xffffffff, box.pos + 8);
        buf.writeUInt32BE(rnd() < 0.5 ? box.size : Math.floor(rnd() * 0xffffffff), box.pos + 12);
      }
      return buf;
    }
    case 4: {
      // truncate at a box boundary (or inside one)
      if (!box) return buf.subarray(0, at());
      return buf.subarray(0, rnd() < 0.7 ? box.pos : box.pos + Math.floor(rnd() * box.size));
    }
    case 5: {
      // drop a box (parent sizes left stale on purpose)
      if (!box) return buf;
      return Buffer.concat([buf.subarray(0, box.pos), buf.subarray(box.pos + box.size)]);
    }
    case 6: {
      // duplicate a box in place
      if (!box) return buf;
      const b = buf.subarray(box.pos, box.pos + box.size);
      return Buffer.concat([buf.subarray(0, box.pos + box.size), b, buf.subarray(box.pos + box.size)]);
    }
    case 7: {
      // swap two sibling-ish boxes
      const other = boxes.length ? pick(boxes) : undefined;
      if (!box || !other || other.pos <= box.pos + box.size) return buf;
      const a = buf.subarray(box.pos, box.pos + box.size);
      const c = buf.subarray(other.pos, other.pos + other.size);
      return Buffer.concat([
        buf.subarray(0, box.pos),
        c,
        buf.subarray(box.pos + box.size, other.pos),
        a,
        buf.subarray(other.pos + other.size),
      ]);
    }
    case 8: {
      // splice a box from another file
      const donor = pick(seeds);
      const ds = spans(donor);
      if (!ds.length) return buf;
      const d = pick(ds);
      const p = box ? box.pos : at();
      return Buffer.concat([buf.subarray(0, p), donor.subarray(d.pos, d.pos + d.size), buf.subarray(p)]);
    }
    case 9:
    case 10: {
      // a count or field just after a full box header set huge (sample_count, entry_count …)
      if (!box) return buf;
      const off = box.pos + box.headerSize + pick([4, 8, 12, 16, 20, 0]);
      if (off + 4 <= buf.length)
        buf.writeUInt32BE(pick([0xffffffff, 0x7fffffff, 0x10000, 1 + Math.floor(rnd() * 1000)]), off);
      return buf;
    }
    default: {
      // version / flags byte of a full box
      if (!box) return buf;
      const off = box.pos + box.headerSize + Math.floor(rnd() * 4);
      if (off < buf.length) buf[off] = pick([0, 1, 2, 0xff, Math.floor(rnd() * 256)]);
      return buf;
    }
  }
}
