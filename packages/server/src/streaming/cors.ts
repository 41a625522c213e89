/**
 * CORS for the streaming routes (spec dash.md §3.7), from the allowed-domains setting: `*`, or
 * the request's Origin when the whole Origin matches the setting's expression; never credentials.
 */
import type { Settings } from '../config/settings.js';

export const EXPOSED_HEADERS = 'Date, Content-Length, Content-Range, Retry-After';

export function corsHeaders(
  allowed: Settings['allowedDomains'],
  origin: string | undefined,
  methods = 'GET, HEAD, OPTIONS',
): Record<string, string> {
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
