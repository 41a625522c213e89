/**
 * The ClearKey licence exchange (drm-events.md §5.2) as pure functions: the request body checked
 * field by field, and the answer built from the keys the caller may reveal.
 */
import { KeyMaterial } from './key-material.js';

export const CLEARKEY_MAX_BODY = 64 * 1024;
const MAX_KIDS = 64;

export type LicenceType = 'temporary' | 'persistent-license';

export interface LicenceRequest {
  /** 32 hex each, in request order, duplicates removed. */
  kids: string[];
  type: LicenceType;
}

export interface LicenceIssue {
  field: string;
  message: string;
}

/** A KID item: base64url without padding, also accepting padding and the `+` `/` alphabet. */
function kidOf(item: unknown): string | null {
  if (typeof item !== 'string' || !/^[A-Za-z0-9+/_-]{22}(==)?$/.test(item)) return null;
  return KeyMaterial.tryParse(item)?.hex() ?? null;
}

export function parseLicenceRequest(body: string): LicenceRequest | LicenceIssue {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { field: 'body', message: 'expected a JSON object' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { field: 'body', message: 'expected a JSON object' };
  const o = json as Record<string, unknown>;
  const list = o.kids;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_KIDS)
    return { field: 'kids', message: `expected an array of 1 to ${MAX_KIDS} base64url KIDs` };
  const kids: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const kid = kidOf(list[i]);
    if (kid === null) return { field: `kids[${i}]`, message: 'expected base64url of exactly 16 bytes' };
    if (!kids.includes(kid)) kids.push(kid);
  }
  const type = o.type ?? 'temporary';
  if (type !== 'temporary' && type !== 'persistent-license')
    return { field: 'type', message: 'expected temporary or persistent-license' };
  return { kids, type };
}

export interface LicenceResponse {
  keys: { kty: 'oct'; kid: string; k: string }[];
  type: LicenceType;
}

/** One JWK per requested KID that `lookup` knows (32-hex key), in request order. */
export function licenceResponse(
  req: LicenceRequest,
  lookup: (kid: string) => string | null,
): LicenceResponse {
  const keys: LicenceResponse['keys'] = [];
  for (const kid of req.kids) {
    const key = lookup(kid);
    if (key === null) continue;
    keys.push({
      kty: 'oct',
      kid: Buffer.from(kid, 'hex').toString('base64url'),
      k: Buffer.from(key, 'hex').toString('base64url'),
    });
  }
  return { keys, type: req.type };
}
