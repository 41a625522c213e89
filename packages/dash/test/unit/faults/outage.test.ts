/** Outage states from the clock and the BaseURL list (drm-events.md §10.8). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseUrlIndexAllowed, baseUrlList, outageEffect, outageState } from '../../../src/index.js';

const minute = (s: number) => Date.UTC(2026, 0, 1, 12, 10, 0) + s * 1000;
const OPTS = { outage: ['u50d10', '-'], outage__code: 503, outage__hang: 300, outage__slow: 500 };

describe('outage patterns', () => {
  it('follows the epoch-based cycle in the order written', () => {
    assert.equal(outageState('u50d10', minute(49.999)), 'u');
    assert.equal(outageState('u50d10', minute(50)), 'd');
    assert.equal(outageState('u50d10', minute(59.999)), 'd');
    assert.equal(outageState('u50d10', minute(60)), 'u');
    assert.equal(outageState('U5S5H5D5', minute(12)), 'h');
    assert.equal(outageState('-', minute(55)), 'u');
    assert.equal(outageState(undefined, minute(55)), 'u');
  });

  it('maps a BaseURL index to its pattern and effect', () => {
    assert.deepEqual(outageEffect(OPTS, 0, 'video', minute(55)), { kind: 'down', code: 503, usage: 'video' });
    assert.deepEqual(outageEffect(OPTS, 1, 'video', minute(55)), { kind: 'up' });
    assert.deepEqual(outageEffect(OPTS, 5, 'audio', minute(55)), { kind: 'up' });
    assert.deepEqual(outageEffect({ ...OPTS, outage: ['h10'] }, 0, 'text', 0), {
      kind: 'hang',
      ms: 300,
      usage: 'text',
    });
    assert.deepEqual(outageEffect({ ...OPTS, outage: ['s10'] }, 0, 'text', 0), { kind: 'slow', ms: 500 });
  });
});

describe('BaseURL list', () => {
  it('appends bu{i}/ with distinct priorities, none for one BaseURL', () => {
    assert.equal(baseUrlList('http://h/dash/live/bbb/', 1), null);
    assert.deepEqual(baseUrlList('http://h/dash/live/bbb/', 2), [
      { url: 'http://h/dash/live/bbb/bu0/', serviceLocation: 'bu0', priority: 1, weight: 1 },
      { url: 'http://h/dash/live/bbb/bu1/', serviceLocation: 'bu1', priority: 2, weight: 1 },
    ]);
    assert.ok(baseUrlIndexAllowed(null, 1));
    assert.ok(baseUrlIndexAllowed(2, 3));
    assert.ok(!baseUrlIndexAllowed(3, 3));
  });
});
