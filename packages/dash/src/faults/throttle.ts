/**
 * Slow responses and throttling (drm-events.md §10.9): the `delay` and `rate` item of a request's
 * content type, the pacer's slice size and the 60 s bound. Pure functions of the URL and the
 * response size, so the pacing needs no state.
 */

export type ThrottledType = 'video' | 'audio' | 'text';

/** Longest time a paced body may take from its first to its last byte (§10.9 "Bounds"). */
export const MAX_PACED_MS = 60_000;

/**
 * The value for `type` from a canonical `[type:]value` list: the typed item, else the untyped
 * one, else null.
 */
export function typedValueFor(list: string, type: ThrottledType): number | null {
  if (list === '') return null;
  let untyped: number | null = null;
  for (const item of list.split(',')) {
    const [a, b] = item.split(':') as [string, string?];
    if (b === undefined) untyped = Number(a);
    else if (a === type) return Number(b);
  }
  return untyped;
}

/** The content type whose items apply: thumbnails count as video (dash.md §11.2). */
export function throttledType(contentType: string): ThrottledType {
  return contentType === 'audio' || contentType === 'text' ? contentType : 'video';
}

/** `s = min(65536, max(1024, floor(r / 10)))` bytes per slice. */
export function sliceSize(rate: number): number {
  return Math.min(65536, Math.max(1024, Math.floor(rate / 10)));
}

/** The rate a body of `bytes` is actually paced at: raised so it ends within 60 s. */
export function boundedRate(rate: number, bytes: number): number {
  return Math.max(rate, Math.ceil(bytes / (MAX_PACED_MS / 1000)));
}

/**
 * When slice number `i` (0-based, each `slice` bytes) may start, in ms after the first body byte:
 * by τ seconds at most `s + r·τ` bytes are written, so after slice i ((i + 1)·s bytes) τ ≥ i·s / r
 * (400000 bytes at 100000 B/s: 40 slices, the last 3.9 s after the first).
 */
export function sliceDueMs(i: number, slice: number, rate: number): number {
  return (i * slice * 1000) / rate;
}
