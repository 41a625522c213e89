/**
 * Keys computed from a KID with Microsoft's PlayReady test key seed (drm-events.md §2.4), the
 * PlayReady key checksum (§2.5) and the stream's on-the-fly KID (§2.6).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { KeyMaterial } from './key-material.js';

/** Microsoft's published test key seed, 30 bytes (§2.4). */
export const PLAYREADY_TEST_SEED: Uint8Array = Uint8Array.from(
  Buffer.from('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I', 'base64'),
);

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** §2.4: key[i] = A[i] ⊕ A[i+16] ⊕ B[i] ⊕ B[i+16] ⊕ C[i] ⊕ C[i+16]. */
export function deriveTestKey(kid: KeyMaterial, seed: Uint8Array = PLAYREADY_TEST_SEED): Uint8Array {
  if (seed.length < 30) throw new RangeError('a PlayReady key seed has at least 30 bytes');
  const s = seed.subarray(0, 30);
  const g = kid.leGuid();
  const a = sha256(s, g);
  const b = sha256(s, g, s);
  const c = sha256(s, g, s, g);
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) key[i] = a[i]! ^ a[i + 16]! ^ b[i]! ^ b[i + 16]! ^ c[i]! ^ c[i + 16]!;
  return key;
}

/** The computed key of a KID as 32 hex digits (the key store's form). */
export function testKeyHex(kidHex: string): string {
  return Buffer.from(deriveTestKey(KeyMaterial.parse(kidHex))).toString('hex');
}

/** §2.5: AES-128-ECB of the LE-GUID KID with the key, first 8 bytes, base64. */
export function keyChecksum(kid: KeyMaterial, key: Uint8Array): string {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  const block = Buffer.concat([cipher.update(kid.leGuid()), cipher.final()]);
  return block.subarray(0, 8).toString('base64');
}

/** §2.6: the first 16 bytes of SHA-256("loopcast:" + directory), 32 hex digits. */
export function onTheFlyKid(directory: string): string {
  return sha256(Buffer.from(`loopcast:${directory}`, 'utf8'))
    .subarray(0, 16)
    .toString('hex');
}
