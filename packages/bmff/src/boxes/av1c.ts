/** av1C, the AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding §2.3);
 * configOBUs stay as trailing bytes. */
import { defineBox } from '../box-entry.js';

export interface Av1cFields {
  marker: number;
  version: number;
  seqProfile: number;
  seqLevelIdx0: number;
  seqTier0: number;
  highBitdepth: number;
  twelveBit: number;
  monochrome: number;
  chromaSubsamplingX: number;
  chromaSubsamplingY: number;
  chromaSamplePosition: number;
  reserved: number;
  initialPresentationDelayPresent: number;
  initialPresentationDelayMinusOne: number;
}

export const av1C = defineBox<Av1cFields>({
  type: 'av1C',
  name: 'AV1 codec configuration',
  ref: 'AV1-ISOBMFF §2.3',
  example: {
    marker: 1,
    version: 1,
    seqProfile: 0,
    seqLevelIdx0: 8,
    seqTier0: 0,
    highBitdepth: 0,
    twelveBit: 0,
    monochrome: 0,
    chromaSubsamplingX: 1,
    chromaSubsamplingY: 1,
    chromaSamplePosition: 0,
    reserved: 0,
    initialPresentationDelayPresent: 0,
    initialPresentationDelayMinusOne: 0,
  },
  parse(r) {
    const a = r.u8();
    const b = r.u8();
    const c = r.u8();
    const d = r.u8();
    return {
      marker: a >> 7,
      version: a & 0x7f,
      seqProfile: b >> 5,
      seqLevelIdx0: b & 31,
      seqTier0: c >> 7,
      highBitdepth: (c >> 6) & 1,
      twelveBit: (c >> 5) & 1,
      monochrome: (c >> 4) & 1,
      chromaSubsamplingX: (c >> 3) & 1,
      chromaSubsamplingY: (c >> 2) & 1,
      chromaSamplePosition: c & 3,
      reserved: d >> 5,
      initialPresentationDelayPresent: (d >> 4) & 1,
      initialPresentationDelayMinusOne: d & 15,
    };
  },
  write(w, v) {
    w.u8(((v.marker & 1) << 7) | (v.version & 0x7f)).u8(((v.seqProfile & 7) << 5) | (v.seqLevelIdx0 & 31));
    w.u8(
      ((v.seqTier0 & 1) << 7) |
        ((v.highBitdepth & 1) << 6) |
        ((v.twelveBit & 1) << 5) |
        ((v.monochrome & 1) << 4) |
        ((v.chromaSubsamplingX & 1) << 3) |
        ((v.chromaSubsamplingY & 1) << 2) |
        (v.chromaSamplePosition & 3),
    );
    w.u8(
      ((v.reserved & 7) << 5) |
        ((v.initialPresentationDelayPresent & 1) << 4) |
        (v.initialPresentationDelayMinusOne & 15),
    );
  },
});
