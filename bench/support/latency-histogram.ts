/**
 * Response latencies as counts in fixed buckets instead of a list of every sample, so a long run
 * at thousands of players keeps constant memory and the generator's workers send back one small
 * array each: 50 µs steps up to 100 ms (where the p99 goal of 50 ms lies), then 1 ms steps to 60 s.
 */
const FINE_LIMIT_MS = 100;
const FINE_PER_MS = 20;
const FINE_BUCKETS = FINE_LIMIT_MS * FINE_PER_MS;
const COARSE_LIMIT_MS = 60_000;
export const LATENCY_BUCKETS = FINE_BUCKETS + (COARSE_LIMIT_MS - FINE_LIMIT_MS);

function bucketOf(ms: number): number {
  if (ms < FINE_LIMIT_MS) return Math.max(0, Math.floor(ms * FINE_PER_MS));
  return Math.min(LATENCY_BUCKETS - 1, FINE_BUCKETS + Math.floor(ms - FINE_LIMIT_MS));
}

/** The upper edge of a bucket in ms: a percentile read off the histogram errs on the high side. */
function upperEdgeOf(bucket: number): number {
  if (bucket < FINE_BUCKETS) return (bucket + 1) / FINE_PER_MS;
  return FINE_LIMIT_MS + (bucket - FINE_BUCKETS) + 1;
}

export function newLatencyHistogram(): Uint32Array {
  return new Uint32Array(LATENCY_BUCKETS);
}

export function recordLatency(histogram: Uint32Array, ms: number): void {
  histogram[bucketOf(ms)]!++;
}

export function mergeLatencies(histograms: readonly Uint32Array[]): Uint32Array {
  const sum = newLatencyHistogram();
  for (const h of histograms) for (let i = 0; i < h.length; i++) sum[i]! += h[i]!;
  return sum;
}

/** The p-th percentile (0–100) in ms, or 0 for an empty histogram. */
export function latencyPercentile(histogram: Uint32Array, p: number): number {
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return 0;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return upperEdgeOf(i);
  }
  return upperEdgeOf(histogram.length - 1);
}

/** The largest recorded latency's bucket edge, or 0. */
export function latencyMax(histogram: Uint32Array): number {
  for (let i = histogram.length - 1; i >= 0; i--) if (histogram[i]! > 0) return upperEdgeOf(i);
  return 0;
}
