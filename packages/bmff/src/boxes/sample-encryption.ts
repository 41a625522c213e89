/**
 * senc (ISO/IEC 23001-7 §7.2) and its PIFF 1.1 predecessor, the uuid box
 * a2394f52-5a9b-4f14-a244-6c427c648df4. Neither records its IV size: it comes from tenc
 * (passed in the parse context) or, for a fragment read alone, is the one size among 16, 8
 * and 0 that makes the records fill the box exactly.
 */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';
import type { ByteReader, ByteWriter } from '../bytes.js';
import { parseError } from '../errors.js';

export const SENC_SUBSAMPLES = 0x000002;
export const PIFF_SAMPLE_ENCRYPTION_UUID = 'a2394f525a9b4f14a2446c427c648df4';

export interface SubSample {
  clearBytes: number;
  protectedBytes: number;
}

export interface EncryptionSample {
  /** Hex; empty with a constant IV. */
  iv: string;
  subsamples?: SubSample[];
}

function tryRead(r: ByteReader, count: number, ivSize: number, sub: boolean): EncryptionSample[] | null {
  const start = r.pos;
  try {
    r.checkCount(count, ivSize + (sub ? 2 : 0));
    const out: EncryptionSample[] = [];
    for (let i = 0; i < count; i++) {
      const s: EncryptionSample = { iv: r.hex(ivSize) };
      if (sub) {
        const n = r.u16();
        r.checkCount(n, 6);
        s.subsamples = [];
        for (let j = 0; j < n; j++) s.subsamples.push({ clearBytes: r.u16(), protectedBytes: r.u32() });
      }
      out.push(s);
    }
    return out;
  } catch {
    r.pos = start;
    return null;
  }
}

/** Reads sample records, choosing the IV size as described above. */
export function readEncryptionSamples(
  r: ByteReader,
  count: number,
  sub: boolean,
  ivSize: number | undefined,
): { ivSize: number; samples: EncryptionSample[] } {
  const candidates = ivSize !== undefined ? [ivSize, 16, 8, 0] : [16, 8, 0];
  for (const size of candidates) {
    const start = r.pos;
    const samples = tryRead(r, count, size, sub);
    if (samples && (r.remaining === 0 || size === ivSize)) return { ivSize: size, samples };
    r.pos = start;
  }
  throw parseError('sample encryption records do not fit any IV size', r.base + r.pos);
}

export function writeEncryptionSamples(
  w: ByteWriter,
  samples: readonly EncryptionSample[],
  sub: boolean,
): void {
  w.u32(samples.length);
  for (const s of samples) {
    w.hex(s.iv);
    if (sub) {
      const list = s.subsamples ?? [];
      w.u16(list.length);
      for (const x of list) w.u16(x.clearBytes).u32(x.protectedBytes);
    }
  }
}

export interface SencFields extends FullBoxFields {
  ivSize: number;
  samples: EncryptionSample[];
}

export const senc = defineBox<SencFields>({
  type: 'senc',
  name: 'Sample encryption',
  ref: '23001-7 §7.2',
  example: {
    version: 0,
    flags: SENC_SUBSAMPLES,
    ivSize: 8,
    samples: [
      { iv: '0011223344556677', subsamples: [{ clearBytes: 5, protectedBytes: 1024 }] },
      { iv: '0011223344556678', subsamples: [] },
    ],
  },
  parse(r, ctx) {
    const vf = readVF(r);
    const count = r.u32();
    return { ...vf, ...readEncryptionSamples(r, count, (vf.flags & SENC_SUBSAMPLES) !== 0, ctx.ivSize) };
  },
  write(w, v) {
    writeVF(w, v);
    writeEncryptionSamples(w, v.samples, (v.flags & SENC_SUBSAMPLES) !== 0);
  },
});

export interface PiffSampleEncryptionFields extends SencFields {
  /** Present when flags & 1 (override of the track defaults). */
  algorithmId?: number;
  overrideIvSize?: number;
  kid?: string;
}

export const piffSampleEncryption = defineBox<PiffSampleEncryptionFields>({
  type: `uuid:${PIFF_SAMPLE_ENCRYPTION_UUID}`,
  name: 'PIFF sample encryption',
  ref: 'PIFF 1.1 §5.3.2.1',
  example: {
    version: 0,
    flags: SENC_SUBSAMPLES | 1,
    algorithmId: 1,
    overrideIvSize: 8,
    kid: '1ab45440532c439994dc5c5ad9584bac',
    ivSize: 8,
    samples: [
      { iv: '0011223344556677', subsamples: [{ clearBytes: 5, protectedBytes: 1024 }] },
      { iv: '0011223344556678', subsamples: [] },
    ],
  },
  parse(r, ctx) {
    const vf = readVF(r);
    const f: Partial<PiffSampleEncryptionFields> = { ...vf };
    if (vf.flags & 1) {
      f.algorithmId = r.u24();
      f.overrideIvSize = r.u8();
      f.kid = r.hex(16);
    }
    const count = r.u32();
    const read = readEncryptionSamples(
      r,
      count,
      (vf.flags & SENC_SUBSAMPLES) !== 0,
      f.overrideIvSize ?? ctx.ivSize,
    );
    return { ...(f as FullBoxFields), ...f, ...read };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.flags & 1)
      w.u24(v.algorithmId ?? 1)
        .u8(v.overrideIvSize ?? v.ivSize)
        .hex(v.kid ?? '0'.repeat(32));
    writeEncryptionSamples(w, v.samples, (v.flags & SENC_SUBSAMPLES) !== 0);
  },
});
