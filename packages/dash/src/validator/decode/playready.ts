/**
 * PlayReady Objects (drm-events.md §6.5) and their WRMHEADER, read for CP_PLAYREADY: records in
 * little-endian, type 1 = the rights-management header as UTF-16LE XML. KIDs in the header are
 * LE-GUID base64 (drm-events.md §2.3) and returned here as the 32 hex digits of the stored KID.
 */
export interface PlayReadyObject {
  headers: { version: string | undefined; kids: string[]; laUrl: string | undefined; xml: string }[];
}

export type ProResult = { ok: true; pro: PlayReadyObject } | { ok: false; reason: string };

/** LE-GUID bytes (first three fields little-endian) → KID hex in stored order. */
export function kidFromLeGuid(bytes: Uint8Array): string {
  const b = [...bytes];
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return order.map((i) => (b[i] ?? 0).toString(16).padStart(2, '0')).join('');
}

export function parsePlayReadyObject(data: Uint8Array): ProResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 6)
    return { ok: false, reason: `${buf.length} bytes are too short for a PlayReady Object` };
  const total = buf.readUInt32LE(0);
  if (total !== buf.length)
    return { ok: false, reason: `the object says ${total} bytes but has ${buf.length}` };
  const count = buf.readUInt16LE(4);
  let pos = 6;
  const pro: PlayReadyObject = { headers: [] };
  for (let i = 0; i < count; i++) {
    if (pos + 4 > buf.length) return { ok: false, reason: `record ${i + 1} of ${count} is truncated` };
    const type = buf.readUInt16LE(pos);
    const len = buf.readUInt16LE(pos + 2);
    pos += 4;
    if (pos + len > buf.length) return { ok: false, reason: `record ${i + 1} runs past the object end` };
    if (type === 1) {
      const xml = buf.subarray(pos, pos + len).toString('utf16le');
      if (!/^\s*<WRMHEADER[\s>]/.test(xml))
        return { ok: false, reason: 'the rights-management header is not a WRMHEADER' };
      const version = /<WRMHEADER[^>]*\sversion="([^"]*)"/.exec(xml)?.[1];
      const kids: string[] = [];
      for (const m of xml.matchAll(
        /<KID(?:\s[^>]*?VALUE="([^"]+)"[^>]*)?>([^<]*)<\/KID>|<KID\s[^>]*?VALUE="([^"]+)"[^>]*\/>/g,
      )) {
        const b64 = (m[1] ?? m[3] ?? m[2] ?? '').trim();
        const bytes = Buffer.from(b64, 'base64');
        if (bytes.length === 16) kids.push(kidFromLeGuid(bytes));
      }
      const laUrl = /<LA_URL>([^<]*)<\/LA_URL>/.exec(xml)?.[1]?.replace(/&amp;/g, '&');
      pro.headers.push({ version, kids, laUrl, xml });
    }
    pos += len;
  }
  if (pos !== buf.length) return { ok: false, reason: `${buf.length - pos} bytes follow the last record` };
  return { ok: true, pro };
}
