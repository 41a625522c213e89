/** §12.15 automatic periods (bbb, hand_made, live, start=12:00:00Z, depth=30). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveHandMade } from '../../fixtures/live-manifest.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500;
const bbb = fixtureStream('bbb');
const BASE = 'start=2025-03-01T12:00:00Z&depth=30&periods=60';

const mpd = (query: string, nowMs = NOW) => liveHandMade(bbb, query, nowMs);

describe('§12.15 automatic periods', () => {
  it('lists p9 and p10 with their start numbers and offsets', () => {
    const r = mpd(`${BASE}&continuous=1`);
    assert.ok(r.kind === 'manifest');
    const ps = r.model.periods;
    assert.deepEqual(
      ps.map((p) => [p.id, p.start, p.duration]),
      [
        ['p9', 'PT9M0S', undefined],
        ['p10', 'PT10M0S', undefined],
      ],
    );
    const st = ps.map((p) =>
      p.adaptationSets.map((s) => [
        s.segmentTemplate!.startNumber,
        s.segmentTemplate!.presentationTimeOffset,
      ]),
    );
    assert.deepEqual(st, [
      [
        ['136', '129600'],
        ['136', '23814000'],
        ['55', '108000'],
      ],
      [
        ['151', '144000'],
        ['151', '26460000'],
        ['61', '120000'],
      ],
    ]);
    const props = ps.map((p) =>
      p.adaptationSets.map(
        (s) => `${s.periodContinuity!.schemeIdUri.split(':')[3]}=${s.periodContinuity!.value}`,
      ),
    );
    assert.deepEqual(props, [
      ['period-continuity=p8', 'period-connectivity=p8', 'period-continuity=p8'],
      ['period-continuity=p9', 'period-connectivity=p9', 'period-continuity=p9'],
    ]);
  });
  it('timeline=1: the window of §12.4 in p9, empty timelines in p10', () => {
    const r = mpd(`${BASE}&timeline=1`);
    assert.ok(r.kind === 'manifest');
    const [p9, p10] = r.model.periods;
    assert.deepEqual(p9!.adaptationSets[0]!.segmentTemplate!.timeline, [{ t: '136320', d: '960', r: 7 }]);
    assert.equal(p9!.adaptationSets[1]!.segmentTemplate!.timeline![0]!.t, '25048256');
    assert.deepEqual(p9!.adaptationSets[2]!.segmentTemplate!.timeline, [{ t: '114000', d: '2000', r: 2 }]);
    assert.deepEqual(
      p10!.adaptationSets.map((s) => s.segmentTemplate!.timeline),
      [[], [], []],
    );
    assert.equal(p9!.adaptationSets[0]!.segmentTemplate!.presentationTimeOffset, '129600');
  });
  it('periodDur=1 writes Period@duration', () => {
    const r = mpd(`${BASE}&periodDur=1`);
    assert.ok(r.kind === 'manifest');
    assert.deepEqual(
      r.model.periods.map((p) => p.duration),
      ['PT1M0S', 'PT1M0S'],
    );
  });
  it('refuses lengths that do not fit the segments, and streams without MUP', () => {
    const bad = (q: string) => {
      const r = mpd(q);
      assert.equal(r.kind, 'InvalidOptions', q);
      return r.kind === 'InvalidOptions' ? r.issues[0]! : null;
    };
    assert.equal(bad('start=2025-03-01T12:00:00Z&periods=7')?.param, 'periods');
    assert.match(bad('start=2025-03-01T12:00:00Z&periods=900')!.reason, /smallest valid length is 20 s/);
    assert.equal(mpd('start=2025-03-01T12:00:00Z&periods=900&timeline=1').kind, 'manifest');
    assert.equal(bad('start=2025-03-01T12:00:00Z&periods=60&mup=-1')?.param, 'periods');
  });
  it('an ended event lists every Period, the last with a duration', () => {
    const r = mpd('start=2025-03-01T12:00:00Z&stop=2025-03-01T12:02:30Z&periods=60');
    assert.ok(r.kind === 'manifest');
    assert.deepEqual(
      r.model.periods.map((p) => [p.id, p.duration]),
      [
        ['p0', undefined],
        ['p1', undefined],
        ['p2', 'PT28S'],
      ],
    );
  });
});
