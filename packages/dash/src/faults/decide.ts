/**
 * The fate of a request under the fault options (drm-events.md §10.1): one decision per
 * manifest or segment request, taken after the options, stream and Representation checks and
 * before availability. Later faults (§10.8–§10.10: outages, delay/rate, timeline gaps) add
 * their own step here, in the order §10.1 gives, so the server keeps a single call.
 */
import type { Options } from '../options/registry.js';
import { generatedTextFile } from '../generated-text.js';
import { findRepresentation, timingReferenceOf, type StreamModel } from '../stream.js';
import { manifestClock, resolveAvailabilityStart } from '../timing/availability-start.js';
import { liveSegment, segmentForNumber, segmentForTime, trackTiming } from '../timing/track.js';
import { defaultUpdatePeriod, minimumUpdatePeriod } from '../timing/update-period.js';
import type { SegmentAddress } from '../segments/plan.js';
import { corruptFrames } from './corruption.js';
import { manifestFault, segmentFault, type FaultHit, type FaultUsage } from './errors.js';
import { stepFailures, type FailureCounts } from './failures.js';
import { parseStatusCodes, statusCodeFor } from './statuscode.js';

export type FaultDecision =
  | {
      kind: 'fail';
      code: number;
      usage: FaultUsage;
      /** Updated `failures` counts to send back; null when the cookie does not change. */
      counts: FailureCounts | null;
    }
  | {
      kind: 'serve';
      counts: FailureCounts | null;
      /** NAL units to corrupt in this video segment (§10.6); 0 for none. */
      corruptFrames: number;
    };

const SERVE: FaultDecision = { kind: 'serve', counts: null, corruptFrames: 0 };

/** §10.4: codes ≥ 500 of the scheduled lists obey `failures`; 4xx always fire. */
function withFailures(hit: FaultHit, options: Options, counts: FailureCounts): FaultDecision {
  const n = options.failures;
  if (n === null || hit.code < 500) return { kind: 'fail', code: hit.code, usage: hit.usage, counts: null };
  const step = stepFailures(counts, hit.key, n);
  return step.fire
    ? { kind: 'fail', code: hit.code, usage: hit.usage, counts: step.counts }
    : { kind: 'serve', counts: step.counts, corruptFrames: 0 };
}

export interface ManifestFaultInput {
  stream: StreamModel;
  mode: 'live' | 'vod' | 'odvod';
  options: Options;
  nowMs: number;
  counts: FailureCounts;
}

/** §10.2 for a manifest request. */
export function manifestFaultDecision(input: ManifestFaultInput): FaultDecision {
  const { options } = input;
  if ((options.merr as readonly unknown[]).length === 0) return SERVE;
  const ref = timingReferenceOf(input.stream);
  if (!ref) return SERVE;
  const clockMs = manifestClock(input.nowMs, options.drift);
  const hit = manifestFault(options, {
    live: input.mode === 'live',
    astMs: resolveAvailabilityStart(options.start, clockMs),
    clockMs,
    mupSeconds: minimumUpdatePeriod(options.mup, ref.index) ?? defaultUpdatePeriod(ref.index),
  });
  return hit ? withFailures(hit, options, input.counts) : SERVE;
}

export interface SegmentFaultInput {
  stream: StreamModel;
  mode: 'live' | 'vod';
  rep: string;
  address: SegmentAddress;
  options: Options;
  nowMs: number;
  counts: FailureCounts;
}

const hasSegmentFaults = (o: Options): boolean =>
  (o.verr as readonly unknown[]).length > 0 ||
  (o.aerr as readonly unknown[]).length > 0 ||
  (o.terr as readonly unknown[]).length > 0 ||
  (o.vcorrupt as readonly unknown[]).length > 0 ||
  o.statuscode !== '';

/** §10.3, §10.5 and §10.6 for a segment request of a stored Representation. */
export function segmentFaultDecision(input: SegmentFaultInput): FaultDecision {
  const { options, address } = input;
  if (!hasSegmentFaults(options)) return SERVE;
  const ref = timingReferenceOf(input.stream);
  // generated subtitle tracks (dash.md §11.1) are text Representations too (terr, statuscode)
  const file =
    findRepresentation(input.stream, input.rep) ??
    (ref && input.mode === 'live' ? generatedTextFile(ref.index, input.rep) : null);
  if (!ref || !file) return SERVE;
  const usage = file.index.contentType;
  const live = input.mode === 'live';
  const t = trackTiming(file.index, ref.index, options.snr);
  const astMs = live ? resolveAvailabilityStart(options.start, input.nowMs) : null;
  const lk =
    address.kind === 'init'
      ? null
      : address.kind === 'number'
        ? segmentForNumber(t, address.number)
        : segmentForTime(t, address.time, live);
  if (address.kind !== 'init' && !lk) return SERVE; // not a segment: availability answers
  const number = lk ? liveSegment(t, lk.loop, lk.k).number : 'init';
  const hit = segmentFault(options, { usage, number, timing: t, astMs });
  if (hit) return withFailures(hit, options, input.counts);
  if (lk && options.statuscode !== '') {
    const code = statusCodeFor(
      parseStatusCodes(options.statuscode),
      input.rep.toLowerCase(),
      usage,
      t,
      live ? lk.loop : 0,
      lk.k,
    );
    if (code !== null) return { kind: 'fail', code, usage, counts: null };
  }
  const frames = lk && usage === 'video' ? corruptFrames(options, number as number, t, astMs) : 0;
  return frames > 0 ? { kind: 'serve', counts: null, corruptFrames: frames } : SERVE;
}
