/** AudioSampleEntry (ISO/IEC 14496-12 §12.2.3) for mp4a (14496-14), ac-3 and ec-3 (ETSI TS
 * 102 366 Annex F), Opus (Opus in ISOBMFF §4.3) and enca (23001-7). QuickTime sound
 * description versions 1 and 2 append 16 or 36 bytes, kept as read. */
import { defineBox, type BoxEntry } from '../box-entry.js';

export interface AudioSampleEntryFields {
  dataReferenceIndex: number;
  /** QuickTime sound description version (0 in ISO files). */
  soundVersion: number;
  revision: number;
  vendor: number;
  channelCount: number;
  sampleSize: number;
  preDefined: number;
  reserved: number;
  /** 16.16 fixed point; the rate in Hz is sampleRate >>> 16. */
  sampleRate: number;
  /** QuickTime version 1/2 extension bytes, hex. */
  qtExtension?: string;
}

function audio(type: string, name: string, ref: string): BoxEntry<AudioSampleEntryFields> {
  return defineBox<AudioSampleEntryFields>({
    type,
    name,
    ref,
    example: {
      dataReferenceIndex: 1,
      soundVersion: 0,
      revision: 0,
      vendor: 0,
      channelCount: 2,
      sampleSize: 16,
      preDefined: 0,
      reserved: 0,
      sampleRate: 48000 * 65536,
    },
    container: true,
    parse(r) {
      r.skip(6);
      const f: AudioSampleEntryFields = {
        dataReferenceIndex: r.u16(),
        soundVersion: r.u16(),
        revision: r.u16(),
        vendor: r.u32(),
        channelCount: r.u16(),
        sampleSize: r.u16(),
        preDefined: r.u16(),
        reserved: r.u16(),
        sampleRate: r.u32(),
      };
      if (f.soundVersion === 1) f.qtExtension = r.hex(16);
      else if (f.soundVersion === 2) f.qtExtension = r.hex(36);
      return f;
    },
    write(w, v) {
      w.zeros(6).u16(v.dataReferenceIndex).u16(v.soundVersion).u16(v.revision).u32(v.vendor);
      w.u16(v.channelCount).u16(v.sampleSize).u16(v.preDefined).u16(v.reserved).u32(v.sampleRate);
      if (v.qtExtension) w.hex(v.qtExtension);
    },
    describe: (v) => ({ ...v, sampleRateHz: v.sampleRate >>> 16 }),
  });
}

export const audioEntries = [
  audio('mp4a', 'MPEG-4 audio sample entry', '14496-14 §6.7'),
  audio('ac-3', 'AC-3 sample entry', 'ETSI TS 102 366 F.3'),
  audio('ec-3', 'E-AC-3 sample entry', 'ETSI TS 102 366 F.5'),
  audio('Opus', 'Opus sample entry', 'Opus in ISOBMFF §4.3.1'),
  audio('enca', 'Encrypted audio sample entry', '23001-7 §4, 14496-12 §8.12'),
];
