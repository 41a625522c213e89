/** mvhd (ISO/IEC 14496-12 §8.2.2). Version 1 widens times and duration to 64 bits. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';
import type { ByteReader, ByteWriter } from '../bytes.js';

export interface MvhdFields extends FullBoxFields {
  creationTime: bigint;
  modificationTime: bigint;
  timescale: number;
  duration: bigint;
  /** 16.16 fixed point, 0x00010000 is normal rate. */
  rate: number;
  /** 8.8 fixed point. */
  volume: number;
  matrix: number[];
  nextTrackId: number;
}

export function readMatrix(r: ByteReader): number[] {
  const m: number[] = [];
  for (let i = 0; i < 9; i++) m.push(r.i32());
  return m;
}

export function writeMatrix(w: ByteWriter, m: readonly number[]): void {
  for (let i = 0; i < 9; i++) w.i32(m[i] ?? 0);
}

export const mvhd = defineBox<MvhdFields>({
  type: 'mvhd',
  name: 'Movie header',
  ref: '14496-12 §8.2.2',
  parse(r) {
    const vf = readVF(r);
    const v1 = vf.version === 1;
    const creationTime = v1 ? r.u64() : BigInt(r.u32());
    const modificationTime = v1 ? r.u64() : BigInt(r.u32());
    const timescale = r.u32();
    const duration = v1 ? r.u64() : BigInt(r.u32());
    const rate = r.i32();
    const volume = r.i16();
    r.skip(10);
    const matrix = readMatrix(r);
    r.skip(24);
    return {
      ...vf,
      creationTime,
      modificationTime,
      timescale,
      duration,
      rate,
      volume,
      matrix,
      nextTrackId: r.u32(),
    };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 1) w.u64(v.creationTime).u64(v.modificationTime).u32(v.timescale).u64(v.duration);
    else
      w.u32(Number(v.creationTime)).u32(Number(v.modificationTime)).u32(v.timescale).u32(Number(v.duration));
    w.i32(v.rate).i16(v.volume).zeros(10);
    writeMatrix(w, v.matrix);
    w.zeros(24).u32(v.nextTrackId);
  },
});
