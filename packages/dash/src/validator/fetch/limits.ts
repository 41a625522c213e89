/**
 * The fetch limits of validator.md §6.2, one table per resource kind. Sizes count decoded bytes.
 */
import type { FetchKind } from '../types.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface KindLimits {
  /** Largest decoded body. */
  maxBytes: number;
  /** Whole body, from the response headers to the last byte. */
  bodyTimeoutMs: number;
  /** Documents may arrive gzip-coded; segments are requested with `identity`. */
  acceptGzip: boolean;
}

export const KIND_LIMITS: Readonly<Record<FetchKind, KindLimits>> = {
  manifest: { maxBytes: 10 * MiB, bodyTimeoutMs: 10_000, acceptGzip: true },
  patch: { maxBytes: 1 * MiB, bodyTimeoutMs: 10_000, acceptGzip: true },
  time: { maxBytes: 1 * KiB, bodyTimeoutMs: 10_000, acceptGzip: true },
  init: { maxBytes: 10 * MiB, bodyTimeoutMs: 30_000, acceptGzip: false },
  media: { maxBytes: 100 * MiB, bodyTimeoutMs: 30_000, acceptGzip: false },
};

/** Connect + response headers (`LOOPCAST_VALIDATOR_TIMEOUT`). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Retries after network errors, 5xx and 429: two, after 250 ms and 1 s. */
export const RETRY_DELAYS_MS: readonly number[] = [250, 1000];
/** The longest `Retry-After` honoured; longer values are cut to it. */
export const MAX_RETRY_AFTER_MS = 5000;
export const MAX_REDIRECTS = 5;

/** `1.5 MiB`, `100 MiB`, `512 B`: limits in messages. */
export function formatBytes(n: number): string {
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= KiB) return `${+(n / KiB).toFixed(1)} KiB`;
  return `${n} B`;
}
