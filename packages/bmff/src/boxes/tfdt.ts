/** tfdt (ISO/IEC 14496-12 §8.8.12): decode time of the fragment's first sample. Version 1 is
 * needed from 2^32 ticks on (27 hours at 44.1 kHz). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface TfdtFields extends FullBoxFields {
  baseMediaDecodeTime: bigint;
}

export const tfdt = defineBox<TfdtFields>({
  type: 'tfdt',
  name: 'Track fragment decode time',
  ref: '14496-12 §8.8.12',
  size: (v) => (v.version === 1 ? 12 : 8),
  parse(r) {
    const vf = readVF(r);
    return { ...vf, baseMediaDecodeTime: vf.version === 1 ? r.u64() : BigInt(r.u32()) };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 1) w.u64(v.baseMediaDecodeTime);
    else w.u32(Number(v.baseMediaDecodeTime));
  },
});
