/** mehd (ISO/IEC 14496-12 §8.8.2) and trex (§8.8.3). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface MehdFields extends FullBoxFields {
  fragmentDuration: bigint;
}

export const mehd = defineBox<MehdFields>({
  type: 'mehd',
  name: 'Movie extends header',
  ref: '14496-12 §8.8.2',
  size: (v) => (v.version === 1 ? 12 : 8),
  parse(r) {
    const vf = readVF(r);
    return { ...vf, fragmentDuration: vf.version === 1 ? r.u64() : BigInt(r.u32()) };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 1) w.u64(v.fragmentDuration);
    else w.u32(Number(v.fragmentDuration));
  },
});

export interface TrexFields extends FullBoxFields {
  trackId: number;
  defaultSampleDescriptionIndex: number;
  defaultSampleDuration: number;
  defaultSampleSize: number;
  defaultSampleFlags: number;
}

export const trex = defineBox<TrexFields>({
  type: 'trex',
  name: 'Track extends',
  ref: '14496-12 §8.8.3',
  size: () => 24,
  parse: (r) => ({
    ...readVF(r),
    trackId: r.u32(),
    defaultSampleDescriptionIndex: r.u32(),
    defaultSampleDuration: r.u32(),
    defaultSampleSize: r.u32(),
    defaultSampleFlags: r.u32(),
  }),
  write(w, v) {
    writeVF(w, v);
    w.u32(v.trackId).u32(v.defaultSampleDescriptionIndex).u32(v.defaultSampleDuration);
    w.u32(v.defaultSampleSize).u32(v.defaultSampleFlags);
  },
});
