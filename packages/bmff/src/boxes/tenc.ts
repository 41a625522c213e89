/** tenc (ISO/IEC 23001-7 §8.2): default protection, IV size and KID of a track. Version 1 adds
 * the pattern (crypt and skip byte blocks) used by cens/cbcs. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface TencFields extends FullBoxFields {
  defaultCryptByteBlock: number;
  defaultSkipByteBlock: number;
  defaultIsProtected: number;
  defaultPerSampleIvSize: number;
  /** 32 hex digits. */
  defaultKid: string;
  /** Present when protected with a per-sample IV size of 0 (constant IV, cbcs). */
  defaultConstantIv?: string;
}

export const tenc = defineBox<TencFields>({
  type: 'tenc',
  name: 'Track encryption',
  ref: '23001-7 §8.2',
  parse(r) {
    const vf = readVF(r);
    r.skip(1);
    const pattern = r.u8();
    const defaultIsProtected = r.u8();
    const defaultPerSampleIvSize = r.u8();
    const f: TencFields = {
      ...vf,
      defaultCryptByteBlock: vf.version === 0 ? 0 : pattern >> 4,
      defaultSkipByteBlock: vf.version === 0 ? 0 : pattern & 15,
      defaultIsProtected,
      defaultPerSampleIvSize,
      defaultKid: r.hex(16),
    };
    if (defaultIsProtected === 1 && defaultPerSampleIvSize === 0) f.defaultConstantIv = r.hex(r.u8());
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    w.u8(0).u8(v.version === 0 ? 0 : ((v.defaultCryptByteBlock & 15) << 4) | (v.defaultSkipByteBlock & 15));
    w.u8(v.defaultIsProtected).u8(v.defaultPerSampleIvSize).hex(v.defaultKid);
    if (v.defaultIsProtected === 1 && v.defaultPerSampleIvSize === 0) {
      const iv = v.defaultConstantIv ?? '';
      w.u8(iv.length / 2).hex(iv);
    }
  },
});
