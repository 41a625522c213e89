/** §12.11 end of an event and §12.12 start-over (bbb, hand_made, live). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../../src/options/parse.js';
import { planSegment, type SegmentAddress } from '../../../src/segments/plan.js';
import { liveHandMade } from '../../fixtures/live-manifest.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500;
const bbb = fixtureStream('bbb');
const EVENT = 'start=2025-03-01T12:00:00Z&stop=2025-03-01T12:10:06Z';

const mpd = (query: string, nowMs = NOW) => liveHandMade(bbb, query, nowMs);
function plan(rep: string, address: SegmentAddress, query: string, nowMs = NOW) {
  const o = resolveOptions({
    query: new URLSearchParams(query),
    mode: 'live',
    kind: 'segment',
    stream: bbb,
  }).options;
  return planSegment(bbb, 'live', rep, address, o, nowMs);
}
const num = (n: number): SegmentAddress => ({ kind: 'number', number: n });
const time = (t: number): SegmentAddress => ({ kind: 'time', time: BigInt(t) });

describe('§12.11 end of an event', () => {
  it('before the end: the dynamic MPD, max-age to the end, stop pinned in child URLs', () => {
    const r = mpd(`${EVENT}&now=${NOW}`);
    assert.ok(r.kind === 'manifest');
    assert.match(r.xml, / type="dynamic"/);
    assert.match(r.xml, / publishTime="2025-03-01T12:10:00Z"/);
    assert.equal(r.cacheControl, 'public, max-age=2');
    assert.ok(
      r.xml.includes('.m4v?now=1740831002500&amp;start=2025-03-01T12:00:00Z&amp;stop=2025-03-01T12:10:04Z"'),
    );
  });
  it('segments at the pinned clock', () => {
    assert.deepEqual(plan('bbb_v6', num(151), EVENT), {
      kind: 'TooEarly',
      retryAfterSeconds: 2,
      availableInMs: 1500,
    });
    assert.equal(plan('bbb_v6', num(152), EVENT).kind, 'NotFound');
    assert.equal(plan('bbb_v6', num(400), EVENT).kind, 'NotFound');
    assert.deepEqual(plan('bbb_a1', time(26636128), `${EVENT}&timeline=1`), {
      kind: 'TooEarly',
      retryAfterSeconds: 6,
      availableInMs: 5488,
    });
    assert.equal(plan('bbb_a1', time(26812256), `${EVENT}&timeline=1`).kind, 'NotFound');
  });
  it('after the end: a static MPD of the whole event', () => {
    const r = mpd(EVENT, 1740831005000);
    assert.ok(r.kind === 'manifest');
    assert.match(r.xml, / type="static"/);
    assert.match(r.xml, / availabilityStartTime="2025-03-01T12:00:00Z"/);
    assert.match(r.xml, / publishTime="2025-03-01T12:10:04Z"/);
    assert.match(r.xml, / mediaPresentationDuration="PT10M4S"/);
    assert.match(r.xml, /<Period id="p0" start="PT0S" duration="PT10M4S">/);
    assert.doesNotMatch(r.xml, /minimumUpdatePeriod|timeShiftBufferDepth|suggestedPresentationDelay/);
    assert.match(r.xml, /<Location>/);
    assert.match(r.xml, /<UTCTiming/);
    assert.equal(r.cacheControl, 'public, max-age=60');
    const t = mpd(`${EVENT}&timeline=1`, 1740831005000);
    assert.ok(t.kind === 'manifest');
    assert.ok(t.xml.includes('<S t="0" d="960" r="150"/>'));
    assert.ok(t.xml.includes('<S t="0" d="2000" r="60"/>'));
    assert.match(t.xml, /<S d="176800"\/>\s*<S d="176128" r="1"\/>\s*<\/SegmentTimeline>/);
  });
  it('after the end every segment of the event is served', () => {
    const after = 1740831005000;
    assert.equal(plan('bbb_v6', num(151), EVENT, after).kind, 'media');
    assert.equal(plan('bbb_a1', time(26636128), EVENT, after).kind, 'media');
    assert.equal(plan('bbb_a1', num(152), EVENT, after).kind, 'media');
    const first = plan('bbb_v6', num(1), `${EVENT}&depth=30`, after);
    assert.ok(first.kind === 'media');
    assert.equal(first.maxAgeSeconds, 3600);
    assert.equal(plan('bbb_v6', num(1), `${EVENT}&depth=30`).kind, 'Gone');
    assert.equal(plan('bbb_v6', num(152), EVENT, after).kind, 'NotFound');
  });
  it('an event shorter than one segment is refused naming stop', () => {
    const r = mpd('start=2025-03-01T12:00:00Z&stop=2025-03-01T12:00:03Z');
    assert.equal(r.kind, 'InvalidOptions');
    assert.deepEqual(r.kind === 'InvalidOptions' ? r.issues.map((i) => i.param) : [], ['stop']);
  });
  it('with automatic periods, more than 1000 Periods in the event is refused before its end too', () => {
    const params = (r: ReturnType<typeof mpd>) =>
      r.kind === 'InvalidOptions' ? r.issues.map((i) => i.param) : [r.kind];
    // 1000 one-minute Periods exactly (Z = 60000 s) is allowed; 1001 is not
    assert.deepEqual(params(mpd('start=2025-03-01T00:00:00Z&stop=2025-03-01T16:40:00Z&periods=60')), [
      'manifest',
    ]);
    assert.deepEqual(params(mpd('start=2025-03-01T00:00:00Z&stop=2025-03-01T16:41:00Z&periods=60')), [
      'stop',
    ]);
    assert.deepEqual(params(mpd('startrel=-100&stoprel=60000&periods=60')), ['stoprel']);
    // the same event without periods is fine
    assert.deepEqual(params(mpd('start=2025-03-01T00:00:00Z&stop=2025-03-01T16:41:00Z')), ['manifest']);
  });
});

describe('§12.12 start-over', () => {
  it('startrel and stoprel resolve with the clock and are pinned', () => {
    const r = mpd(`startrel=-20&stoprel=20&now=${NOW}`);
    assert.ok(r.kind === 'manifest');
    assert.match(r.xml, / availabilityStartTime="2025-03-01T12:09:42Z"/);
    assert.match(r.xml, / publishTime="2025-03-01T12:09:58Z"/);
    assert.match(r.xml, / timeShiftBufferDepth="PT16S"/);
    assert.equal(r.cacheControl, 'public, max-age=4');
    assert.ok(
      r.xml.includes(
        '<Location>http://localhost:5000/dash/live/bbb/hand_made.mpd?now=1740831002500&amp;start=2025-03-01T12:09:42Z&amp;stop=2025-03-01T12:10:22Z</Location>',
      ),
    );
    const refresh = mpd(
      'now=1740831022000&start=2025-03-01T12:09:42Z&stop=2025-03-01T12:10:22Z',
      1740831022000,
    );
    assert.ok(refresh.kind === 'manifest');
    assert.match(refresh.xml, / type="static"/);
    assert.match(refresh.xml, / publishTime="2025-03-01T12:10:22Z"/);
    assert.match(refresh.xml, / mediaPresentationDuration="PT40S"/);
  });
});
