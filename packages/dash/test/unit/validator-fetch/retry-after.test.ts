/** validator.md §6.2: `Retry-After` is honoured up to 5 s, as seconds or an HTTP date. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterMs } from '../../../src/validator/fetch/fetcher.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('retryAfterMs', () => {
  it('reads seconds and cuts them to 5 s', () => {
    assert.equal(retryAfterMs('0', NOW), 0);
    assert.equal(retryAfterMs('2', NOW), 2000);
    assert.equal(retryAfterMs(' 120 ', NOW), 5000);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(retryAfterMs('Mon, 30 Nov 2026 12:00:03 GMT', NOW), 3000);
    assert.equal(retryAfterMs('Mon, 30 Nov 2026 13:00:00 GMT', NOW), 5000);
    assert.equal(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', NOW), 0);
  });
  it('ignores absent and unreadable values', () => {
    assert.equal(retryAfterMs(undefined, NOW), null);
    assert.equal(retryAfterMs('soon', NOW), null);
  });
});
