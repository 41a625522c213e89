/** hvcC, the HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1). Reserved bits are
 * written as ones, as the record requires. */
import { defineBox } from '../box-entry.js';

export interface HvccArray {
  arrayCompleteness: number;
  nalUnitType: number;
  nalUnits: Buffer[];
}

export interface HvccFields {
  configurationVersion: number;
  generalProfileSpace: number;
  generalTierFlag: number;
  generalProfileIdc: number;
  generalProfileCompatibilityFlags: number;
  /** 48 bits, hex. */
  generalConstraintIndicatorFlags: string;
  generalLevelIdc: number;
  minSpatialSegmentationIdc: number;
  parallelismType: number;
  chromaFormatIdc: number;
  bitDepthLumaMinus8: number;
  bitDepthChromaMinus8: number;
  avgFrameRate: number;
  constantFrameRate: number;
  numTemporalLayers: number;
  temporalIdNested: number;
  lengthSizeMinusOne: number;
  arrays: HvccArray[];
}

export const hvcC = defineBox<HvccFields>({
  type: 'hvcC',
  name: 'HEVC decoder configuration',
  ref: '14496-15 §8.3.3.1',
  parse(r) {
    const configurationVersion = r.u8();
    const b1 = r.u8();
    const generalProfileCompatibilityFlags = r.u32();
    const generalConstraintIndicatorFlags = r.hex(6);
    const generalLevelIdc = r.u8();
    const minSpatialSegmentationIdc = r.u16() & 0x0fff;
    const parallelismType = r.u8() & 3;
    const chromaFormatIdc = r.u8() & 3;
    const bitDepthLumaMinus8 = r.u8() & 7;
    const bitDepthChromaMinus8 = r.u8() & 7;
    const avgFrameRate = r.u16();
    const b21 = r.u8();
    const n = r.u8();
    const arrays: HvccArray[] = [];
    for (let i = 0; i < n; i++) {
      const a = r.u8();
      const count = r.u16();
      r.checkCount(count, 2);
      const nalUnits: Buffer[] = [];
      for (let j = 0; j < count; j++) nalUnits.push(r.bytes(r.u16()));
      arrays.push({ arrayCompleteness: a >> 7, nalUnitType: a & 0x3f, nalUnits });
    }
    return {
      configurationVersion,
      generalProfileSpace: b1 >> 6,
      generalTierFlag: (b1 >> 5) & 1,
      generalProfileIdc: b1 & 31,
      generalProfileCompatibilityFlags,
      generalConstraintIndicatorFlags,
      generalLevelIdc,
      minSpatialSegmentationIdc,
      parallelismType,
      chromaFormatIdc,
      bitDepthLumaMinus8,
      bitDepthChromaMinus8,
      avgFrameRate,
      constantFrameRate: b21 >> 6,
      numTemporalLayers: (b21 >> 3) & 7,
      temporalIdNested: (b21 >> 2) & 1,
      lengthSizeMinusOne: b21 & 3,
      arrays,
    };
  },
  write(w, v) {
    w.u8(v.configurationVersion);
    w.u8(((v.generalProfileSpace & 3) << 6) | ((v.generalTierFlag & 1) << 5) | (v.generalProfileIdc & 31));
    w.u32(v.generalProfileCompatibilityFlags).hex(v.generalConstraintIndicatorFlags).u8(v.generalLevelIdc);
    w.u16(0xf000 | v.minSpatialSegmentationIdc)
      .u8(0xfc | v.parallelismType)
      .u8(0xfc | v.chromaFormatIdc);
    w.u8(0xf8 | v.bitDepthLumaMinus8)
      .u8(0xf8 | v.bitDepthChromaMinus8)
      .u16(v.avgFrameRate);
    w.u8(
      ((v.constantFrameRate & 3) << 6) |
        ((v.numTemporalLayers & 7) << 3) |
        ((v.temporalIdNested & 1) << 2) |
        (v.lengthSizeMinusOne & 3),
    );
    w.u8(v.arrays.length);
    for (const a of v.arrays) {
      w.u8(((a.arrayCompleteness & 1) << 7) | (a.nalUnitType & 0x3f)).u16(a.nalUnits.length);
      for (const n of a.nalUnits) w.u16(n.length).bytes(n);
    }
  },
  describe: (v) => ({
    ...v,
    arrays: v.arrays.map((a) => ({ ...a, nalUnits: a.nalUnits.map((b) => b.toString('hex')) })),
  }),
});
