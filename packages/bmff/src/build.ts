/**
 * Small helpers to assemble new boxes from already-serialised parts (ISO/IEC 14496-12 §4.2:
 * 32-bit size, fourcc, then for a FullBox one byte version and three bytes flags).
 */
export function box(type: string, ...parts: Buffer[]): Buffer {
  let size = 8;
  for (const p of parts) size += p.length;
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 4, 'latin1');
  return Buffer.concat([head, ...parts], size);
}

export function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  const vf = Buffer.allocUnsafe(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...parts);
}

/** Big-endian unsigned integers of the given byte widths. */
export function uints(...fields: [width: 1 | 2 | 3 | 4 | 8, value: number | bigint][]): Buffer {
  let size = 0;
  for (const [w] of fields) size += w;
  const b = Buffer.alloc(size);
  let p = 0;
  for (const [w, v] of fields) {
    if (w === 8) b.writeBigUInt64BE(BigInt(v), p);
    else b.writeUIntBE(Number(v), p, w);
    p += w;
  }
  return b;
}
