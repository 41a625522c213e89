/**
 * Bit reading over a NAL unit's RBSP, shared by the H.264 and H.265 slice-header parsers of
 * drm-events.md §8.6: exp-Golomb codes (ITU-T H.264 §9.1, H.265 §9.2) and the removal and
 * counting of emulation-prevention bytes (H.264 §7.4.1, H.265 §7.4.2).
 */

export class Bits {
  private pos = 0;
  constructor(private readonly b: Uint8Array) {}
  get consumed(): number {
    return this.pos;
  }
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.b[this.pos >> 3];
      if (byte === undefined) throw new RangeError('past the end of the RBSP');
      v = v * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos++;
    }
    return v;
  }
  /** A flag: one bit read as a boolean. */
  flag(): boolean {
    return this.u(1) === 1;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('bad exp-Golomb code');
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** The RBSP of a NAL unit payload (emulation-prevention bytes 0x000003 → 0x0000). */
export function rbsp(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length);
  let n = 0;
  let zeros = 0;
  for (const byte of payload) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** Stored bytes of the payload that hold its first `rbspBytes` RBSP bytes. */
export function storedLength(payload: Uint8Array, rbspBytes: number): number {
  let n = 0;
  let zeros = 0;
  let i = 0;
  for (; i < payload.length && n < rbspBytes; i++) {
    const byte = payload[i]!;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    n++;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return i;
}
