/** saiz (ISO/IEC 14496-12 §8.7.8) and saio (§8.7.9): sizes and offsets of sample auxiliary
 * information, i.e. where the CENC per-sample IVs live (23001-7 §7.1). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface SaizFields extends FullBoxFields {
  auxInfoType?: string;
  auxInfoTypeParameter?: number;
  defaultSampleInfoSize: number;
  sampleCount: number;
  /** Empty when defaultSampleInfoSize is non-zero. */
  sampleInfoSizes: number[];
}

export const saiz = defineBox<SaizFields>({
  type: 'saiz',
  name: 'Sample auxiliary information sizes',
  ref: '14496-12 §8.7.8',
  parse(r) {
    const vf = readVF(r);
    const f: SaizFields = { ...vf, defaultSampleInfoSize: 0, sampleCount: 0, sampleInfoSizes: [] };
    if (vf.flags & 1) {
      f.auxInfoType = r.fourcc();
      f.auxInfoTypeParameter = r.u32();
    }
    f.defaultSampleInfoSize = r.u8();
    f.sampleCount = r.u32();
    if (f.defaultSampleInfoSize === 0) {
      r.checkCount(f.sampleCount, 1);
      f.sampleInfoSizes = [...r.bytes(f.sampleCount)];
    }
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    if (v.flags & 1) w.fourcc(v.auxInfoType ?? 'cenc').u32(v.auxInfoTypeParameter ?? 0);
    w.u8(v.defaultSampleInfoSize);
    if (v.defaultSampleInfoSize === 0) {
      w.u32(v.sampleInfoSizes.length);
      for (const s of v.sampleInfoSizes) w.u8(s);
    } else w.u32(v.sampleCount);
  },
});

export interface SaioFields extends FullBoxFields {
  auxInfoType?: string;
  auxInfoTypeParameter?: number;
  offsets: number[];
}

export const saio = defineBox<SaioFields>({
  type: 'saio',
  name: 'Sample auxiliary information offsets',
  ref: '14496-12 §8.7.9',
  parse(r) {
    const vf = readVF(r);
    const f: SaioFields = { ...vf, offsets: [] };
    if (vf.flags & 1) {
      f.auxInfoType = r.fourcc();
      f.auxInfoTypeParameter = r.u32();
    }
    const n = r.u32();
    r.checkCount(n, vf.version === 0 ? 4 : 8);
    for (let i = 0; i < n; i++) f.offsets.push(vf.version === 0 ? r.u32() : r.u64n());
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    if (v.flags & 1) w.fourcc(v.auxInfoType ?? 'cenc').u32(v.auxInfoTypeParameter ?? 0);
    w.u32(v.offsets.length);
    for (const o of v.offsets) {
      if (v.version === 0) w.u32(o);
      else w.u64(o);
    }
  },
});
