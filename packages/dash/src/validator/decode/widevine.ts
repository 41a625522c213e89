/** The Widevine pssh Data message (drm-events.md §4.6), read with a minimal protocol-buffers walk. */
export interface WidevineData {
  keyIds: string[];
  protectionScheme?: string;
}

export type WidevineResult = { ok: true; data: WidevineData } | { ok: false; reason: string };

export function parseWidevineData(data: Uint8Array): WidevineResult {
  const out: WidevineData = { keyIds: [] };
  let pos = 0;
  const varint = (): number | undefined => {
    let v = 0;
    let mul = 1;
    for (let k = 0; k < 10 && pos < data.length; k++) {
      const b = data[pos++]!;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
    return undefined;
  };
  while (pos < data.length) {
    const key = varint();
    if (key === undefined) return { ok: false, reason: `truncated field key at byte ${pos}` };
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const v = varint();
      if (v === undefined) return { ok: false, reason: `truncated varint of field ${field}` };
      if (field === 9)
        out.protectionScheme = Buffer.from([
          (v >>> 24) & 255,
          (v >>> 16) & 255,
          (v >>> 8) & 255,
          v & 255,
        ]).toString('latin1');
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined || pos + len > data.length)
        return { ok: false, reason: `field ${field} runs past the data end` };
      if (field === 2) {
        if (len !== 16) return { ok: false, reason: `key_id of ${len} bytes, not 16` };
        out.keyIds.push(Buffer.from(data.subarray(pos, pos + len)).toString('hex'));
      }
      pos += len;
    } else if (wire === 5) pos += 4;
    else if (wire === 1) pos += 8;
    else return { ok: false, reason: `unsupported wire type ${wire} of field ${field}` };
  }
  if (pos > data.length) return { ok: false, reason: 'the last field runs past the data end' };
  return { ok: true, data: out };
}
