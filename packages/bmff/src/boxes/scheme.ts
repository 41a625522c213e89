/** schm (ISO/IEC 14496-12 §8.12.5) and frma (§8.12.2). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface SchmFields extends FullBoxFields {
  schemeType: string;
  schemeVersion: number;
  schemeUri?: string;
}

export const schm = defineBox<SchmFields>({
  type: 'schm',
  name: 'Scheme type',
  ref: '14496-12 §8.12.5',
  parse(r) {
    const vf = readVF(r);
    const f: SchmFields = { ...vf, schemeType: r.fourcc(), schemeVersion: r.u32() };
    if (vf.flags & 1) f.schemeUri = r.cstring();
    return f;
  },
  write(w, v) {
    writeVF(w, v);
    w.fourcc(v.schemeType).u32(v.schemeVersion);
    if (v.flags & 1) w.cstring(v.schemeUri ?? '');
  },
});

export interface FrmaFields {
  dataFormat: string;
}

export const frma = defineBox<FrmaFields>({
  type: 'frma',
  name: 'Original format',
  ref: '14496-12 §8.12.2',
  parse: (r) => ({ dataFormat: r.fourcc() }),
  write: (w, v) => void w.fourcc(v.dataFormat),
});
