/** vpcC, the VPCodecConfigurationRecord (VP Codec ISO Media File Format Binding §2.2). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface VpccFields extends FullBoxFields {
  profile: number;
  level: number;
  bitDepth: number;
  chromaSubsampling: number;
  videoFullRangeFlag: number;
  colourPrimaries: number;
  transferCharacteristics: number;
  matrixCoefficients: number;
  codecInitializationData: Buffer;
}

export const vpcC = defineBox<VpccFields>({
  type: 'vpcC',
  name: 'VP codec configuration',
  ref: 'VP-ISOBMFF §2.2',
  example: {
    version: 1,
    flags: 0,
    profile: 0,
    level: 31,
    bitDepth: 8,
    chromaSubsampling: 1,
    videoFullRangeFlag: 0,
    colourPrimaries: 1,
    transferCharacteristics: 1,
    matrixCoefficients: 1,
    codecInitializationData: Buffer.alloc(0),
  },
  parse(r) {
    const vf = readVF(r);
    const profile = r.u8();
    const level = r.u8();
    const b = r.u8();
    const colourPrimaries = r.u8();
    const transferCharacteristics = r.u8();
    const matrixCoefficients = r.u8();
    const codecInitializationData = r.bytes(r.u16());
    return {
      ...vf,
      profile,
      level,
      bitDepth: b >> 4,
      chromaSubsampling: (b >> 1) & 7,
      videoFullRangeFlag: b & 1,
      colourPrimaries,
      transferCharacteristics,
      matrixCoefficients,
      codecInitializationData,
    };
  },
  write(w, v) {
    writeVF(w, v);
    w.u8(v.profile)
      .u8(v.level)
      .u8(((v.bitDepth & 15) << 4) | ((v.chromaSubsampling & 7) << 1) | (v.videoFullRangeFlag & 1));
    w.u8(v.colourPrimaries).u8(v.transferCharacteristics).u8(v.matrixCoefficients);
    w.u16(v.codecInitializationData.length).bytes(v.codecInitializationData);
  },
});
