/** mfhd (ISO/IEC 14496-12 §8.8.5): the fragment's sequence number. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface MfhdFields extends FullBoxFields {
  sequenceNumber: number;
}

export const mfhd = defineBox<MfhdFields>({
  type: 'mfhd',
  name: 'Movie fragment header',
  ref: '14496-12 §8.8.5',
  size: () => 8,
  parse: (r) => ({ ...readVF(r), sequenceNumber: r.u32() }),
  write(w, v) {
    writeVF(w, v);
    w.u32(v.sequenceNumber);
  },
});
