/**
 * The blob store (spec app.md §6.1): immutable objects under keys that are never reused, so a
 * reader of an old key never sees mixed content and caches keyed by blob key never go stale.
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
  modified: Date;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Streams `source` into a new object at `key`; resolves when it is durable. */
  put(
    key: string,
    source: NodeJS.ReadableStream | Readable,
    opts: { contentType: string; maxBytes?: number },
  ): Promise<{ size: number; sha256: string }>;
  read(key: string, range?: { start: number; length: number }): Promise<Readable>;
  readBytes(key: string, start: number, length: number): Promise<Buffer>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Idempotent. */
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** Readiness probe. */
  check(): Promise<void>;
}

export class BlobKeyError extends Error {}
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the upload exceeds the limit of ${maxBytes} bytes`);
  }
}
export class BlobNotFoundError extends Error {}
/** The store cannot be reached (network, 5xx): the request may succeed later, so callers answer 503. */
export class BlobUnavailableError extends Error {}

const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Keys use `/` separators and only `[A-Za-z0-9._-]` per segment: no `..`, no leading `/`. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  if (
    key.length === 0 ||
    key.length > 1024 ||
    segments.some((s) => !KEY_SEGMENT.test(s) || s === '.' || s === '..')
  ) {
    throw new BlobKeyError(`invalid blob key ${JSON.stringify(key)}`);
  }
}
