/**
 * meta (ISO/IEC 14496-12 §8.11.1) is a FullBox, but QuickTime writes it as a plain container;
 * which one a given box is shows in whether a child header starts right at the payload.
 */
import { defineBox } from '../box-entry.js';

export interface MetaFields {
  /** Absent for the QuickTime form without version and flags. */
  version?: number;
  flags?: number;
}

export const meta = defineBox<MetaFields>({
  type: 'meta',
  name: 'Metadata',
  ref: '14496-12 §8.11.1',
  container: true,
  parse(r) {
    if (r.remaining >= 8) {
      const t = r.buf.toString('latin1', r.pos + 4, r.pos + 8);
      if (t === 'hdlr' && r.buf.readUInt32BE(r.pos) >= 8) return {};
    }
    if (r.remaining === 0) return {};
    const v = r.u32();
    return { version: v >>> 24, flags: v & 0xffffff };
  },
  write(w, v) {
    if (v.version !== undefined) w.u32(((v.version & 0xff) << 24) | ((v.flags ?? 0) & 0xffffff));
  },
});
