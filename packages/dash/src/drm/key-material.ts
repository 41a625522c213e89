/**
 * KIDs and keys in every accepted written form (drm-events.md §2.1), normalised to 16 bytes in
 * stored order, plus the LE-GUID form PlayReady uses (§2.3).
 */

export class KeyMaterialError extends Error {
  override readonly name = 'KeyMaterialError';
}

const HEX32 = /^[0-9a-f]{32}$/;
const BASE64ISH = /^[A-Za-z0-9+/_-]{22}(?:==)?$|^[A-Za-z0-9+/_-]{22}[A-Za-z0-9+/_-]{0,2}$/;

export class KeyMaterial {
  private constructor(readonly bytes: Uint8Array) {}

  /**
   * Hex (optionally `0x`-prefixed), UUID (dashes anywhere are ignored) or base64/base64url of
   * exactly 16 bytes. 32/36-character and 22/24-character inputs cannot be confused (§2.1).
   */
  static parse(input: string | Uint8Array): KeyMaterial {
    if (typeof input !== 'string') {
      if (input.length !== 16) throw new KeyMaterialError(`expected 16 bytes, got ${input.length}`);
      return new KeyMaterial(Uint8Array.from(input));
    }
    const text = input.trim();
    const hex = text.replace(/^0x/i, '').replace(/-/g, '').toLowerCase();
    if (HEX32.test(hex)) return new KeyMaterial(Uint8Array.from(Buffer.from(hex, 'hex')));
    if ((text.length === 22 || text.length === 24) && BASE64ISH.test(text)) {
      const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes.length === 16) return new KeyMaterial(Uint8Array.from(bytes));
    }
    throw new KeyMaterialError('expected 32 hex digits, a UUID, or base64 of 16 bytes');
  }

  /** Null instead of an exception, for validation paths. */
  static tryParse(input: string): KeyMaterial | null {
    try {
      return KeyMaterial.parse(input);
    } catch {
      return null;
    }
  }

  hex(): string {
    return Buffer.from(this.bytes).toString('hex');
  }

  uuid(): string {
    const h = this.hex();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  base64(): string {
    return Buffer.from(this.bytes).toString('base64');
  }

  base64url(): string {
    return Buffer.from(this.bytes).toString('base64url');
  }

  /** §2.3: the first three GUID fields byte-swapped (b3 b2 b1 b0 b5 b4 b7 b6 b8 … b15). */
  leGuid(): Uint8Array {
    const b = this.bytes;
    return Uint8Array.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
  }
}

/** Normalises a KID or key text to 32 lower-case hex digits, or null when it is not one. */
export function normaliseKeyText(input: string): string | null {
  return KeyMaterial.tryParse(input)?.hex() ?? null;
}
