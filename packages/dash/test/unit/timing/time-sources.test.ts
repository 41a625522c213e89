/** §12.9 time sources at the pinned clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../../src/options/parse.js';
import { manifestClock } from '../../../src/timing/availability-start.js';
import { isoWeekDate, timeResponse } from '../../../src/utc-timing.js';

const NOW = 1740831002500;

describe('/time responses (§8.2, §12.9)', () => {
  it('xsd, iso, http-ntp and head', () => {
    const xsd = timeResponse('xsd', NOW);
    assert.equal(xsd.body, '2025-03-01T12:10:02.500Z');
    assert.equal(xsd.date, 'Sat, 01 Mar 2025 12:10:02 GMT');
    assert.equal(xsd.contentType, 'text/plain; charset=utf-8');
    assert.equal(timeResponse('iso', NOW).body, '2025-W09-6T12:10:02Z');
    assert.equal(timeResponse('head', NOW).body, '');
    const ntp = timeResponse('http-ntp', NOW);
    assert.equal(ntp.contentType, 'application/octet-stream');
    assert.deepEqual([...(ntp.body as Uint8Array)], [0xeb, 0x6d, 0x77, 0x9a, 0x80, 0x00, 0x00, 0x00]);
  });
  it('drift=10 moves the reported clock back', () => {
    const o = resolveOptions({
      query: { drift: '10', now: String(NOW) },
      mode: 'live',
      kind: 'time',
    }).options;
    assert.equal(timeResponse('xsd', manifestClock(o.now ?? 0, o.drift)).body, '2025-03-01T12:09:52.500Z');
  });
  it('ISO week dates at year edges', () => {
    assert.equal(isoWeekDate(Date.UTC(2021, 0, 3, 1, 2, 3)), '2020-W53-7T01:02:03Z');
    assert.equal(isoWeekDate(Date.UTC(2024, 11, 30)), '2025-W01-1T00:00:00Z');
  });
  it('a bad drift or now is an issue', () => {
    const r = resolveOptions({ query: { drift: 'x', now: '-5' }, mode: 'live', kind: 'time' });
    assert.deepEqual(
      r.issues.map((i) => i.param),
      ['drift', 'now'],
    );
  });
});
