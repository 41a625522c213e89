/**
 * One log line per finished request (spec app.md §14.1): request id, method, URL, route pattern,
 * status, response time, bytes and client address. Streaming routes are logged only with
 * LOOPCAST_ACCESS_LOG=all, so segment throughput does not pay for them.
 */
import type { FastifyInstance } from 'fastify';
import type { Settings } from './config/settings.js';

/** URL prefixes of the streaming routes (dash.md §3.1) and the licence and time endpoints. */
export const STREAMING_PREFIXES = ['/dash/', '/mps/', '/time/', '/clearkey'] as const;

export const isStreamingUrl = (url: string): boolean => STREAMING_PREFIXES.some((p) => url.startsWith(p));

export function registerAccessLog(app: FastifyInstance, mode: Settings['accessLog']): void {
  if (mode === 'off') return;
  app.addHook('onResponse', async (request, reply) => {
    if (mode === 'api' && isStreamingUrl(request.url)) return;
    const length = reply.getHeader('content-length');
    request.log.info(
      {
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        bytes: length === undefined ? undefined : Number(length),
        ip: request.ip,
      },
      'request',
    );
  });
}
