/**
 * CORS for the streaming routes (spec dash.md §3.7), from the allowed-domains setting: `*`, or
 * the request's Origin when the whole Origin matches the setting's expression; never credentials.
 */
import type { Settings } from '../config/settings.js';

export const EXPOSED_HEADERS = 'Date, Content-Length, Content-Range, Retry-After';

const ANY_ORIGIN: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-expose-headers': EXPOSED_HEADERS,
  'timing-allow-origin': '*',
});

export function corsHeaders(
  allowed: Settings['allowedDomains'],
  origin: string | undefined,
  methods = 'GET, HEAD, OPTIONS',
): Readonly<Record<string, string>> {
  // The default setting answers every streaming request the same: no per-request object.
  if (allowed === '*' && methods === ANY_ORIGIN['access-control-allow-methods']) return ANY_ORIGIN;
  let allowOrigin: string | null = null;
  const headers: Record<string, string> = {};
  if (allowed === '*') allowOrigin = '*';
  else {
    headers.vary = 'Origin';
    if (origin && allowed.test(origin)) allowOrigin = origin;
  }
  if (allowOrigin === null) return headers;
  return {
    ...headers,
    'access-control-allow-origin': allowOrigin,
    'access-control-allow-methods': methods,
    'access-control-expose-headers': EXPOSED_HEADERS,
    'timing-allow-origin': allowOrigin,
  };
}
