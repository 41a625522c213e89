/**
 * Writing streaming answers straight to the socket: a list of buffers (new headers plus the
 * untouched `mdat` view) is written without concatenation, and error answers use the JSON
 * envelope of app.md §1 with `Cache-Control: no-store` and CORS so a player can read the status.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export type HeaderMap = Record<string, string | number>;

export function sendBuffers(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
  buffers: readonly Buffer[],
): void {
  const length = buffers.reduce((sum, b) => sum + b.length, 0);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(status, { ...headers, 'content-length': length, 'x-request-id': request.id });
  if (request.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  // Headers and body leave in one write: `end(last)` with everything before it corked. Writing
  // and then calling a bare end() costs a second syscall per response.
  const last = buffers.length - 1;
  if (last === 0) {
    res.end(buffers[0]);
    return;
  }
  res.cork();
  for (let i = 0; i < last; i++) res.write(buffers[i]);
  res.end(buffers[last]);
  res.uncork();
}

/** A HEAD answer with the headers GET would send, Content-Length included, and no body. */
export function sendHead(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
): void {
  reply.hijack();
  reply.raw.writeHead(status, { ...headers, 'x-request-id': request.id });
  reply.raw.end();
}

export type StreamingErrorCode =
  | 'invalid_field'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'range_not_satisfiable'
  | 'too_early'
  | 'unavailable'
  | 'bad_request';

export interface StreamingError {
  status: number;
  code: StreamingErrorCode;
  message: string;
  field?: string;
  fields?: Record<string, string>;
  headers?: HeaderMap;
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  cors: HeaderMap,
  error: StreamingError,
): FastifyReply {
  const body = {
    error: {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(error.fields ? { fields: error.fields } : {}),
      requestId: request.id,
    },
  };
  return reply
    .code(error.status)
    .headers({ ...cors, ...error.headers, 'cache-control': 'no-store' })
    .type('application/json; charset=utf-8')
    .send(body);
}
