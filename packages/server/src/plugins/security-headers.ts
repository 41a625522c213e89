/**
 * Security headers for API responses (spec app.md §15): the same content security policy and
 * headers as the UI pages, via @fastify/helmet registered in the API scope only, plus
 * `Cache-Control: no-store` on every `/api` answer (§4.1).
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:', 'data:'],
  workerSrc: ["'self'", 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'self'"],
};

export async function registerApiSecurityHeaders(api: FastifyInstance): Promise<void> {
  await api.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    referrerPolicy: { policy: 'same-origin' },
    // HSTS belongs to the TLS proxy (§15).
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  api.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}
