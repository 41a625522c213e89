/** prft (ISO/IEC 14496-12 §8.16.5): NTP time of a media time, for low-latency clients. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface PrftFields extends FullBoxFields {
  referenceTrackId: number;
  ntpTimestamp: bigint;
  mediaTime: bigint;
}

export const prft = defineBox<PrftFields>({
  type: 'prft',
  name: 'Producer reference time',
  ref: '14496-12 §8.16.5',
  example: {
    version: 1,
    flags: 0,
    referenceTrackId: 1,
    ntpTimestamp: 0xe8f1e2d3c4b5a697n,
    mediaTime: 4294967296n,
  },
  parse(r) {
    const vf = readVF(r);
    const referenceTrackId = r.u32();
    const ntpTimestamp = r.u64();
    return { ...vf, referenceTrackId, ntpTimestamp, mediaTime: vf.version === 0 ? BigInt(r.u32()) : r.u64() };
  },
  write(w, v) {
    writeVF(w, v);
    w.u32(v.referenceTrackId).u64(v.ntpTimestamp);
    if (v.version === 0) w.u32(Number(v.mediaTime));
    else w.u64(v.mediaTime);
  },
});
