/**
 * Held and paced segment answers (drm-events.md §10.8 `h`/`s` states, §10.9 `delay` and `rate`):
 * each wait is one timer, a paced body is written as sub-views of the response's existing
 * buffers (no copy), the next slice is scheduled only once the socket took the previous one, and
 * a client that goes away cancels the timer. Every such response holds one slot of the
 * held-response counters (`LOOPCAST_MAX_HELD`, per client address) until it closes.
 */
import { boundedRate, sliceDueMs, sliceSize } from '@loopcast/dash';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { HeldResponses } from './held.js';
import { sendError, writeStreamingHead, type HeaderMap } from './send.js';

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
 * Writes body bytes `[start, start + size)` in order, one slice per call; resolves to what
 * `res.write` answered (false: the socket is full, wait for `drain`).
 */
type SliceWriter = (res: ServerResponse, start: number, size: number) => boolean | Promise<boolean>;

/**
 * A `SliceWriter` over a buffer list that writes sub-views of the buffers (new box headers and
 * slices of the cached source bytes: no copy). Slices must be asked for in order.
 */
function viewWriter(buffers: readonly Buffer[]): SliceWriter {
  let index = 0; // buffer in `buffers`
  let offset = 0; // byte in that buffer
  return (res, _start, size) => {
    let left = size;
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
}

const totalLength = (buffers: readonly Buffer[]): number => buffers.reduce((sum, b) => sum + b.length, 0);

/** Writes `buffers` no faster than `rate` bytes per second (§10.9 "Pacing"), as views. */
export function sendPaced(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
  buffers: readonly Buffer[],
  rate: number,
): void {
  pace(request, reply, status, headers, totalLength(buffers), rate, viewWriter(buffers));
}

/**
 * Writes `length` bytes read by `readRange` (a blob-store ranged read, offsets relative to the
 * body) no faster than `rate`: each slice is its own read, so a paced `odvod` file holds no
 * blob-store stream while it waits (§10.9 "Concurrency").
 */
export function sendPacedRanges(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
  length: number,
  rate: number,
  readRange: (start: number, size: number) => Promise<Buffer>,
): void {
  pace(request, reply, status, headers, length, rate, async (res, start, size) =>
    res.write(await readRange(start, size)),
  );
}

/**
 * Writes a whole answer paced: the head, then the body through `paceSlices` at `rate` raised so the
 * body ends within 60 s. `Content-Length` is the whole length as usual.
 */
function pace(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  headers: HeaderMap,
  length: number,
  rate: number,
  writeSlice: SliceWriter,
): void {
  const res = writeStreamingHead(request, reply, status, headers, length);
  if (request.method === 'HEAD' || length === 0) return void res.end();
  const stop = paceSlices(request, res, length, boundedRate(rate, length), writeSlice, () => res.end());
  res.once('close', stop);
}

/**
 * Writes some of a chunked answer's bytes (one or more complete CMAF chunks, dash.md §10.3) on an
 * open response no faster than `rate` — already bounded for the whole segment — then calls `done`.
 * Returns what cancels it.
 */
export function writePacedViews(
  request: FastifyRequest,
  res: ServerResponse,
  buffers: readonly Buffer[],
  rate: number,
  done: () => void,
): () => void {
  return paceSlices(request, res, totalLength(buffers), rate, viewWriter(buffers), done);
}

/**
 * The pacer of §10.9: slices of `sliceSize(rate)` bytes, slice i no earlier than `i·s/r` after the
 * first; the next slice is scheduled only once the socket took the previous one. A slice that
 * cannot be read after the head left ends the connection: the client sees a short body, never a
 * different one. Returns what cancels the pending slice.
 */
function paceSlices(
  request: FastifyRequest,
  res: ServerResponse,
  length: number,
  rate: number,
  writeSlice: SliceWriter,
  done: () => void,
): () => void {
  const slice = sliceSize(rate);
  let written = 0; // body bytes handed to the socket
  let n = 0; // slices written
  let timer: NodeJS.Timeout | null = null;
  const started = performance.now();

  const schedule = (): void => {
    if (res.destroyed) return;
    const wait = Math.max(0, started + sliceDueMs(n, slice, rate) - performance.now());
    timer = setTimeout(step, wait);
  };
  const afterSlice = (ok: boolean): void => {
    if (res.destroyed) return;
    if (written >= length) return done();
    // back-pressure: the next slice waits for the socket to take this one
    if (ok) schedule();
    else res.once('drain', schedule);
  };
  const step = (): void => {
    timer = null;
    if (res.destroyed) return;
    const size = Math.min(slice, length - written);
    const start = written;
    written += size;
    n++;
    const ok = writeSlice(res, start, size);
    if (typeof ok === 'boolean') return afterSlice(ok);
    ok.then(afterSlice, (err: unknown) => {
      request.log.warn({ err }, 'a paced body could not be read; closing the connection');
      res.destroy();
    });
  };
  if (length === 0) done();
  else step();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
