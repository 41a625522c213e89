/**
 * Errors that mean "a backing service is down, try again" rather than "loopcast is broken"
 * (app.md §14.2; issue: PostgreSQL restarted or S3 unreachable during streaming): the blob store
 * unreachable, or the database refusing or dropping connections. Both error handlers answer them
 * with 503 and `Retry-After`, and loopcast recovers by itself once the service is back.
 */
import { BlobUnavailableError } from '../blobs/blob-store.js';

/** Seconds a client should wait before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart). */
const DATABASE_STATES = /^(08|57P)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const DROPPED_CONNECTION =
  /Connection terminated|connection (?:is )?closed|Client has encountered a connection error/i;

/** A one-line reason when `err` is a backing-service outage, else null. */
export function unavailableReason(err: unknown): string | null {
  if (err instanceof BlobUnavailableError) return 'the media storage is unreachable; try again shortly';
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (DATABASE_STATES.test(code) || NETWORK_CODES.has(code) || DROPPED_CONNECTION.test(message)) {
    return 'the database is unreachable; try again shortly';
  }
  return null;
}
