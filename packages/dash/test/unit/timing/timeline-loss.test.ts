/** `segtimelineloss` entries and gapped S elements (drm-events.md §10.10). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gappedTimeline, parseTimelineLoss } from '../../../src/timing/timeline-loss.js';

const seg = (number: number) => ({ position: BigInt(number) * 960n, duration: 960n, number });

describe('timeline loss', () => {
  it('parses entries with their defaults', () => {
    assert.deepEqual(parseTimelineLoss('[{cycle:60,rsq:10,rep:video},{cycle:120,count:2}]'), [
      { cycle: 60, rsq: 10, count: 1, reps: ['video'] },
      { cycle: 120, rsq: 0, count: 2, reps: ['*'] },
    ]);
    assert.deepEqual(parseTimelineLoss(''), []);
  });

  it('starts a new S with t after a gap, and n with numbers', () => {
    const kept = [142, 143, 144, 146, 147, 148, 149].map(seg);
    assert.deepEqual(gappedTimeline(kept, 0n, false), [
      { t: '136320', d: '960', r: 2 },
      { t: '140160', d: '960', r: 3 },
    ]);
    assert.deepEqual(gappedTimeline(kept, 0n, true), [
      { t: '136320', d: '960', r: 2 },
      { t: '140160', n: '146', d: '960', r: 3 },
    ]);
    assert.deepEqual(gappedTimeline([], 0n, true), []);
  });
});
