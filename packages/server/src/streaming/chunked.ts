/**
 * Low-latency delivery of live segments (dash.md §10.3): the rewritten segment is cut into CMAF
 * chunks (packages/bmff), the pure core says how to answer at this instant, and this file does
 * the I/O — all chunks at once, the complete chunks at once and each later chunk when its
 * wall-clock time arrives (chunked transfer encoding, one timer per response against the absolute
 * chunk time, no polling), a request held without bytes until its first chunk, or 425. Held and
 * chunk-by-chunk responses take a held slot (drm-events.md §10.9) and carry `X-Accel-Buffering: no`
 * so a proxy does not buffer them; a client that goes away cancels the timer and frees the slot.
 */
import { BmffError, buildChunks, readChunkSource, type MediaIndex } from '@loopcast/bmff';
import {
  boundedRate,
  chunkCompletionTimes,
  chunkedAnswer,
  chunkSampleCounts,
  producerNtpTime,
  type MediaSegmentPlan,
  type Options,
} from '@loopcast/dash';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeldResponses } from './held.js';
import { sendPaced, writePacedViews } from './pacing.js';
import { refusalError } from './refusals.js';
import { STORED_BYTES_HEADERS, sendBuffers, sendError, type HeaderMap } from './send.js';

export interface ChunkedDeps {
  held: HeldResponses;
  /** LOOPCAST_LL_MAX_HOLD in ms; 0 disables holding. */
  maxHoldMs: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

export interface ChunkedSegment {
  request: FastifyRequest;
  reply: FastifyReply;
  cors: HeaderMap;
  plan: MediaSegmentPlan & { live: NonNullable<MediaSegmentPlan['live']> };
  index: MediaIndex;
  options: Options;
  /** The request's clock (the pinned `now` or the system clock at arrival). */
  nowMs: number;
  /** The rewritten segment (`rewriteSegment`'s buffers). */
  body: Buffer[];
  contentType: string;
  /**
   * The request's network shape (drm-events.md §10.9): the delay already waited, which shifts
   * every chunk's time; the rate each chunk is paced at (null: unpaced); whether the response
   * already holds a held slot (taken while it waited).
   */
  shape: { waitedMs: number; rate: number | null; holding: boolean };
}

/** `whole`: the segment is complete; the caller sends `body` (all chunks) as usual. */
export type ChunkedOutcome = { kind: 'whole'; body: Buffer[] } | { kind: 'answered' };

interface Chunk {
  buffers: Buffer[];
  duration: number;
}

export function sendChunkedSegment(s: ChunkedSegment, deps: ChunkedDeps): ChunkedOutcome {
  const { plan } = s;
  const chunks = splitIntoChunks(s);
  const times = chunkCompletionTimes(
    plan.live,
    chunks.map((c) => c.duration),
    plan.timescale,
  );
  const pinned = s.options.now !== null;
  const answer = chunkedAnswer(times, s.nowMs, pinned, deps.maxHoldMs);
  const all = (list: readonly Chunk[]): Buffer[] => list.flatMap((c) => c.buffers);
  switch (answer.kind) {
    case 'whole':
      return { kind: 'whole', body: all(chunks) };
    case 'TooEarly':
      sendError(s.request, s.reply, s.cors, refusalError(answer, `segment ${plan.representationId}`));
      return { kind: 'answered' };
    default:
      break;
  }
  const headers: HeaderMap = {
    ...s.cors,
    'content-type': s.contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'no-store',
  };
  if (answer.kind === 'chunked' && answer.truncated) {
    // a pinned clock: the chunks complete at that instant, then the end (a truncated segment)
    const ready = all(chunks.slice(0, answer.ready));
    if (s.shape.rate === null) sendBuffers(s.request, s.reply, 200, headers, ready);
    else sendPaced(s.request, s.reply, 200, headers, ready, s.shape.rate);
    return { kind: 'answered' };
  }
  const release = s.shape.holding ? () => {} : deps.held.acquire(s.request.ip);
  if (!release) {
    sendError(s.request, s.reply, s.cors, {
      status: 503,
      code: 'unavailable',
      message: 'too many responses are held open; retry in 1 s',
      headers: { 'retry-after': 1 },
    });
    return { kind: 'answered' };
  }
  // delay moves the whole schedule; the hold and 425 decisions above were taken at arrival
  const shifted = times.map((t) => t + s.shape.waitedMs);
  const headersOut = { ...headers, 'x-accel-buffering': 'no' };
  streamChunks(s, chunks, shifted, headersOut, release, deps.now ?? Date.now);
  return { kind: 'answered' };
}

/** The segment's chunks, or the whole segment as one chunk when bmff cannot split it. */
function splitIntoChunks(s: ChunkedSegment): Chunk[] {
  const chunkMs = s.options.chunkdur ?? 0;
  try {
    const src = readChunkSource(s.body, { sampleDuration: s.index.sampleDuration ?? undefined });
    const counts = chunkSampleCounts(src.durations, chunkMs, s.plan.timescale);
    return buildChunks(src, counts, producerNtpTime(s.plan.live, s.plan.timescale));
  } catch (err) {
    if (!(err instanceof BmffError)) throw err;
    s.request.log.warn({ err: err.message }, 'segment sent unchunked');
    return [{ buffers: s.body, duration: Number(s.plan.live.duration) }];
  }
}

/**
 * Holds the response until the first chunk is complete (no bytes before), then writes every
 * complete chunk — paced at the request's `rate` when it has one, each chunk through the same
 * pacer as whole segments — and schedules one timer for the next; ends the body after the last.
 */
function streamChunks(
  s: ChunkedSegment,
  chunks: readonly Chunk[],
  times: readonly number[],
  headers: HeaderMap,
  release: () => void,
  now: () => number,
): void {
  s.reply.hijack();
  const res = s.reply.raw;
  let timer: NodeJS.Timeout | undefined;
  let cancelPacing: (() => void) | null = null;
  let next = 0;
  let started = false;
  const total = chunks.reduce((sum, c) => sum + c.buffers.reduce((n, b) => n + b.length, 0), 0);
  // the 60 s bound of §10.9 counts from the last chunk's completion: bounded on the whole segment
  const rate = s.shape.rate === null ? null : boundedRate(s.shape.rate, total);
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    cancelPacing?.();
    cancelPacing = null;
    release();
  };
  res.once('close', stop);
  const afterWrite = (): void => {
    cancelPacing = null;
    if (res.destroyed) return stop();
    if (next >= chunks.length) {
      res.end();
      return stop();
    }
    timer = setTimeout(step, Math.max(0, times[next]! - now()));
  };
  const step = (): void => {
    timer = undefined;
    if (res.destroyed) return stop();
    const t = now();
    if (!started) {
      started = true;
      res.writeHead(200, { ...STORED_BYTES_HEADERS, ...headers, 'x-request-id': s.request.id });
      if (s.request.method === 'HEAD') {
        res.end();
        return stop();
      }
    }
    const ready: Buffer[] = [];
    while (next < chunks.length && times[next]! <= t) ready.push(...chunks[next++]!.buffers);
    if (ready.length > 0 && rate !== null) {
      cancelPacing = writePacedViews(s.request, res, ready, rate, afterWrite);
      return;
    }
    if (ready.length > 0) {
      res.cork();
      for (const b of ready) res.write(b);
      process.nextTick(() => res.uncork());
    }
    afterWrite();
  };
  const wait = times[0]! - now();
  if (wait > 0) timer = setTimeout(step, wait);
  else step();
}
