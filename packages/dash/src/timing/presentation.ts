/**
 * The timing of one manifest request (dash.md §7.2–§7.5): a pure function of the timing
 * reference, the effective options and the clock.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { Options } from '../options/registry.js';
import type { OptionIssue } from '../options/row.js';
import { optionRow } from '../options/registry.js';
import { manifestClock, resolveAvailabilityStart } from './availability-start.js';
import { endRequest, eventEnd, type EventEnd } from './event-end.js';
import type { Ratio } from './exact.js';
import { periodLength } from './periods.js';
import { minimumUpdatePeriod, publishInstant } from './update-period.js';
import { timeShiftBufferDepth } from './window.js';

export interface LiveManifestTiming {
  kind: 'live';
  /** The manifest clock cMs (drift applied). */
  clockMs: number;
  astMs: number;
  publishMs: number;
  /** Em = P − AST, ms. */
  elapsedMs: number;
  mupSeconds: number | null;
  tsbdSeconds: number;
  /** B = Em − TSBD, ms after AST. */
  bufferStartMs: number;
  /** ATO in ms (0 without low latency), or 'inf'. */
  atoMs: number | 'inf';
  /** Em + ATO: the newest listed segment ends at or before this (ms after AST). */
  edgeMs: number;
  /** The end of the event (§7.14), still ahead of the manifest clock; null without an end. */
  end: EventEnd | null;
}

/** A live event whose end the manifest clock has reached: a static MPD of the whole event. */
export interface EndedManifestTiming {
  kind: 'ended';
  clockMs: number;
  astMs: number;
  /** TE. */
  publishMs: number;
  end: EventEnd;
}

export interface StaticManifestTiming {
  kind: 'static';
  clockMs: number;
  publishMs: number;
}

export type ManifestTiming = LiveManifestTiming | StaticManifestTiming | EndedManifestTiming;
export interface ManifestTooEarly {
  kind: 'TooEarly';
  retryAfterSeconds: number;
}

export interface ManifestInvalid {
  kind: 'InvalidOptions';
  issues: OptionIssue[];
}

/** Longest event with a SegmentTimeline: the ended MPD lists every segment (§7.14). */
const MAX_TIMELINE_EVENT_MS = 172800000;
/** Most Periods an event may hold with `periods` (§7.14 validation). */
const MAX_EVENT_PERIODS = 1000n;

/** ceil(Z / L) > 1000, exactly: Z = count·Mref/(tsRef·N) and L = num/den seconds. */
function tooManyPeriods(ref: MediaIndex, end: EventEnd, length: Ratio): boolean {
  const n = BigInt(ref.segments.length - 1);
  const z = BigInt(end.count) * BigInt(ref.mediaDuration) * length.den;
  return z > MAX_EVENT_PERIODS * length.num * BigInt(ref.timescale) * n;
}

export function manifestTiming(
  ref: MediaIndex,
  options: Options,
  nowMs: number,
): ManifestTiming | ManifestTooEarly | ManifestInvalid {
  const clockMs = manifestClock(nowMs, options.drift);
  if (options.mode !== 'live')
    return { kind: 'static', clockMs, publishMs: Math.floor(clockMs / 1000) * 1000 };
  const astMs =
    options.startrel !== null
      ? Math.floor(clockMs / 1000) * 1000 + options.startrel * 1000
      : resolveAvailabilityStart(options.start, clockMs);
  const request = endRequest(options.stop, options.stoprel, astMs, clockMs);
  let end: EventEnd | null = null;
  if (request !== null) {
    end = eventEnd(ref, astMs, request);
    const param = options.stoprel !== null ? 'stoprel' : 'stop';
    const value =
      param === 'stoprel' ? String(options.stoprel) : optionRow('stop').codec.format(options.stop);
    if (end.count < 1) {
      return {
        kind: 'InvalidOptions',
        issues: [
          { param, value, reason: 'expected an end at least one segment after the availabilityStartTime' },
        ],
      };
    }
    if (options.timeline !== 'duration' && end.lengthMs > MAX_TIMELINE_EVENT_MS) {
      return {
        kind: 'InvalidOptions',
        issues: [
          {
            param,
            value,
            reason:
              'expected an event of at most 48 hours with a SegmentTimeline; use a later start or startrel',
          },
        ],
      };
    }
    // with automatic periods the ended MPD lists every Period of the event (§7.14, §7.15)
    if (options.periods !== null && tooManyPeriods(ref, end, periodLength(options.periods))) {
      return {
        kind: 'InvalidOptions',
        issues: [
          { param, value, reason: `expected an event of at most ${MAX_EVENT_PERIODS} automatic Periods` },
        ],
      };
    }
    if (clockMs >= end.endMs) return { kind: 'ended', clockMs, astMs, publishMs: end.endMs, end };
  }
  const e = clockMs - astMs;
  if (e < 0) return { kind: 'TooEarly', retryAfterSeconds: Math.max(1, Math.ceil(-e / 1000)) };
  const mupSeconds = minimumUpdatePeriod(options.mup, ref);
  const publishMs = publishInstant(astMs, clockMs, mupSeconds);
  const elapsedMs = publishMs - astMs;
  const tsbdSeconds = timeShiftBufferDepth(options.depth, elapsedMs);
  const atoMs = options.ato ?? 0;
  return {
    kind: 'live',
    clockMs,
    astMs,
    publishMs,
    elapsedMs,
    mupSeconds,
    tsbdSeconds,
    bufferStartMs: elapsedMs - tsbdSeconds * 1000,
    atoMs,
    edgeMs: elapsedMs + (atoMs === 'inf' ? 0 : atoMs),
    end,
  };
}
