/**
 * CSRF protection for browser requests (spec app.md §3.5): a stateless token
 * `base64url(HMAC-SHA-256(csrfSecret, "csrf:" + csrfNonce))` bound to the nonce in the caller's
 * cookie, sent in `X-CSRF-Token`, plus a same-origin check of `Origin` / `Sec-Fetch-Site`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const CSRF_HEADER = 'x-csrf-token';

export const newCsrfNonce = (): string => randomBytes(16).toString('base64url');

export const csrfToken = (secret: string, nonce: string): string =>
  createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');

export function csrfTokenMatches(secret: string, nonce: string | undefined, sent: unknown): boolean {
  if (!nonce || typeof sent !== 'string' || !sent) return false;
  const expected = Buffer.from(csrfToken(secret, nonce));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The origin the browser sees: LOOPCAST_PUBLIC_URL, else the request's scheme and Host. */
export const ownOrigin = (request: FastifyRequest, publicUrl: string | undefined): string =>
  publicUrl ?? `${request.protocol}://${request.host}`;

/**
 * When a browser says where the request comes from, it must be this site: `Sec-Fetch-Site:
 * same-origin` or an `Origin` equal to ours. Requests without either header (old browsers, tools)
 * rely on the token alone.
 */
export function sameOrigin(request: FastifyRequest, publicUrl: string | undefined): boolean {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (site === undefined && origin === undefined) return true;
  if (site === 'same-origin') return true;
  return origin !== undefined && origin === ownOrigin(request, publicUrl);
}
