/** tkhd (ISO/IEC 14496-12 §8.3.2). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';
import { readMatrix, writeMatrix } from './movie-header.js';

export interface TkhdFields extends FullBoxFields {
  creationTime: bigint;
  modificationTime: bigint;
  trackId: number;
  duration: bigint;
  layer: number;
  alternateGroup: number;
  volume: number;
  matrix: number[];
  /** 16.16 fixed point. */
  width: number;
  height: number;
}

export const tkhd = defineBox<TkhdFields>({
  type: 'tkhd',
  name: 'Track header',
  ref: '14496-12 §8.3.2',
  parse(r) {
    const vf = readVF(r);
    const v1 = vf.version === 1;
    const creationTime = v1 ? r.u64() : BigInt(r.u32());
    const modificationTime = v1 ? r.u64() : BigInt(r.u32());
    const trackId = r.u32();
    r.skip(4);
    const duration = v1 ? r.u64() : BigInt(r.u32());
    r.skip(8);
    const layer = r.i16();
    const alternateGroup = r.i16();
    const volume = r.i16();
    r.skip(2);
    const matrix = readMatrix(r);
    const width = r.u32();
    const height = r.u32();
    return {
      ...vf,
      creationTime,
      modificationTime,
      trackId,
      duration,
      layer,
      alternateGroup,
      volume,
      matrix,
      width,
      height,
    };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 1) w.u64(v.creationTime).u64(v.modificationTime).u32(v.trackId).u32(0).u64(v.duration);
    else
      w.u32(Number(v.creationTime))
        .u32(Number(v.modificationTime))
        .u32(v.trackId)
        .u32(0)
        .u32(Number(v.duration));
    w.zeros(8).i16(v.layer).i16(v.alternateGroup).i16(v.volume).u16(0);
    writeMatrix(w, v.matrix);
    w.u32(v.width).u32(v.height);
  },
  describe: (v) => ({ ...v, widthPx: v.width / 65536, heightPx: v.height / 65536 }),
});
