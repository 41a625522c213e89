/** dac3 and dec3 (ETSI TS 102 366 Annex F.4 and F.6): AC-3 / E-AC-3 stream parameters. */
import { defineBox } from '../box-entry.js';
import type { ByteReader } from '../bytes.js';

class Bits {
  private bit = 0;
  constructor(private readonly b: Buffer) {}
  read(n: number): number {
    let x = 0;
    for (let i = 0; i < n; i++, this.bit++)
      x = (x << 1) | (((this.b[this.bit >> 3] ?? 0) >> (7 - (this.bit & 7))) & 1);
    return x;
  }
  get bytesUsed(): number {
    return Math.ceil(this.bit / 8);
  }
  get bitsLeft(): number {
    return this.b.length * 8 - this.bit;
  }
}

class BitWriter {
  private bytes: number[] = [];
  private bit = 0;
  put(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--, this.bit++) {
      if ((this.bit & 7) === 0) this.bytes.push(0);
      if ((v >> i) & 1) this.bytes[this.bytes.length - 1]! |= 0x80 >> (this.bit & 7);
    }
    return this;
  }
  result(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export interface Dac3Fields {
  fscod: number;
  bsid: number;
  bsmod: number;
  acmod: number;
  lfeon: number;
  bitRateCode: number;
  reserved: number;
}

const dac3 = defineBox<Dac3Fields>({
  type: 'dac3',
  name: 'AC-3 specific',
  ref: 'ETSI TS 102 366 F.4',
  parse(r) {
    const b = new Bits(r.bytes(3));
    return {
      fscod: b.read(2),
      bsid: b.read(5),
      bsmod: b.read(3),
      acmod: b.read(3),
      lfeon: b.read(1),
      bitRateCode: b.read(5),
      reserved: b.read(5),
    };
  },
  write(w, v) {
    w.bytes(
      new BitWriter()
        .put(2, v.fscod)
        .put(5, v.bsid)
        .put(3, v.bsmod)
        .put(3, v.acmod)
        .put(1, v.lfeon)
        .put(5, v.bitRateCode)
        .put(5, v.reserved)
        .result(),
    );
  },
});

export interface Dec3Substream {
  fscod: number;
  bsid: number;
  reserved1: number;
  asvc: number;
  bsmod: number;
  acmod: number;
  lfeon: number;
  reserved2: number;
  numDepSub: number;
  /** chan_loc when numDepSub > 0, else the reserved bit. */
  chanLoc: number;
}

export interface Dec3Fields {
  dataRate: number;
  substreams: Dec3Substream[];
}

function readDec3(r: ByteReader): Dec3Fields {
  const all = r.rest();
  const b = new Bits(all);
  const dataRate = b.read(13);
  const n = b.read(3) + 1;
  const substreams: Dec3Substream[] = [];
  for (let i = 0; i < n; i++) {
    if (b.bitsLeft < 23) break;
    const s: Dec3Substream = {
      fscod: b.read(2),
      bsid: b.read(5),
      reserved1: b.read(1),
      asvc: b.read(1),
      bsmod: b.read(3),
      acmod: b.read(3),
      lfeon: b.read(1),
      reserved2: b.read(3),
      numDepSub: b.read(4),
      chanLoc: 0,
    };
    s.chanLoc = s.numDepSub > 0 ? b.read(9) : b.read(1);
    substreams.push(s);
  }
  // leave what follows (reserved / Atmos extension bytes) to the caller as trailing bytes
  r.pos -= all.length - Math.min(b.bytesUsed, all.length);
  return { dataRate, substreams };
}

const dec3 = defineBox<Dec3Fields>({
  type: 'dec3',
  name: 'E-AC-3 specific',
  ref: 'ETSI TS 102 366 F.6',
  parse: readDec3,
  write(w, v) {
    const b = new BitWriter().put(13, v.dataRate).put(3, Math.max(v.substreams.length - 1, 0));
    for (const s of v.substreams) {
      b.put(2, s.fscod).put(5, s.bsid).put(1, s.reserved1).put(1, s.asvc).put(3, s.bsmod).put(3, s.acmod);
      b.put(1, s.lfeon).put(3, s.reserved2).put(4, s.numDepSub);
      if (s.numDepSub > 0) b.put(9, s.chanLoc);
      else b.put(1, s.chanLoc);
    }
    w.bytes(b.result());
  },
});

/** Channels of an AC-3 acmod (ETSI TS 102 366 Table 4.3), without LFE. */
export const ACMOD_CHANNELS = [2, 1, 2, 3, 3, 4, 4, 5];
export const ac3Entries = [dac3, dec3];
export { dac3, dec3 };
