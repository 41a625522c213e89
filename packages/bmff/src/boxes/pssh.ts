/** pssh (ISO/IEC 23001-7 §8.1): version 1 lists the KIDs it applies to. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface PsshFields extends FullBoxFields {
  /** 32 hex digits. */
  systemId: string;
  /** Version 1 only: 32 hex digits each. */
  kids: string[];
  data: Buffer;
}

export const pssh = defineBox<PsshFields>({
  type: 'pssh',
  name: 'Protection system specific header',
  ref: '23001-7 §8.1',
  parse(r) {
    const vf = readVF(r);
    const systemId = r.hex(16);
    const kids: string[] = [];
    if (vf.version > 0) {
      const n = r.u32();
      r.checkCount(n, 16);
      for (let i = 0; i < n; i++) kids.push(r.hex(16));
    }
    const size = r.u32();
    return { ...vf, systemId, kids, data: r.bytes(size) };
  },
  write(w, v) {
    writeVF(w, v);
    w.hex(v.systemId);
    if (v.version > 0) {
      w.u32(v.kids.length);
      for (const k of v.kids) w.hex(k);
    }
    w.u32(v.data.length).bytes(v.data);
  },
});
