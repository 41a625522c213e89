/**
 * Records every HTTP response into the metrics (app.md §14.3): requests, latency and bytes by
 * registered route pattern, plus manifests by template and mode and segments by mode and content
 * type. The streaming routes leave the path they already parsed on the request
 * (`request.streamingPath`), so the hot path neither parses twice nor carries metric code.
 */
import type { StreamingPath } from '@loopcast/dash';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Socket } from 'node:net';
import type { Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `/dash/*` route once it has parsed the URL; null elsewhere. */
    streamingPath: StreamingPath | null;
  }
}

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

function recordStreaming(metrics: Metrics, path: StreamingPath, reply: FastifyReply): void {
  const status = String(reply.statusCode);
  if (path.kind === 'manifest') metrics.manifests.inc({ template: path.template, mode: path.mode, status });
  else if (path.kind === 'segment' || path.kind === 'odvod-file') {
    metrics.segments.inc({
      mode: path.kind === 'segment' ? path.mode : 'odvod',
      content_type: CONTENT_TYPE_BY_EXTENSION[path.ext] ?? 'other',
      status,
    });
  }
}

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest('streamingPath', null);
  // Bytes are counted on the socket: streaming responses write their headers and bodies directly,
  // so no Content-Length is readable afterwards. Responses on one HTTP/1.1 connection go out one
  // after the other, so what the socket wrote since the previous response finished is this one.
  const writtenAtLastResponse = new WeakMap<Socket, number>();
  app.addHook('onResponse', (request, reply, done) => {
    // A 404 from the catch-all (static files) is a request no route matched.
    const pattern = request.routeOptions.url;
    const route = !pattern || (pattern === '/*' && reply.statusCode === 404) ? 'unmatched' : pattern;
    const method = request.method;
    metrics.httpRequests.inc({ route, method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, method }, reply.elapsedTime / 1000);
    const socket = request.raw.socket as Socket | null;
    if (socket) {
      const total = socket.bytesWritten;
      const written = total - (writtenAtLastResponse.get(socket) ?? 0);
      writtenAtLastResponse.set(socket, total);
      if (written > 0) metrics.httpBytes.inc({ route }, written);
    }
    if (request.streamingPath) recordStreaming(metrics, request.streamingPath, reply);
    done();
  });
}
