/** dOps, the OpusSpecificBox (Encapsulation of Opus in ISOBMFF §4.3.2). */
import { defineBox } from '../box-entry.js';

export interface DopsFields {
  version: number;
  outputChannelCount: number;
  preSkip: number;
  inputSampleRate: number;
  outputGain: number;
  channelMappingFamily: number;
  streamCount?: number;
  coupledCount?: number;
  channelMapping?: number[];
}

export const dOps = defineBox<DopsFields>({
  type: 'dOps',
  name: 'Opus specific',
  ref: 'Opus-ISOBMFF §4.3.2',
  example: {
    version: 0,
    outputChannelCount: 2,
    preSkip: 312,
    inputSampleRate: 48000,
    outputGain: 0,
    channelMappingFamily: 0,
  },
  parse(r) {
    const f: DopsFields = {
      version: r.u8(),
      outputChannelCount: r.u8(),
      preSkip: r.u16(),
      inputSampleRate: r.u32(),
      outputGain: r.i16(),
      channelMappingFamily: r.u8(),
    };
    if (f.channelMappingFamily !== 0) {
      f.streamCount = r.u8();
      f.coupledCount = r.u8();
      f.channelMapping = [...r.bytes(f.outputChannelCount)];
    }
    return f;
  },
  write(w, v) {
    w.u8(v.version)
      .u8(v.outputChannelCount)
      .u16(v.preSkip)
      .u32(v.inputSampleRate)
      .i16(v.outputGain)
      .u8(v.channelMappingFamily);
    if (v.channelMappingFamily !== 0) {
      w.u8(v.streamCount ?? 0).u8(v.coupledCount ?? 0);
      for (const c of v.channelMapping ?? []) w.u8(c);
    }
  },
});
