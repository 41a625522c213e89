/** avcC, the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1). The optional
 * high-profile extension (chroma format, bit depths, SPS-ext) stays as trailing bytes. */
import { defineBox } from '../box-entry.js';

export interface AvccFields {
  configurationVersion: number;
  profileIndication: number;
  profileCompatibility: number;
  levelIndication: number;
  /** NAL unit length field size minus one (0, 1 or 3). */
  lengthSizeMinusOne: number;
  sps: Buffer[];
  pps: Buffer[];
}

export const avcC = defineBox<AvccFields>({
  type: 'avcC',
  name: 'AVC decoder configuration',
  ref: '14496-15 §5.3.3.1',
  parse(r) {
    const configurationVersion = r.u8();
    const profileIndication = r.u8();
    const profileCompatibility = r.u8();
    const levelIndication = r.u8();
    const lengthSizeMinusOne = r.u8() & 3;
    const sps: Buffer[] = [];
    const pps: Buffer[] = [];
    const nSps = r.u8() & 31;
    for (let i = 0; i < nSps; i++) sps.push(r.bytes(r.u16()));
    const nPps = r.u8();
    for (let i = 0; i < nPps; i++) pps.push(r.bytes(r.u16()));
    return {
      configurationVersion,
      profileIndication,
      profileCompatibility,
      levelIndication,
      lengthSizeMinusOne,
      sps,
      pps,
    };
  },
  write(w, v) {
    w.u8(v.configurationVersion).u8(v.profileIndication).u8(v.profileCompatibility).u8(v.levelIndication);
    w.u8(0xfc | (v.lengthSizeMinusOne & 3)).u8(0xe0 | v.sps.length);
    for (const s of v.sps) w.u16(s.length).bytes(s);
    w.u8(v.pps.length);
    for (const p of v.pps) w.u16(p.length).bytes(p);
  },
  describe: (v) => ({
    ...v,
    sps: v.sps.map((b) => b.toString('hex')),
    pps: v.pps.map((b) => b.toString('hex')),
  }),
});
