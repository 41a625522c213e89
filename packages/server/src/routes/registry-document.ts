/**
 * The public registry documents (`/api/cgiOptions`, `/api/manifests`, `/api/ContentRoles.json`,
 * `/api/openapi.json`; app.md §4.1): generated once from their registries, served with `no-cache`
 * and a strong ETag (a repeat request gets 304), CORS for third-party tools and `nosniff`.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Settings } from '../config/settings.js';
import { corsHeaders } from '../streaming/cors.js';

export interface RegistryDocument {
  body: string;
  etag: string;
}

export function registryDocument(value: unknown): RegistryDocument {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

export function sendRegistryDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: Settings['allowedDomains'],
  document: RegistryDocument,
): FastifyReply {
  reply.headers({
    ...corsHeaders(allowed, request.headers.origin),
    'cache-control': 'no-cache',
    etag: document.etag,
    'x-content-type-options': 'nosniff',
  });
  const match = request.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === document.etag)) {
    return reply.code(304).send();
  }
  return reply.type('application/json; charset=utf-8').send(document.body);
}
