/**
 * Deterministic IVs for on-the-fly encryption (drm-events.md §8.5): every node and every loop
 * write the same bytes, and IVs are unique per sample under one key.
 */
import { createHash } from 'node:crypto';

const TWO_64 = 1n << 64n;

/** `B_k` for fragment `k` (1-based) of Representation `repId`; sample j uses (B_k + j) mod 2^64. */
export function cencFragmentIvBase(kidHex: string, repId: string, fragment: number): bigint {
  const k = Buffer.alloc(4);
  k.writeUInt32BE(fragment);
  const digest = createHash('sha256')
    .update('loopcast-cenc-iv', 'ascii')
    .update(Buffer.from(kidHex, 'hex'))
    .update(repId, 'utf8')
    .update(k)
    .digest();
  return digest.readBigUInt64BE(0);
}

/** The 8-byte IV of sample `j` of a fragment whose base is `base`. */
export function cencSampleIv(base: bigint, j: number): Buffer {
  const iv = Buffer.alloc(8);
  iv.writeBigUInt64BE((base + BigInt(j)) % TWO_64);
  return iv;
}

/** The constant 16-byte `cbcs` IV of a Representation. */
export function cbcsConstantIv(kidHex: string, repId: string): Buffer {
  return createHash('sha256')
    .update('loopcast-cbcs-iv', 'ascii')
    .update(Buffer.from(kidHex, 'hex'))
    .update(repId, 'utf8')
    .digest()
    .subarray(0, 16);
}
