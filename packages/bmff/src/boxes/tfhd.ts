/** tfhd (ISO/IEC 14496-12 §8.8.7). Which optional fields are present is decided by the flags. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export const TFHD_BASE_DATA_OFFSET = 0x000001;
export const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
export const TFHD_DEFAULT_DURATION = 0x000008;
export const TFHD_DEFAULT_SIZE = 0x000010;
export const TFHD_DEFAULT_FLAGS = 0x000020;
export const TFHD_DURATION_IS_EMPTY = 0x010000;
export const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

export interface TfhdFields extends FullBoxFields {
  trackId: number;
  baseDataOffset?: bigint;
  sampleDescriptionIndex?: number;
  defaultSampleDuration?: number;
  defaultSampleSize?: number;
  defaultSampleFlags?: number;
}

export const tfhd = defineBox<TfhdFields>({
  type: 'tfhd',
  name: 'Track fragment header',
  ref: '14496-12 §8.8.7',
  parse(r) {
    const vf = readVF(r);
    const f: TfhdFields = { ...vf, trackId: r.u32() };
    if (vf.flags & TFHD_BASE_DATA_OFFSET) f.baseDataOffset = r.u64();
    if (vf.flags & TFHD_SAMPLE_DESCRIPTION_INDEX) f.sampleDescriptionIndex = r.u32();
    if (vf.flags & TFHD_DEFAULT_DURATION) f.defaultSampleDuration = r.u32();
    if (vf.flags & TFHD_DEFAULT_SIZE) f.defaultSampleSize = r.u32();
    if (vf.flags & TFHD_DEFAULT_FLAGS) f.defaultSampleFlags = r.u32();
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.trackId);
    if (v.flags & TFHD_BASE_DATA_OFFSET) w.u64(v.baseDataOffset ?? 0n);
    if (v.flags & TFHD_SAMPLE_DESCRIPTION_INDEX) w.u32(v.sampleDescriptionIndex ?? 1);
    if (v.flags & TFHD_DEFAULT_DURATION) w.u32(v.defaultSampleDuration ?? 0);
    if (v.flags & TFHD_DEFAULT_SIZE) w.u32(v.defaultSampleSize ?? 0);
    if (v.flags & TFHD_DEFAULT_FLAGS) w.u32(v.defaultSampleFlags ?? 0);
  },
});
