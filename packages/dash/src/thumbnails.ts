/**
 * Thumbnails (dash.md §11.2): one placeholder JPEG shipped with the package, served for every
 * number of the thumbnail Representation `t999`, whose segments last four addressing durations
 * of the timing reference and are numbered like it.
 */
import { readFileSync } from 'node:fs';
import type { MediaIndex } from '@loopcast/bmff';
import { gcd } from './timing/exact.js';
import type { TrackTiming } from './timing/track.js';
import { effectiveStartNumber } from './timing/track.js';

export const THUMBNAIL_ID = 't999';
export const THUMBNAIL_SET_ID = 999;
export const THUMBNAIL_WIDTH = 320;
export const THUMBNAIL_HEIGHT = 180;
/** The placeholder image, read once at module load. */
export const THUMBNAIL_JPEG: Uint8Array = new Uint8Array(
  readFileSync(new URL('../assets/thumbnail.jpg', import.meta.url)),
);

/**
 * A timeline of thumbnail segments of 4 × Dn of the timing reference, each its own "loop", in
 * the smallest timescale where that duration is whole ticks.
 */
export function thumbnailTiming(ref: MediaIndex, snr: number | null): TrackTiming {
  const n = BigInt(ref.segments.length - 1);
  const m = BigInt(ref.mediaDuration);
  const g = gcd(4n * m, n);
  const ts = BigInt(ref.timescale) * (n / g);
  const d = (4n * m) / g;
  return {
    ts,
    count: 1,
    dur: [d],
    start: [0n],
    mediaDuration: d,
    t0: (BigInt(ref.startTime) * n) / g,
    s0: effectiveStartNumber(ref, snr),
    refDuration: d,
    refTimescale: ts,
    refCount: 1n,
    addressing: { num: d * ts, den: ts },
  };
}

/** Representation@bandwidth: 8 × size / segment duration, rounded up. */
export function thumbnailBandwidth(t: TrackTiming): number {
  const bits = BigInt(THUMBNAIL_JPEG.length) * 8n * t.ts;
  return Number((bits + t.dur[0]! - 1n) / t.dur[0]!);
}

/** Thumbnail numbers of a static presentation: ceil(N / 4) segments. */
export function staticThumbnailCount(ref: MediaIndex): number {
  return Math.ceil((ref.segments.length - 1) / 4);
}
