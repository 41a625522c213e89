/** trun (ISO/IEC 14496-12 §8.8.8): per-sample duration, size, flags and composition offset,
 * each present when its flag is set. Version 1 makes the composition offset signed. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export const TRUN_DATA_OFFSET = 0x000001;
export const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
export const TRUN_DURATION = 0x000100;
export const TRUN_SIZE = 0x000200;
export const TRUN_FLAGS = 0x000400;
export const TRUN_CTO = 0x000800;

export interface TrunSample {
  duration?: number;
  size?: number;
  flags?: number;
  compositionTimeOffset?: number;
}

export interface TrunFields extends FullBoxFields {
  sampleCount: number;
  dataOffset?: number;
  firstSampleFlags?: number;
  samples: TrunSample[];
}

/** Bytes per sample record for the given flags. */
export function trunSampleSize(flags: number): number {
  return (
    (flags & TRUN_DURATION ? 4 : 0) +
    (flags & TRUN_SIZE ? 4 : 0) +
    (flags & TRUN_FLAGS ? 4 : 0) +
    (flags & TRUN_CTO ? 4 : 0)
  );
}

export const trun = defineBox<TrunFields>({
  type: 'trun',
  name: 'Track fragment run',
  ref: '14496-12 §8.8.8',
  parse(r) {
    const vf = readVF(r);
    const sampleCount = r.u32();
    const f: TrunFields = { ...vf, sampleCount, samples: [] };
    if (vf.flags & TRUN_DATA_OFFSET) f.dataOffset = r.i32();
    if (vf.flags & TRUN_FIRST_SAMPLE_FLAGS) f.firstSampleFlags = r.u32();
    const per = trunSampleSize(vf.flags);
    // records carry nothing: every sample uses the defaults; keep the count without allocating
    if (per === 0) return f;
    r.checkCount(sampleCount, per);
    for (let i = 0; i < sampleCount; i++) {
      const s: TrunSample = {};
      if (vf.flags & TRUN_DURATION) s.duration = r.u32();
      if (vf.flags & TRUN_SIZE) s.size = r.u32();
      if (vf.flags & TRUN_FLAGS) s.flags = r.u32();
      if (vf.flags & TRUN_CTO) s.compositionTimeOffset = vf.version === 0 ? r.u32() : r.i32();
      f.samples.push(s);
    }
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    const per = trunSampleSize(v.flags);
    w.u32(per === 0 ? v.sampleCount : v.samples.length);
    if (v.flags & TRUN_DATA_OFFSET) w.i32(v.dataOffset ?? 0);
    if (v.flags & TRUN_FIRST_SAMPLE_FLAGS) w.u32(v.firstSampleFlags ?? 0);
    if (per === 0) return;
    for (const s of v.samples) {
      if (v.flags & TRUN_DURATION) w.u32(s.duration ?? 0);
      if (v.flags & TRUN_SIZE) w.u32(s.size ?? 0);
      if (v.flags & TRUN_FLAGS) w.u32(s.flags ?? 0);
      if (v.flags & TRUN_CTO) {
        if (v.version === 0) w.u32(s.compositionTimeOffset ?? 0);
        else w.i32(s.compositionTimeOffset ?? 0);
      }
    }
  },
});
