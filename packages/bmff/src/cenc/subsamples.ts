/**
 * Which bytes of a video sample are protected under `cenc` (drm-events.md §8.4): VCL NAL units
 * of at least 112 bytes keep a clear lead of at least 96 bytes and protect a whole number of AES
 * blocks; every other NAL unit is clear.
 */
import type { SubSample } from '../boxes/sample-encryption.js';

export type NalCodec = 'avc' | 'hevc';

const MAX_CLEAR = 0xffff;
const MIN_CLEAR_LEAD = 96;
const MIN_PROTECTED_NAL = 112;

function isVcl(codec: NalCodec, header: number): boolean {
  if (codec === 'avc') {
    const t = header & 0x1f;
    return t >= 1 && t <= 5;
  }
  return ((header >> 1) & 0x3f) <= 31;
}

/** The length-prefixed NAL units of a sample as [start, total size] pairs (a cut-off tail is one clear unit). */
function nalUnits(sample: Uint8Array, lengthSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let pos = 0; pos < sample.length;) {
    let n = 0;
    for (let i = 0; i < lengthSize && pos + i < sample.length; i++) n = n * 256 + sample[pos + i]!;
    const total = Math.min(lengthSize + n, sample.length - pos);
    out.push([pos, total <= 0 ? sample.length - pos : total]);
    pos += total <= 0 ? sample.length - pos : total;
  }
  return out;
}

/** §8.4: (clear, protected) entries adding up to the sample's size; at least one entry. */
export function cencVideoSubsamples(sample: Uint8Array, lengthSize: number, codec: NalCodec): SubSample[] {
  return videoSubsamples(sample, lengthSize, (start, total) => {
    const header = sample[start + lengthSize];
    if (header === undefined || total < MIN_PROTECTED_NAL || !isVcl(codec, header)) return 0;
    return Math.floor((total - MIN_CLEAR_LEAD) / 16) * 16;
  });
}

/** What `cbcs` needs of a codec's slice-header parser (§8.6). */
export interface SliceHeaderParser {
  readonly codec: NalCodec;
  /** Remembers a parameter set met in decode order; any other NAL unit is ignored. */
  parameterSet(nal: Uint8Array): void;
  /** Stored bytes of a VCL NAL unit up to the end of its slice header, or null when unreadable. */
  headerBytes(nal: Uint8Array): number | null;
}

/**
 * §8.4 `cbcs`: a VCL NAL unit is protected from the end of its slice header (§8.6) to its end, when
 * at least 16 bytes follow the header; parameter sets met on the way update the parser. A VCL NAL
 * unit whose header cannot be read stays clear and is reported to `onUnreadable`.
 */
export function cbcsVideoSubsamples(
  sample: Uint8Array,
  lengthSize: number,
  slices: SliceHeaderParser,
  onUnreadable?: (nal: Uint8Array) => void,
): SubSample[] {
  return videoSubsamples(sample, lengthSize, (start, total) => {
    const nal = sample.subarray(start + lengthSize, start + total);
    if (nal.length === 0) return 0;
    if (!isVcl(slices.codec, nal[0]!)) {
      slices.parameterSet(nal);
      return 0;
    }
    const header = slices.headerBytes(nal);
    if (header === null) {
      onUnreadable?.(nal);
      return 0;
    }
    const rest = total - lengthSize - header;
    return rest >= 16 ? rest : 0;
  });
}

/** Entries from the protected byte count of each NAL unit (its tail; 0 = clear). */
function videoSubsamples(
  sample: Uint8Array,
  lengthSize: number,
  protectedOf: (start: number, total: number) => number,
): SubSample[] {
  const out: SubSample[] = [];
  let clear = 0;
  const pushClear = (last: boolean) => {
    while (clear > MAX_CLEAR) {
      out.push({ clearBytes: MAX_CLEAR, protectedBytes: 0 });
      clear -= MAX_CLEAR;
    }
    if (last && (clear > 0 || out.length === 0)) out.push({ clearBytes: clear, protectedBytes: 0 });
  };
  for (const [start, total] of nalUnits(sample, lengthSize)) {
    const protectedBytes = protectedOf(start, total);
    if (protectedBytes > 0) {
      clear += total - protectedBytes;
      pushClear(false);
      out.push({ clearBytes: clear, protectedBytes });
      clear = 0;
    } else clear += total;
  }
  pushClear(true);
  return out;
}
