/**
 * Records every HTTP response into the metrics (app.md §14.3): requests, latency and bytes by
 * registered route pattern, plus manifests by template and mode and segments by mode and content
 * type, read off the streaming path after the response, so the streaming hot path carries no
 * metric code of its own.
 */
import { parseStreamingPath } from '@loopcast/dash';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * The content type from the segment's extension (dash.md §3.3: m4v video, m4a audio, mp4 text, jpg
 * thumbnails). The streaming routes write their headers straight to the socket, so the response's
 * Content-Type is not readable here.
 */
const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  m4v: 'video',
  m4a: 'audio',
  mp4: 'text',
  jpg: 'image',
};

function recordStreaming(metrics: Metrics, request: FastifyRequest, reply: FastifyReply): void {
  let pathname = request.url.split('?', 1)[0]!;
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    return;
  }
  const path = parseStreamingPath(pathname);
  const status = String(reply.statusCode);
  if (path?.kind === 'manifest') metrics.manifests.inc({ template: path.template, mode: path.mode, status });
  else if (path?.kind === 'segment' || path?.kind === 'odvod-file') {
    metrics.segments.inc({
      mode: path.kind === 'segment' ? path.mode : 'odvod',
      content_type: CONTENT_TYPE_BY_EXTENSION[path.ext] ?? 'other',
      status,
    });
  }
}

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  // Bytes are counted on the socket: streaming responses write their headers and bodies directly,
  // so no Content-Length is readable afterwards. Requests on one connection do not overlap.
  const writtenBefore = new WeakMap<FastifyRequest, number>();
  app.addHook('onRequest', (request, _reply, done) => {
    writtenBefore.set(request, request.raw.socket?.bytesWritten ?? 0);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // A 404 from the catch-all (static files) is a request no route matched.
    const pattern = request.routeOptions.url;
    const route = !pattern || (pattern === '/*' && reply.statusCode === 404) ? 'unmatched' : pattern;
    const method = request.method;
    metrics.httpRequests.inc({ route, method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, method }, reply.elapsedTime / 1000);
    const written = (request.raw.socket?.bytesWritten ?? 0) - (writtenBefore.get(request) ?? 0);
    if (written > 0) metrics.httpBytes.inc({ route }, written);
    if (route === '/dash/*') recordStreaming(metrics, request, reply);
    done();
  });
}
