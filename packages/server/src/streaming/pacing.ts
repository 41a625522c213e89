/**
 * Held and paced segment answers (drm-events.md §10.8 `h`/`s` states, §10.9 `delay` and `rate`):
 * each wait is one timer, a paced body is written as sub-views of the response's existing
 * buffers (no copy), the next slice is scheduled only once the socket took the previous one, and
 * a client that goes away cancels the timer. Every such response holds one slot of the
 * held-response counters (`LOOPCAST_MAX_HELD`, per client address) until it closes.
 */
import { boundedRate, sliceDueMs, sliceSize } from '@loopcast/dash';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeldResponses } from './held.js';
import { sendError, STORED_BYTES_HEADERS, type HeaderMap } from './send.js';

/**
 * Takes a held slot for this response, given back when the response closes (finished or
 * aborted). False after answering 503 `unavailable` at once (over a limit).
 */
export function holdSlot(
  request: FastifyRequest,
  reply: FastifyReply,
  cors: HeaderMap,
  held: HeldResponses,
): boolean {
  const release = held.acquire(request.ip);
  if (!release) {
    sendError(request, reply, cors, {
      status: 503,
      code: 'unavailable',
      message: 'too many responses are held open; retry in 1 s',
      headers: { 'retry-after': 1 },
    });
    return false;
  }
  reply.raw.once('close', release);
  return true;
}

/** Waits `ms` on one timer; 'closed' as soon as the client goes away (the timer is cleared). */
export function waitUnlessClosed(reply: FastifyReply, ms: number): Promise<'done' | 'closed'> {
  const res = reply.raw;
  if (res.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve('closed');
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve('done');
    }, ms);
    res.once('close', onClose);
  });
}

/**
 * Writes `buffers` no faster than `rate` bytes per second (§10.9 "Pacing"): slices of
 * `sliceSize(rate)` bytes, slice i no earlier than `i·s/r` after the first, the rate raised so the
 * body ends within 60 s. `Content-Length` is the whole length as usual.
 */
export function sendPaced(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
  buffers: readonly Buffer[],
  rate: number,
): void {
  const length = buffers.reduce((sum, b) => sum + b.length, 0);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(status, {
    ...STORED_BYTES_HEADERS,
    ...headers,
    'content-length': length,
    'x-request-id': request.id,
  });
  if (request.method === 'HEAD' || length === 0) return void res.end();
  const r = boundedRate(rate, length);
  const slice = sliceSize(r);
  let index = 0; // buffer in `buffers`
  let offset = 0; // byte in that buffer
  let n = 0; // slices written
  let timer: NodeJS.Timeout | null = null;
  const started = performance.now();
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  res.once('close', stop);

  /** Writes the next `slice` bytes as views of the buffers; false when the socket is full. */
  const writeSlice = (): boolean => {
    let left = slice;
    let ok = true;
    while (left > 0 && index < buffers.length) {
      const b = buffers[index]!;
      const take = Math.min(left, b.length - offset);
      ok = res.write(b.subarray(offset, offset + take)) && ok;
      offset += take;
      left -= take;
      if (offset >= b.length) {
        index++;
        offset = 0;
      }
    }
    return ok;
  };

  const step = (): void => {
    timer = null;
    if (res.destroyed) return;
    const ok = writeSlice();
    n++;
    if (index >= buffers.length) return void res.end();
    const schedule = (): void => {
      if (res.destroyed) return;
      const wait = Math.max(0, started + sliceDueMs(n, slice, r) - performance.now());
      timer = setTimeout(step, wait);
    };
    // back-pressure: the next slice waits for the socket to take this one
    if (ok) schedule();
    else res.once('drain', schedule);
  };
  step();
}
