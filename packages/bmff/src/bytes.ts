/**
 * Bounded big-endian cursor over a Buffer and a growable writer. Every box parser reads
 * through a ByteReader limited to the box's payload, so a bad count or size can never read
 * past the box (spec style.md item 7); overruns become the typed parse error.
 */
import { parseError } from './errors.js';

export class ByteReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    /** Offset of buf[0] in the whole input, for error messages. */
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (n < 0 || p + n > this.end) throw parseError(`need ${n} bytes, ${this.end - p} left`, this.base + p);
    this.pos = p + n;
    return p;
  }

  /** Throws unless `count` items of at least `itemSize` bytes can still fit: checked before
   * allocating anything sized by a declared count (bounded memory under fuzzing). */
  checkCount(count: number, itemSize: number): void {
    // a record of 0 bytes still counts as one, so a huge count can never allocate for free
    if (count * Math.max(itemSize, 1) > this.remaining)
      throw parseError(`count ${count} exceeds the box`, this.base + this.pos);
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }
  u16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  u24(): number {
    const p = this.need(3);
    return (this.buf[p]! << 16) | (this.buf[p + 1]! << 8) | this.buf[p + 2]!;
  }
  u32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  i16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  i32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  u64(): bigint {
    return this.buf.readBigUInt64BE(this.need(8));
  }
  /** A 64-bit value as a number; exact below 2^53, which covers any real media time. */
  u64n(): number {
    const p = this.need(8);
    return this.buf.readUInt32BE(p) * 0x100000000 + this.buf.readUInt32BE(p + 4);
  }
  i64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  fourcc(): string {
    const p = this.need(4);
    return this.buf.toString('latin1', p, p + 4);
  }
  bytes(n: number): Buffer {
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }
  /** The rest of the bounded range, as a view. */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }
  hex(n: number): string {
    return this.bytes(n).toString('hex');
  }
  /** A NUL-terminated UTF-8 string; tolerates a missing terminator at the end of the box. */
  cstring(): string {
    const start = this.pos;
    let i = start;
    while (i < this.end && this.buf[i] !== 0) i++;
    const s = this.buf.toString('utf8', start, i);
    this.pos = i < this.end ? i + 1 : i;
    return s;
  }
  /** Whether the string just read had its terminator (for byte-exact rewriting). */
  skip(n: number): void {
    this.need(n);
  }
}

export class ByteWriter {
  buf: Buffer;
  pos = 0;
  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): number {
    const p = this.pos;
    if (p + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, p + n));
      this.buf.copy(next, 0, 0, p);
      this.buf = next;
    }
    this.pos = p + n;
    return p;
  }

  u8(v: number): this {
    const p = this.room(1);
    this.buf[p] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    const p = this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, p);
    return this;
  }
  u24(v: number): this {
    const p = this.room(3);
    this.buf[p] = (v >>> 16) & 0xff;
    this.buf[p + 1] = (v >>> 8) & 0xff;
    this.buf[p + 2] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    const p = this.room(4);
    this.buf.writeUInt32BE(v >>> 0, p);
    return this;
  }
  i16(v: number): this {
    const p = this.room(2);
    this.buf.writeInt16BE(v, p);
    return this;
  }
  i32(v: number): this {
    const p = this.room(4);
    this.buf.writeInt32BE(v | 0, p);
    return this;
  }
  u64(v: bigint | number): this {
    const p = this.room(8);
    if (typeof v === 'bigint') this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), p);
    else {
      this.buf.writeUInt32BE(Math.floor(v / 0x100000000) >>> 0, p);
      this.buf.writeUInt32BE(v >>> 0, p + 4);
    }
    return this;
  }
  i64(v: bigint): this {
    const p = this.room(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), p);
    return this;
  }
  fourcc(s: string): this {
    const p = this.room(4);
    this.buf.write(s.padEnd(4, ' ').slice(0, 4), p, 4, 'latin1');
    return this;
  }
  bytes(b: Uint8Array): this {
    const p = this.room(b.length);
    this.buf.set(b, p);
    return this;
  }
  hex(s: string): this {
    return this.bytes(Buffer.from(s, 'hex'));
  }
  cstring(s: string, terminated = true): this {
    this.bytes(Buffer.from(s, 'utf8'));
    if (terminated) this.u8(0);
    return this;
  }
  zeros(n: number): this {
    const p = this.room(n);
    this.buf.fill(0, p, this.pos);
    return this;
  }
  /** Overwrites a 32-bit value already written (box sizes). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
