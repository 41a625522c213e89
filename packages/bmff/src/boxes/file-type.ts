/** ftyp and styp share one layout (ISO/IEC 14496-12 §4.3, §8.16.2). */
import { defineBox, type BoxEntry } from '../box-entry.js';

export interface FileTypeFields {
  majorBrand: string;
  minorVersion: number;
  compatibleBrands: string[];
}

function fileType(type: string, name: string, ref: string): BoxEntry<FileTypeFields> {
  return defineBox<FileTypeFields>({
    type,
    name,
    ref,
    parse(r) {
      const majorBrand = r.fourcc();
      const minorVersion = r.u32();
      const compatibleBrands: string[] = [];
      while (r.remaining >= 4) compatibleBrands.push(r.fourcc());
      return { majorBrand, minorVersion, compatibleBrands };
    },
    write(w, v) {
      w.fourcc(v.majorBrand).u32(v.minorVersion);
      for (const b of v.compatibleBrands) w.fourcc(b);
    },
  });
}

export const ftyp = fileType('ftyp', 'File type', '14496-12 §4.3');
export const styp = fileType('styp', 'Segment type', '14496-12 §8.16.2');
