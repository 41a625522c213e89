/**
 * The timing of one manifest request (dash.md §7.2–§7.5): a pure function of the timing
 * reference, the effective options and the clock.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { Options } from '../options/registry.js';
import { manifestClock, resolveAvailabilityStart } from './availability-start.js';
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
}

export interface StaticManifestTiming {
  kind: 'static';
  clockMs: number;
  publishMs: number;
}

export type ManifestTiming = LiveManifestTiming | StaticManifestTiming;
export interface ManifestTooEarly {
  kind: 'TooEarly';
  retryAfterSeconds: number;
}

export function manifestTiming(
  ref: MediaIndex,
  options: Options,
  nowMs: number,
): ManifestTiming | ManifestTooEarly {
  const clockMs = manifestClock(nowMs, options.drift);
  if (options.mode !== 'live')
    return { kind: 'static', clockMs, publishMs: Math.floor(clockMs / 1000) * 1000 };
  const astMs =
    options.startrel !== null
      ? Math.floor(clockMs / 1000) * 1000 + options.startrel * 1000
      : resolveAvailabilityStart(options.start, clockMs);
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
  };
}
