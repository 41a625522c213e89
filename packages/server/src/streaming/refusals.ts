/**
 * The one place where the core's typed refusals become HTTP statuses (README §3.1, dash.md §3.2):
 * TooEarly → 425 with Retry-After, Gone → 410, NotFound → 404, no timing reference → 409.
 */
import type { StreamingError } from './send.js';

export type CoreRefusal =
  | { kind: 'TooEarly'; retryAfterSeconds: number }
  | { kind: 'Gone' }
  | { kind: 'NotFound'; reason: string }
  | { kind: 'NoTimingReference' };

export function refusalError(refusal: CoreRefusal, what: string): StreamingError {
  switch (refusal.kind) {
    case 'TooEarly': {
      const seconds = Math.max(1, Math.ceil(refusal.retryAfterSeconds));
      return {
        status: 425,
        code: 'too_early',
        message: `${what} is not available yet; retry in ${seconds} s`,
        headers: { 'retry-after': seconds },
      };
    }
    case 'Gone':
      return { status: 410, code: 'gone', message: `${what} has left the time-shift window` };
    case 'NotFound':
      return { status: 404, code: 'not_found', message: `${what}: ${refusal.reason}` };
    case 'NoTimingReference':
      return {
        status: 409,
        code: 'conflict',
        message: 'the stream has no timing reference; set one on the stream page',
      };
  }
}
