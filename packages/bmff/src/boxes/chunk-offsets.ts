/** stco and co64 (ISO/IEC 14496-12 §8.7.5): chunk offsets, which move when a moov in front
 * of the mdat changes size (iTunes metadata edits). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface ChunkOffsetFields extends FullBoxFields {
  offsets: number[];
}

export const stco = defineBox<ChunkOffsetFields>({
  type: 'stco',
  name: 'Chunk offsets (32-bit)',
  ref: '14496-12 §8.7.5',
  parse(r) {
    const vf = readVF(r);
    const n = r.u32();
    r.checkCount(n, 4);
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) offsets.push(r.u32());
    return { ...vf, offsets };
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.offsets.length);
    for (const o of v.offsets) w.u32(o);
  },
});

export const co64 = defineBox<ChunkOffsetFields>({
  type: 'co64',
  name: 'Chunk offsets (64-bit)',
  ref: '14496-12 §8.7.5',
  example: { version: 0, flags: 0, offsets: [48, 4294967400] },
  parse(r) {
    const vf = readVF(r);
    const n = r.u32();
    r.checkCount(n, 8);
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) offsets.push(r.u64n());
    return { ...vf, offsets };
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.offsets.length);
    for (const o of v.offsets) w.u64(o);
  },
});
