/** mdhd (ISO/IEC 14496-12 §8.4.2), hdlr (§8.4.3) and elng (§8.4.6). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';
import { unpackLanguage } from '../language.js';

export interface MdhdFields extends FullBoxFields {
  creationTime: bigint;
  modificationTime: bigint;
  timescale: number;
  duration: bigint;
  /** The 16 bits holding the pad bit and the packed ISO-639-2/T code. */
  language: number;
  preDefined: number;
}

export const mdhd = defineBox<MdhdFields>({
  type: 'mdhd',
  name: 'Media header',
  ref: '14496-12 §8.4.2',
  parse(r) {
    const vf = readVF(r);
    const v1 = vf.version === 1;
    const creationTime = v1 ? r.u64() : BigInt(r.u32());
    const modificationTime = v1 ? r.u64() : BigInt(r.u32());
    const timescale = r.u32();
    const duration = v1 ? r.u64() : BigInt(r.u32());
    return {
      ...vf,
      creationTime,
      modificationTime,
      timescale,
      duration,
      language: r.u16(),
      preDefined: r.u16(),
    };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 1) w.u64(v.creationTime).u64(v.modificationTime).u32(v.timescale).u64(v.duration);
    else
      w.u32(Number(v.creationTime)).u32(Number(v.modificationTime)).u32(v.timescale).u32(Number(v.duration));
    w.u16(v.language).u16(v.preDefined);
  },
  describe: (v) => ({ ...v, languageCode: unpackLanguage(v.language & 0x7fff) }),
});

export interface HdlrFields extends FullBoxFields {
  preDefined: number;
  handlerType: string;
  /** Three reserved words; QuickTime puts a manufacturer code here. */
  reserved: string;
  name: string;
  /** False when the name has no NUL terminator (QuickTime). */
  nameTerminated: boolean;
}

export const hdlr = defineBox<HdlrFields>({
  type: 'hdlr',
  name: 'Handler reference',
  ref: '14496-12 §8.4.3',
  parse(r) {
    const vf = readVF(r);
    const preDefined = r.u32();
    const handlerType = r.fourcc();
    const reserved = r.hex(12);
    const start = r.pos;
    const name = r.cstring();
    const nameTerminated = r.pos > start && r.buf[r.pos - 1] === 0;
    return { ...vf, preDefined, handlerType, reserved, name, nameTerminated };
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.preDefined)
      .fourcc(v.handlerType)
      .hex(v.reserved.padEnd(24, '0'))
      .cstring(v.name, v.nameTerminated);
  },
});

export interface ElngFields extends FullBoxFields {
  extendedLanguage: string;
}

export const elng = defineBox<ElngFields>({
  type: 'elng',
  name: 'Extended language tag',
  ref: '14496-12 §8.4.6',
  example: { version: 0, flags: 0, extendedLanguage: 'en-GB' },
  parse: (r) => ({ ...readVF(r), extendedLanguage: r.cstring() }),
  write(w, v) {
    writeVF(w, v);
    w.cstring(v.extendedLanguage);
  },
});
