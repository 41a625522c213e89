/** sidx (ISO/IEC 14496-12 §8.16.3). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface SidxReference {
  referenceType: number;
  referencedSize: number;
  subsegmentDuration: number;
  startsWithSap: number;
  sapType: number;
  sapDeltaTime: number;
}

export interface SidxFields extends FullBoxFields {
  referenceId: number;
  timescale: number;
  earliestPresentationTime: bigint;
  firstOffset: bigint;
  reserved: number;
  references: SidxReference[];
}

export const sidx = defineBox<SidxFields>({
  type: 'sidx',
  name: 'Segment index',
  ref: '14496-12 §8.16.3',
  parse(r) {
    const vf = readVF(r);
    const referenceId = r.u32();
    const timescale = r.u32();
    const v1 = vf.version !== 0;
    const earliestPresentationTime = v1 ? r.u64() : BigInt(r.u32());
    const firstOffset = v1 ? r.u64() : BigInt(r.u32());
    const reserved = r.u16();
    const count = r.u16();
    r.checkCount(count, 12);
    const references: SidxReference[] = [];
    for (let i = 0; i < count; i++) {
      const a = r.u32();
      const subsegmentDuration = r.u32();
      const c = r.u32();
      references.push({
        referenceType: a >>> 31,
        referencedSize: a & 0x7fffffff,
        subsegmentDuration,
        startsWithSap: c >>> 31,
        sapType: (c >>> 28) & 7,
        sapDeltaTime: c & 0x0fffffff,
      });
    }
    return { ...vf, referenceId, timescale, earliestPresentationTime, firstOffset, reserved, references };
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.referenceId).u32(v.timescale);
    if (v.version !== 0) w.u64(v.earliestPresentationTime).u64(v.firstOffset);
    else w.u32(Number(v.earliestPresentationTime)).u32(Number(v.firstOffset));
    w.u16(v.reserved).u16(v.references.length);
    for (const x of v.references) {
      w.u32(((x.referenceType & 1) << 31) | (x.referencedSize & 0x7fffffff)).u32(x.subsegmentDuration);
      w.u32(((x.startsWithSap & 1) << 31) | ((x.sapType & 7) << 28) | (x.sapDeltaTime & 0x0fffffff));
    }
  },
});
