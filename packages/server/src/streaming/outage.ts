/**
 * The server side of a segment request's network shape (drm-events.md §10.8, §10.9): the
 * `bu{i}` range check, the outage state, then `delay` (plus an `s` state's delay) before anything
 * is sent, and the `rate` the body is paced at. The core decides (`outageEffect`,
 * `typedValueFor`); this file holds the slot and waits.
 */
import {
  baseUrlIndexAllowed,
  outageEffect,
  throttledType,
  typedValueFor,
  type FaultUsage,
  type Options,
} from '@loopcast/dash';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeldResponses } from './held.js';
import { holdSlot, waitUnlessClosed } from './pacing.js';
import { sendError, type HeaderMap } from './send.js';

export interface ShapeRequest {
  request: FastifyRequest;
  reply: FastifyReply;
  cors: HeaderMap;
  options: Options;
  /** The path's `bu{i}` index, null without one. */
  baseUrlIndex: number | null;
  /** The Representation's content type (thumbnails: video). */
  contentType: string;
  nowMs: number;
}

/**
 * After shaping: answered already, or go on. `rate` paces the body (null: unpaced); `waitedMs` is
 * the delay already waited (`delay` plus an `s` state's), which a chunked answer shifts its chunk
 * schedule by (dash.md §10.3); `holding` says this response already holds a held slot.
 */
export type ShapeOutcome =
  { kind: 'answered' } | { kind: 'go'; rate: number | null; waitedMs: number; holding: boolean };

const ANSWERED: ShapeOutcome = { kind: 'answered' };

/**
 * §10.1 order for segments: after stream and path checks, the BaseURL prefix and outage; the
 * request's delay is waited here, so every later answer (faults and 404s included) leaves that
 * much later.
 */
export async function shapeSegmentRequest(s: ShapeRequest, held: HeldResponses): Promise<ShapeOutcome> {
  const { options } = s;
  if (!baseUrlIndexAllowed(s.baseUrlIndex, options.baseurls)) {
    sendError(s.request, s.reply, s.cors, {
      status: 404,
      code: 'not_found',
      message: `BaseURL bu${s.baseUrlIndex} is beyond baseurls=${options.baseurls}`,
    });
    return ANSWERED;
  }
  const type = throttledType(s.contentType);
  const usage: FaultUsage = type;
  const effect = outageEffect(options, s.baseUrlIndex ?? 0, usage, s.nowMs);
  const delay = typedValueFor(options.delay, type) ?? 0;
  const rate = typedValueFor(options.rate, type);
  if (effect.kind === 'down') return sendOutageFault(s, effect.code, usage, delay, held);
  if (effect.kind === 'hang') {
    // no status line for the whole hang (§10.8 `h`), then 503; the request's delay still applies
    if (!holdSlot(s.request, s.reply, s.cors, held)) return ANSWERED;
    if ((await waitUnlessClosed(s.reply, effect.ms + delay)) === 'closed') return ANSWERED;
    syntheticFault(s, 503, usage);
    return ANSWERED;
  }
  const wait = delay + (effect.kind === 'slow' ? effect.ms : 0);
  if (wait === 0 && rate === null) return { kind: 'go', rate: null, waitedMs: 0, holding: false };
  if (!holdSlot(s.request, s.reply, s.cors, held)) return ANSWERED;
  if (wait > 0 && (await waitUnlessClosed(s.reply, wait)) === 'closed') return ANSWERED;
  return { kind: 'go', rate, waitedMs: wait, holding: true };
}

async function sendOutageFault(
  s: ShapeRequest,
  code: number,
  usage: FaultUsage,
  delay: number,
  held: HeldResponses,
): Promise<ShapeOutcome> {
  if (delay > 0) {
    if (!holdSlot(s.request, s.reply, s.cors, held)) return ANSWERED;
    if ((await waitUnlessClosed(s.reply, delay)) === 'closed') return ANSWERED;
  }
  syntheticFault(s, code, usage);
  return ANSWERED;
}

/** The fault answer of §10.1: `Synthetic <code> for <usage>`, text/plain, no-store, CORS. */
function syntheticFault(s: ShapeRequest, code: number, usage: FaultUsage): void {
  void s.reply
    .code(code)
    .headers({ ...s.cors, 'cache-control': 'no-store' })
    .type('text/plain; charset=utf-8')
    .send(`Synthetic ${code} for ${usage}`);
}

/**
 * The content type whose `delay`/`rate` items and fault usage apply: the stored Representation's,
 * else by extension (generated subtitles are text, thumbnails video, dash.md §11).
 */
export function requestContentType(stored: string | undefined, ext: string): string {
  if (stored) return stored;
  return ext === 'm4a' ? 'audio' : ext === 'm4v' || ext === 'jpg' ? 'video' : 'text';
}
