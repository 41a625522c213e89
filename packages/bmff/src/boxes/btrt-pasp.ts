/** btrt (ISO/IEC 14496-12 §8.5.2.2) and pasp (§12.1.4). */
import { defineBox } from '../box-entry.js';

export interface BtrtFields {
  bufferSizeDb: number;
  maxBitrate: number;
  avgBitrate: number;
}

export const btrt = defineBox<BtrtFields>({
  type: 'btrt',
  name: 'Bit rate',
  ref: '14496-12 §8.5.2.2',
  size: () => 12,
  parse: (r) => ({ bufferSizeDb: r.u32(), maxBitrate: r.u32(), avgBitrate: r.u32() }),
  write: (w, v) => void w.u32(v.bufferSizeDb).u32(v.maxBitrate).u32(v.avgBitrate),
});

export interface PaspFields {
  hSpacing: number;
  vSpacing: number;
}

export const pasp = defineBox<PaspFields>({
  type: 'pasp',
  name: 'Pixel aspect ratio',
  ref: '14496-12 §12.1.4',
  size: () => 8,
  parse: (r) => ({ hSpacing: r.u32(), vSpacing: r.u32() }),
  write: (w, v) => void w.u32(v.hSpacing).u32(v.vSpacing),
});
