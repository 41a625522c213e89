/** stsd (ISO/IEC 14496-12 §8.5.2) and dref/url/urn (§8.7.2): a count, then child boxes. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface CountedContainerFields extends FullBoxFields {
  /** The declared entry count, written back as read (the children are the entries). */
  entryCount: number;
}

export const stsd = defineBox<CountedContainerFields>({
  type: 'stsd',
  name: 'Sample description',
  ref: '14496-12 §8.5.2',
  container: true,
  parse: (r) => ({ ...readVF(r), entryCount: r.u32() }),
  write(w, v) {
    writeVF(w, v);
    w.u32(v.entryCount);
  },
});

export const dref = defineBox<CountedContainerFields>({
  type: 'dref',
  name: 'Data reference',
  ref: '14496-12 §8.7.2',
  container: true,
  parse: (r) => ({ ...readVF(r), entryCount: r.u32() }),
  write(w, v) {
    writeVF(w, v);
    w.u32(v.entryCount);
  },
});

export interface DataEntryUrlFields extends FullBoxFields {
  /** Absent when flags & 1 (media data in the same file). */
  location?: string;
}

export const url = defineBox<DataEntryUrlFields>({
  type: 'url ',
  name: 'Data entry URL',
  ref: '14496-12 §8.7.2',
  parse(r) {
    const vf = readVF(r);
    return r.remaining > 0 ? { ...vf, location: r.cstring() } : vf;
  },
  write(w, v) {
    writeVF(w, v);
    if (v.location !== undefined) w.cstring(v.location);
  },
});
