/**
 * Chunk planning for low-latency live (dash.md §10.3), pure and clock-free: which samples form
 * each CMAF chunk, when each chunk is complete on the wall clock, and how a segment request
 * is answered at a given instant (all at once, chunk by chunk, held, or 425).
 */
import type { Options } from '../options/registry.js';
import { ntpTimestamp } from '../utc-timing.js';

/** Where a live segment lies, as `MediaSegmentPlan.live` gives it (ticks after AST). */
export interface LiveSegmentPlace {
  astMs: number;
  position: bigint;
  /** The listed duration (the segment ends at position + duration). */
  duration: bigint;
}

export type ChunkedAnswer =
  /** Every chunk is complete: one answer with Content-Length. */
  | { kind: 'whole' }
  /**
   * The first `ready` chunks are complete: they go at once, chunk `ready + i` at `later[i]`
   * (epoch ms). With a pinned clock `later` is empty and the body ends after the ready chunks.
   */
  | { kind: 'chunked'; ready: number; later: number[]; truncated: boolean }
  /** Held without bytes until `untilMs`, then answered as `chunked`. */
  | { kind: 'hold'; untilMs: number }
  | { kind: 'TooEarly'; retryAfterSeconds: number };

/** Chunked delivery is on: `chunkdur` given and `ato` not `inf` (§10.1: inf sends segments whole). */
export function isChunked(options: Pick<Options, 'chunkdur' | 'ato'>): boolean {
  return options.chunkdur !== null && options.ato !== 'inf';
}

/**
 * Options for planning a segment of a stored file: with chunking the §7.9 too-early test is
 * replaced by the chunk schedule (§10.3), so the plan sees `ato=inf` (the gone test stays).
 */
export function chunkedPlanOptions(options: Options): Options {
  return isChunked(options) ? { ...options, ato: 'inf' } : options;
}

/**
 * Samples per chunk (§10.3): chunk j (from 1) takes the next samples until its end reaches
 * j·C·ts ticks after the segment start; the last chunk takes the rest. `chunkMs` is C in ms.
 */
export function chunkSampleCounts(
  durations: readonly number[],
  chunkMs: number,
  timescale: number,
): number[] {
  const counts: number[] = [];
  const step = BigInt(chunkMs) * BigInt(timescale); // C·ts, in ticks × 1000
  let end = 0n; // ticks × 1000
  let j = 1n;
  let n = 0;
  for (const d of durations) {
    end += BigInt(d) * 1000n;
    n++;
    if (end >= j * step) {
      counts.push(n);
      n = 0;
      // a long sample may pass several boundaries: the next chunk's boundary follows its end
      while (j * step <= end) j++;
    }
  }
  if (n > 0) counts.push(n);
  return counts;
}

/**
 * Wall-clock instants (epoch ms, rounded up) at which each chunk is complete (§10.3): chunk j at
 * AST + (p + e_j)/ts, e_j the end of its last sample. The chunk ends are capped at the listed
 * duration and the last chunk ends with the segment, so the segment is complete exactly when
 * §7.9 makes it available.
 */
export function chunkCompletionTimes(
  place: LiveSegmentPlace,
  chunkDurations: readonly number[],
  timescale: number,
): number[] {
  const ts = BigInt(timescale);
  const out: number[] = [];
  let e = 0n;
  chunkDurations.forEach((d, j) => {
    e += BigInt(d);
    const end = j === chunkDurations.length - 1 || e > place.duration ? place.duration : e;
    const ticks = (place.position + end) * 1000n;
    out.push(place.astMs + Number((ticks + ts - 1n) / ts));
  });
  return out;
}

/** prft's NTP time (§10.3): the wall-clock time of the segment's first sample, AST + p/ts. */
export function producerNtpTime(place: LiveSegmentPlace, timescale: number): bigint {
  const ms = place.astMs + Number((place.position * 1000n) / BigInt(timescale));
  const b = ntpTimestamp(ms);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
}

/**
 * The §10.3 answer at `nowMs`. `pinned`: the request carries `now`, so nothing waits.
 * `maxHoldMs`: LOOPCAST_LL_MAX_HOLD (0 disables holding).
 */
export function chunkedAnswer(
  times: readonly number[],
  nowMs: number,
  pinned: boolean,
  maxHoldMs: number,
): ChunkedAnswer {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || nowMs >= last) return { kind: 'whole' };
  if (nowMs >= first) {
    const ready = times.filter((t) => t <= nowMs).length;
    return pinned
      ? { kind: 'chunked', ready, later: [], truncated: true }
      : { kind: 'chunked', ready, later: times.slice(ready), truncated: false };
  }
  if (!pinned && maxHoldMs > 0 && first - nowMs <= maxHoldMs) return { kind: 'hold', untilMs: first };
  return { kind: 'TooEarly', retryAfterSeconds: Math.max(1, Math.ceil((first - nowMs) / 1000)) };
}
