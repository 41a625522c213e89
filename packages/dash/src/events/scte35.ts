/**
 * SCTE-35 splice_info_section encoder (drm-events.md §9.6, §9.8). A section is the common
 * header, one splice command and one segmentation descriptor; the command is a table entry
 * (`SPLICE_COMMANDS`) so further commands slot in beside `splice_insert` and `time_signal`.
 */

/** One scheduled event as the encoder sees it (drm-events.md §9.2). */
export interface Scte35Event {
  /** Event index i: even = break start, odd = return. */
  index: number;
  /** t_i in the event timescale. */
  time: bigint;
  /** Event duration in the event timescale. */
  duration: bigint;
  timescale: number;
  /** `count` of the generator; 0 = no limit. */
  count: number;
  /** `scte35__program_id`. */
  programId: number;
}

export type SpliceCommandName = 'splice_insert' | 'time_signal';

interface SpliceCommand {
  type: number;
  write(w: BitWriter, e: Scte35Event): void;
}

const TWO_33 = 1n << 33n;

/** 90 kHz ticks of an event-timescale value (§9.6: floor(x × 90000 / timescale)). */
export const to90k = (ticks: bigint, timescale: number): bigint => (ticks * 90000n) / BigInt(timescale);

const isStart = (e: Scte35Event): boolean => e.index % 2 === 0;

/** splice_time() with time_specified_flag = 1 (SCTE 35 §9.4.1). */
function spliceTime(w: BitWriter, e: Scte35Event): void {
  w.bits(1, 1)
    .bits(0x3f, 6)
    .bits(to90k(e.time, e.timescale) % TWO_33, 33);
}

/** Command table (SCTE 35 §9.7). */
export const SPLICE_COMMANDS: Record<SpliceCommandName, SpliceCommand> = {
  splice_insert: {
    type: 5,
    write(w, e) {
      const start = isStart(e);
      w.bits(e.index, 32).bits(0, 1).bits(0x7f, 7);
      // out_of_network, program_splice, duration_flag, splice_immediate, reserved
      w.bits(start ? 1 : 0, 1)
        .bits(1, 1)
        .bits(start ? 1 : 0, 1)
        .bits(0, 1)
        .bits(0xf, 4);
      spliceTime(w, e);
      if (start) w.bits(1, 1).bits(0x3f, 6).bits(to90k(e.duration, e.timescale), 33);
      const half = Math.ceil(e.count / 2);
      const avails = e.count > 0 && half <= 255;
      w.bits(e.programId, 16)
        .bits(avails ? 1 + Math.floor(e.index / 2) : 0, 8)
        .bits(avails ? half : 0, 8);
    },
  },
  time_signal: { type: 6, write: spliceTime },
};

/** segmentation_descriptor (SCTE 35 §10.3.3) with the §9.6 field values. */
function segmentationDescriptor(w: BitWriter, e: Scte35Event): void {
  const start = isStart(e);
  w.bits(0x02, 8);
  const lengthAt = w.mark(8);
  const from = w.length;
  w.bits(0x43554549, 32) // "CUEI"
    .bits(1 + Math.floor(e.index / 2), 32)
    .bits(0, 1)
    .bits(0x7f, 7)
    // program_segmentation, segmentation_duration_flag, delivery_not_restricted, reserved
    .bits(1, 1)
    .bits(start ? 1 : 0, 1)
    .bits(1, 1)
    .bits(0x1f, 5);
  if (start) w.bits(to90k(e.duration, e.timescale), 40);
  w.bits(0, 8).bits(0, 8); // upid type 0 (not used), length 0
  w.bits(start ? 0x34 : 0x35, 8)
    .bits(0, 8)
    .bits(0, 8);
  if (start) w.bits(0, 8).bits(0, 8); // sub_segment_num, sub_segments_expected (type 0x34)
  w.patch(lengthAt, w.length - from, 8);
}

/** One splice_info_section, CRC included (§9.6 table). */
export function spliceInfoSection(e: Scte35Event, command: SpliceCommandName = 'splice_insert'): Buffer {
  const cmd = SPLICE_COMMANDS[command];
  const w = new BitWriter();
  w.bits(0xfc, 8).bits(0, 1).bits(0, 1).bits(3, 2);
  const sectionLengthAt = w.mark(12);
  const afterLength = w.length;
  w.bits(0, 8).bits(0, 1).bits(0, 6).bits(0, 33).bits(0xff, 8).bits(0xfff, 12);
  const commandLengthAt = w.mark(12);
  w.bits(cmd.type, 8);
  const commandFrom = w.length;
  cmd.write(w, e);
  w.patch(commandLengthAt, w.length - commandFrom, 12);
  const loopAt = w.mark(16);
  const loopFrom = w.length;
  segmentationDescriptor(w, e);
  w.patch(loopAt, w.length - loopFrom, 16);
  w.patch(sectionLengthAt, w.length - afterLength + 4, 12);
  const body = w.bytes();
  const out = Buffer.alloc(body.length + 4);
  body.copy(out);
  out.writeUInt32BE(crc32Mpeg2(body), body.length);
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2: polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final XOR. */
export function crc32Mpeg2(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc >>> 0;
}

/** MSB-first bit writer over whole bytes; `mark` reserves a field to fill in later. */
class BitWriter {
  private readonly out: number[] = [];
  private acc = 0n;
  private nbits = 0;

  /** Bytes written so far (only meaningful at byte boundaries). */
  get length(): number {
    return this.out.length;
  }

  bits(value: number | bigint, n: number): this {
    this.acc = (this.acc << BigInt(n)) | (BigInt(value) & ((1n << BigInt(n)) - 1n));
    this.nbits += n;
    while (this.nbits >= 8) {
      this.nbits -= 8;
      this.out.push(Number((this.acc >> BigInt(this.nbits)) & 0xffn));
    }
    this.acc &= (1n << BigInt(this.nbits)) - 1n;
    return this;
  }

  /** Writes a zero field of n bits and returns its bit position. */
  mark(n: number): number {
    const at = this.out.length * 8 + this.nbits;
    this.bits(0, n);
    return at;
  }

  /** Fills a field reserved with `mark` (it must already be flushed to bytes). */
  patch(bitPos: number, value: number, n: number): void {
    for (let i = 0; i < n; i++) {
      const bit = (value >>> (n - 1 - i)) & 1;
      const p = bitPos + i;
      const byte = p >> 3;
      const mask = 0x80 >> (p & 7);
      this.out[byte] = bit ? this.out[byte]! | mask : this.out[byte]! & ~mask;
    }
  }

  bytes(): Buffer {
    return Buffer.from(this.out);
  }
}
