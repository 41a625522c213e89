/** Per-type delay and rate items, slices and the 60 s bound (drm-events.md §10.9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedRate, sliceDueMs, sliceSize, throttledType, typedValueFor } from '../../../src/index.js';

describe('throttling', () => {
  it('picks the typed item, else the untyped one', () => {
    assert.equal(typedValueFor('300,video:1500', 'video'), 1500);
    assert.equal(typedValueFor('300,video:1500', 'audio'), 300);
    assert.equal(typedValueFor('video:250000', 'text'), null);
    assert.equal(typedValueFor('', 'video'), null);
    assert.equal(throttledType('image'), 'video');
    assert.equal(throttledType('audio'), 'audio');
  });

  it('slices at r/10 within 1024–65536 bytes and schedules s + r·τ', () => {
    assert.equal(sliceSize(100000), 10000);
    assert.equal(sliceSize(1000), 1024);
    assert.equal(sliceSize(10_000_000), 65536);
    // 400000 B at 100000 B/s: 40 slices, the last 3.9 s after the first
    assert.equal(sliceDueMs(0, 10000, 100000), 0);
    assert.equal(sliceDueMs(39, 10000, 100000), 3900);
  });

  it('raises the rate so a body ends within 60 s', () => {
    assert.equal(boundedRate(1000, 183000), 3050);
    assert.equal(boundedRate(50000, 183000), 50000);
  });
});
