/** VisualSampleEntry (ISO/IEC 14496-12 §12.1.3) for avc1/avc3 (14496-15 §5.4), hev1/hvc1
 * (14496-15 §8.4), av01 (AV1-ISOBMFF §2.2), vp09 (VP9-ISOBMFF §2.2) and encv (23001-7). */
import { defineBox, type BoxEntry } from '../box-entry.js';

export interface VisualSampleEntryFields {
  dataReferenceIndex: number;
  width: number;
  height: number;
  /** 16.16 fixed point, normally 72 dpi. */
  horizResolution: number;
  vertResolution: number;
  frameCount: number;
  /** The 32-byte Pascal string, as hex (kept exactly, padding included). */
  compressorName: string;
  depth: number;
  preDefined: number;
}

function visual(type: string, name: string, ref: string): BoxEntry<VisualSampleEntryFields> {
  return defineBox<VisualSampleEntryFields>({
    type,
    name,
    ref,
    example: {
      dataReferenceIndex: 1,
      width: 1280,
      height: 720,
      horizResolution: 0x480000,
      vertResolution: 0x480000,
      frameCount: 1,
      compressorName: '086c6f6f7063617374'.padEnd(64, '0'),
      depth: 24,
      preDefined: -1,
    },
    container: true,
    parse(r) {
      r.skip(6);
      const dataReferenceIndex = r.u16();
      r.skip(16);
      const width = r.u16();
      const height = r.u16();
      const horizResolution = r.u32();
      const vertResolution = r.u32();
      r.skip(4);
      const frameCount = r.u16();
      const compressorName = r.hex(32);
      return {
        dataReferenceIndex,
        width,
        height,
        horizResolution,
        vertResolution,
        frameCount,
        compressorName,
        depth: r.u16(),
        preDefined: r.i16(),
      };
    },
    write(w, v) {
      w.zeros(6).u16(v.dataReferenceIndex).zeros(16).u16(v.width).u16(v.height);
      w.u32(v.horizResolution).u32(v.vertResolution).u32(0).u16(v.frameCount);
      w.hex(v.compressorName.padEnd(64, '0').slice(0, 64)).u16(v.depth).i16(v.preDefined);
    },
    describe(v) {
      const raw = Buffer.from(v.compressorName, 'hex');
      const len = Math.min(raw[0] ?? 0, 31);
      return { ...v, compressorName: raw.toString('utf8', 1, 1 + len) };
    },
  });
}

export const visualEntries = [
  visual('avc1', 'AVC sample entry', '14496-15 §5.4.2'),
  visual('avc3', 'AVC sample entry (in-band parameter sets)', '14496-15 §5.4.2'),
  visual('hev1', 'HEVC sample entry (in-band parameter sets)', '14496-15 §8.4.1'),
  visual('hvc1', 'HEVC sample entry', '14496-15 §8.4.1'),
  visual('av01', 'AV1 sample entry', 'AV1 in ISOBMFF §2.2'),
  visual('vp09', 'VP9 sample entry', 'VP codec ISOBMFF §2.2'),
  visual('encv', 'Encrypted video sample entry', '23001-7 §4, 14496-12 §8.12'),
];
