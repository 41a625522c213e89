/**
 * PlayReady signalling (drm-events.md §6): the WRMHEADER in its four versions, the PlayReady
 * Object around it, its pssh, the LA_URL template and the version rules.
 */
import { KeyMaterial } from './key-material.js';
import { psshBox } from './pssh.js';
import { keyChecksum } from './test-key.js';
import { SYSTEM_IDS, uuidUrn, type KeySetEntry } from './systems.js';

export type PlayReadyVersion = '1.0' | '2.0' | '3.0' | '4.0';
export type HeaderVersion = '4.0' | '4.1' | '4.2' | '4.3';

export const PLAYREADY_TEST_LA_URL =
  'https://test.playready.microsoft.com/service/rightsmanager.asmx?cfg={cfgs}';

const HEADER_NS = 'http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader';
/** The PlayReady version each header needs (§6.2, last column). */
const HEADER_NEEDS: Record<HeaderVersion, PlayReadyVersion> = {
  '4.0': '1.0',
  '4.1': '2.0',
  '4.2': '3.0',
  '4.3': '4.0',
};
/** The effective version when `playready__version` is not given (§6.1). */
const LOWEST_FOR: Record<HeaderVersion, PlayReadyVersion> = {
  '4.0': '2.0',
  '4.1': '2.0',
  '4.2': '3.0',
  '4.3': '4.0',
};
/** A PRO over this many bytes is refused (§6.5). */
const MAX_PRO_BYTES = 15 * 1024;

export interface PlayReadyChoice {
  header: HeaderVersion;
  version: PlayReadyVersion;
}

/** §6.1–§6.2: the header version and effective version, or the reason a forced header is refused. */
export function choosePlayReady(
  keys: readonly KeySetEntry[],
  forced: HeaderVersion | null,
  explicit: PlayReadyVersion | null,
): PlayReadyChoice | { reason: string } {
  const cbc = keys.some((k) => k.alg === 'AESCBC');
  const several = keys.length > 1;
  let header: HeaderVersion;
  if (forced === null) header = cbc ? '4.3' : several ? '4.2' : '4.0';
  else {
    if ((forced === '4.0' || forced === '4.1') && (several || cbc))
      return { reason: `expected 4.2 or 4.3: header ${forced} describes exactly one AES-CTR key` };
    if (forced === '4.2' && cbc) return { reason: 'expected 4.3: the key set has an AES-CBC key' };
    if (explicit !== null && HEADER_NEEDS[forced] > explicit)
      return { reason: `expected a header that PlayReady ${explicit} understands` };
    header = forced;
  }
  return { header, version: explicit ?? LOWEST_FOR[header] };
}

/** The MPD scheme URI for the effective version (§6.1). */
export function playReadySchemeUri(version: PlayReadyVersion): string {
  return uuidUrn(version === '1.0' ? SYSTEM_IDS.playreadyLegacy : SYSTEM_IDS.playready);
}

const b64Guid = (kid: string): string => Buffer.from(KeyMaterial.parse(kid).leGuid()).toString('base64');

/**
 * §6.4: `{cfgs}`, `{default_kid}` and `{kids}` are replaced; any other brace text is left as it
 * is. Keys that are computed (or unknown) are not sent: the test server derives them itself.
 */
export function expandLaUrl(template: string, keys: readonly KeySetEntry[]): string {
  const cfgs = keys
    .map((k) => {
      const content =
        k.key !== null && !k.computed ? `,contentkey:${Buffer.from(k.key, 'hex').toString('base64')}` : '';
      return `(kid:${b64Guid(k.kid)},persist:false,sl:150${content})`;
    })
    .join(',');
  const values: Record<string, string> = {
    cfgs,
    default_kid: keys[0]?.kid ?? '',
    kids: keys.map((k) => k.kid).join(','),
  };
  return template.replace(/\{(cfgs|default_kid|kids)\}/g, (_, name: string) => values[name] ?? '');
}

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function checksumOf(k: KeySetEntry): string | null {
  if (k.key === null || k.alg !== 'AESCTR') return null;
  return keyChecksum(KeyMaterial.parse(k.kid), Buffer.from(k.key, 'hex'));
}

/** §6.3: the WRMHEADER XML (attributes in alphabetical order, no whitespace). */
export function wrmHeader(keys: readonly KeySetEntry[], header: HeaderVersion, laUrl: string): string {
  const la = `<LA_URL>${escapeText(laUrl)}</LA_URL>`;
  const open = `<WRMHEADER xmlns="${HEADER_NS}" version="${header}.0.0">`;
  const kidElement = (k: KeySetEntry, alg: string): string => {
    const cks = alg === 'AESCTR' ? checksumOf(k) : null;
    return `<KID ALGID="${alg}"${cks !== null ? ` CHECKSUM="${cks}"` : ''} VALUE="${b64Guid(k.kid)}"></KID>`;
  };
  const first = keys[0]!;
  if (header === '4.0') {
    const cks = checksumOf(first);
    return `${open}<DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO><KID>${b64Guid(first.kid)}</KID>${cks !== null ? `<CHECKSUM>${cks}</CHECKSUM>` : ''}${la}</DATA></WRMHEADER>`;
  }
  if (header === '4.1')
    return `${open}<DATA><PROTECTINFO>${kidElement(first, 'AESCTR')}</PROTECTINFO>${la}</DATA></WRMHEADER>`;
  const kids = keys.map((k) => kidElement(k, header === '4.2' ? 'AESCTR' : k.alg)).join('');
  return `${open}<DATA><PROTECTINFO><KIDS>${kids}</KIDS></PROTECTINFO>${la}</DATA></WRMHEADER>`;
}

/** §6.5: one rights-management record holding the UTF-16LE header. */
export function playReadyObject(headerXml: string): Buffer {
  const header = Buffer.from(headerXml, 'utf16le');
  const out = Buffer.alloc(10 + header.length);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(1, 4);
  out.writeUInt16LE(1, 6);
  out.writeUInt16LE(header.length, 8);
  header.copy(out, 10);
  return out;
}

export function proTooLarge(pro: Uint8Array): boolean {
  return pro.length > MAX_PRO_BYTES;
}

/** §6.6: version 0 with one key, else version 1 listing the key set. */
export function playReadyPssh(keys: readonly KeySetEntry[], pro: Uint8Array): Buffer {
  return psshBox(SYSTEM_IDS.playready, keys.length > 1 ? keys.map((k) => k.kid) : null, pro);
}

export interface PlayReadyRecord {
  /** 1 rights-management header, 3 embedded licence store. */
  type: number;
  /** Type 1: the WRMHEADER XML decoded from UTF-16LE. */
  xml?: string;
  bytes: Buffer;
}

/**
 * §6.5: the records of a PlayReady Object, also given as a whole `pssh` box (its Data is the
 * PRO). Type 1 records are decoded; others (type 3, embedded licence store) are kept opaque.
 */
export function parsePlayReadyObject(input: Uint8Array): PlayReadyRecord[] {
  let b = Buffer.from(input);
  if (b.length >= 32 && b.toString('latin1', 4, 8) === 'pssh') {
    const version = b[8]!;
    let at = 28 + (version > 0 ? 4 + 16 * b.readUInt32BE(28) : 0);
    const size = b.readUInt32BE(at);
    at += 4;
    b = b.subarray(at, at + size);
  }
  if (b.length < 6) throw new RangeError('a PlayReady Object has at least 6 bytes');
  const total = b.readUInt32LE(0);
  if (total !== b.length) throw new RangeError(`PlayReady Object length ${total} ≠ ${b.length} bytes`);
  const count = b.readUInt16LE(4);
  const out: PlayReadyRecord[] = [];
  let at = 6;
  for (let i = 0; i < count; i++) {
    if (at + 4 > b.length) throw new RangeError(`record ${i} runs past the object`);
    const type = b.readUInt16LE(at);
    const length = b.readUInt16LE(at + 2);
    const bytes = b.subarray(at + 4, at + 4 + length);
    if (bytes.length !== length) throw new RangeError(`record ${i} runs past the object`);
    out.push(type === 1 ? { type, xml: bytes.toString('utf16le'), bytes } : { type, bytes });
    at += 4 + length;
  }
  return out;
}
