/**
 * Fault answers of the streaming routes (drm-events.md §10.1): the core decides a request's fate
 * (`manifestFaultDecision`, `segmentFaultDecision`); this file reads the `failures` cookie,
 * writes the synthetic answer (`Synthetic <code> for <usage>`, text/plain, no-store, CORS) and
 * the updated cookie. Corruption of served video bytes (§10.6) is applied here too.
 */
import { corruptSegment, corruptibleCodec, type MediaIndex } from '@loopcast/bmff';
import {
  cookieValue,
  eventBoundIssues,
  FAULT_COOKIE,
  failureSetCookie,
  manifestFaultDecision,
  parseFailureCookie,
  segmentFaultDecision,
  type FaultDecision,
  type ManifestFaultInput,
  type OptionIssue,
  type Options,
  type SegmentFaultInput,
  type StreamModel,
} from '@loopcast/dash';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeaderMap } from './send.js';

type DecisionInput<T> = Omit<T, 'counts'>;

/** The decision for a manifest request, with the client's `failures` counts read. */
export function manifestFate(
  request: FastifyRequest,
  input: DecisionInput<ManifestFaultInput>,
): FaultDecision {
  return manifestFaultDecision({ ...input, counts: countsOf(request) });
}

/** The decision for a segment request, with the client's `failures` counts read. */
export function segmentFate(request: FastifyRequest, input: DecisionInput<SegmentFaultInput>): FaultDecision {
  return segmentFaultDecision({ ...input, counts: countsOf(request) });
}

const countsOf = (request: FastifyRequest) =>
  parseFailureCookie(cookieValue(request.headers.cookie, FAULT_COOKIE));

/** `Set-Cookie` for a decision that changed the counts (§10.4), else nothing. */
export function faultCookieHeaders(request: FastifyRequest, decision: FaultDecision): HeaderMap {
  return decision.counts === null
    ? {}
    : { 'set-cookie': failureSetCookie(decision.counts, request.protocol === 'https') };
}

/** Sends the synthetic fault answer when the decision is to fail; true when it did. */
export function sendFault(
  request: FastifyRequest,
  reply: FastifyReply,
  cors: HeaderMap,
  decision: FaultDecision,
): boolean {
  if (decision.kind !== 'fail') return false;
  void reply
    .code(decision.code)
    .headers({ ...cors, ...faultCookieHeaders(request, decision), 'cache-control': 'no-store' })
    .type('text/plain; charset=utf-8')
    .send(`Synthetic ${decision.code} for ${decision.usage}`);
  return true;
}

/** 400s a request has beyond its single option values: the emsg bound (§9.3). */
export function eventOptionIssues(stream: StreamModel, options: Options): OptionIssue[] {
  return eventBoundIssues(stream, options);
}

/**
 * §10.6: the stored fragment with `frames` reference slices corrupted (a copy), or unchanged
 * for codecs loopcast does not corrupt (logged).
 */
export function corruptFragment(
  request: FastifyRequest,
  fragment: Buffer,
  index: MediaIndex,
  frames: number,
  sourceOffset: number,
): Buffer {
  const codec = corruptibleCodec(index.sampleEntry);
  if (frames === 0) return fragment;
  if (!codec) {
    request.log.warn({ sampleEntry: index.sampleEntry }, 'vcorrupt: codec not corrupted');
    return fragment;
  }
  return corruptSegment(fragment, {
    codec,
    nalLengthSize: index.video?.nalLengthSize ?? 4,
    frames,
    sourceOffset,
  }).segment;
}
