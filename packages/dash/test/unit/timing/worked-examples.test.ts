/** dash.md §12 worked examples for the timing model (bbb, pinned clock 2025-03-01T12:10:02.500Z). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../../src/options/parse.js';
import { planSegment, type SegmentAddress } from '../../../src/segments/plan.js';
import { timingReferenceOf } from '../../../src/stream.js';
import { TEMPLATES } from '../../../src/templates/registry.js';
import { resolveAvailabilityStart } from '../../../src/timing/availability-start.js';
import { formatDateTime, formatDuration } from '../../../src/timing/durations.js';
import { manifestTiming } from '../../../src/timing/presentation.js';
import { liveSegments, timelineEntries } from '../../../src/timing/timeline.js';
import {
  decodeTime,
  liveSegment,
  loopCorrection,
  loopOffset,
  trackTiming,
} from '../../../src/timing/track.js';
import { numberWindow } from '../../../src/timing/window.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500;
const bbb = fixtureStream('bbb');
const ref = timingReferenceOf(bbb)!.index;
const file = (name: string) => bbb.files.find((f) => f.name === `${name}.mp4`)!.index;
const opts = (query: Record<string, string>, mode: 'live' | 'vod' = 'live') =>
  resolveOptions({ query, mode, kind: 'manifest', stream: bbb, template: TEMPLATES.hand_made }).options;
const live = (query: Record<string, string>) => {
  const t = manifestTiming(ref, opts(query), NOW);
  assert.equal(t.kind, 'live');
  return t;
};

describe('§12.1 stream constants', () => {
  it('bbb_a1: M, R, δ and Dn', () => {
    const t = trackTiming(file('bbb_a1'), ref, null);
    assert.equal(t.mediaDuration, 1763328n);
    assert.equal(loopOffset(t, 1), 1764000n);
    assert.equal(loopCorrection(t, 0), 672n);
    assert.equal(t.addressing.num / t.addressing.den, 176400n);
    assert.deepEqual(
      t.start.map(Number),
      [0, 176128, 352256, 528384, 705536, 881664, 1057792, 1233920, 1411072, 1587200],
    );
    const v = trackTiming(file('bbb_v6'), ref, null);
    assert.equal(loopCorrection(v, 5), 0n);
    const tx = trackTiming(file('bbb_t1'), ref, null);
    assert.equal(tx.addressing.num / tx.addressing.den, 2000n);
  });
});

describe('§12.2 availabilityStartTime', () => {
  const cases: [string, string, string][] = [
    ['year', '2025-03-01T12:10:02.500Z', '2025-01-01T00:00:00Z'],
    ['year', '2025-01-01T05:00:00Z', '2024-12-31T00:00:00Z'],
    ['month', '2025-03-01T12:10:02.500Z', '2025-02-28T00:00:00Z'],
    ['month', '2025-03-02T00:00:00Z', '2025-03-01T00:00:00Z'],
    ['today', '2025-03-01T12:10:02.500Z', '2025-03-01T00:00:00Z'],
    ['today', '2025-03-01T00:00:30Z', '2025-02-28T00:00:00Z'],
    ['today', '2025-03-01T00:01:00Z', '2025-03-01T00:00:00Z'],
    ['epoch', '2025-03-01T12:10:02.500Z', '1970-01-01T00:00:00Z'],
    ['now', '2025-03-01T12:10:02.500Z', '2025-03-01T12:09:02Z'],
  ];
  for (const [spec, clock, ast] of cases) {
    it(`${spec} at ${clock}`, () => {
      const s = spec as 'year';
      assert.equal(formatDateTime(resolveAvailabilityStart(s, Date.parse(clock))), ast);
    });
  }
  it('a future date-time makes the manifest too early', () => {
    const t = manifestTiming(ref, opts({ start: '2025-03-01T12:10:05Z' }), NOW);
    assert.deepEqual(t, { kind: 'TooEarly', retryAfterSeconds: 3 });
  });
});

describe('§1 xs:duration', () => {
  const cases: [number, string][] = [
    [1800000, 'PT30M0S'],
    [40000, 'PT40S'],
    [3600000, 'PT1H0M0S'],
    [1500, 'PT1.5S'],
    [0, 'PT0S'],
    [80000, 'PT1M20S'],
    [604000, 'PT10M4S'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(formatDuration(ms), text));
});

describe('§12.3 a young stream', () => {
  it('publish instant, TSBD and windows', () => {
    const t = live({ start: '2025-03-01T12:00:00Z' });
    assert.equal(t.mupSeconds, 8);
    assert.equal(formatDateTime(t.publishMs), '2025-03-01T12:10:00Z');
    assert.equal(t.elapsedMs, 600000);
    assert.equal(t.tsbdSeconds, 600);
    assert.equal(t.bufferStartMs, 0);
    const v = trackTiming(file('bbb_v6'), ref, null);
    assert.deepEqual(numberWindow(v, t.bufferStartMs, t.edgeMs), { first: 1, last: 150 });
    const tx = trackTiming(file('bbb_t1'), ref, null);
    assert.deepEqual(numberWindow(tx, t.bufferStartMs, t.edgeMs), { first: 1, last: 60 });
  });

  it('timelines: video one S, audio six S per loop, 90 in all', () => {
    const t = live({ start: '2025-03-01T12:00:00Z' });
    const v = trackTiming(file('bbb_v6'), ref, null);
    assert.deepEqual(timelineEntries(liveSegments(v, t.bufferStartMs, t.edgeMs), 0n), [
      { t: 0n, d: 960n, r: 149 },
    ]);
    const tx = trackTiming(file('bbb_t1'), ref, null);
    assert.deepEqual(timelineEntries(liveSegments(tx, t.bufferStartMs, t.edgeMs), 0n), [
      { t: 0n, d: 2000n, r: 59 },
    ]);
    const a = trackTiming(file('bbb_a1'), ref, null);
    const segs = liveSegments(a, t.bufferStartMs, t.edgeMs);
    const s = timelineEntries(segs, 0n);
    assert.equal(s.length, 90);
    assert.deepEqual(s.slice(0, 7), [
      { t: 0n, d: 176128n, r: 2 },
      { d: 177152n },
      { d: 176128n, r: 2 },
      { d: 177152n },
      { d: 176128n },
      { d: 176800n },
      { d: 176128n, r: 2 },
    ]);
    const last = segs[segs.length - 1]!;
    assert.equal(last.position + last.duration, 26460000n);
  });
});

describe('§12.4 depth=30', () => {
  const t = live({ start: '2025-03-01T12:00:00Z', depth: '30' });
  it('window', () => {
    assert.equal(t.tsbdSeconds, 30);
    assert.equal(t.bufferStartMs, 570000);
    assert.deepEqual(numberWindow(trackTiming(file('bbb_v6'), ref, null), t.bufferStartMs, t.edgeMs), {
      first: 143,
      last: 150,
    });
    assert.deepEqual(numberWindow(trackTiming(file('bbb_a1'), ref, null), t.bufferStartMs, t.edgeMs), {
      first: 143,
      last: 150,
    });
    assert.deepEqual(numberWindow(trackTiming(file('bbb_t1'), ref, null), t.bufferStartMs, t.edgeMs), {
      first: 58,
      last: 60,
    });
  });
  it('timelines', () => {
    const v = trackTiming(file('bbb_v6'), ref, null);
    assert.deepEqual(timelineEntries(liveSegments(v, t.bufferStartMs, t.edgeMs), 0n), [
      { t: 136320n, d: 960n, r: 7 },
    ]);
    const a = trackTiming(file('bbb_a1'), ref, null);
    const segs = liveSegments(a, t.bufferStartMs, t.edgeMs);
    assert.deepEqual(timelineEntries(segs, 0n), [
      { t: 25048256n, d: 176128n },
      { d: 177152n },
      { d: 176128n, r: 2 },
      { d: 177152n },
      { d: 176128n },
      { d: 176800n },
    ]);
    assert.deepEqual([segs[0]!.number, segs[segs.length - 1]!.number], [143, 150]);
    const tx = trackTiming(file('bbb_t1'), ref, null);
    assert.deepEqual(timelineEntries(liveSegments(tx, t.bufferStartMs, t.edgeMs), 0n), [
      { t: 114000n, d: 2000n, r: 2 },
    ]);
  });
});

function plan(rep: string, address: SegmentAddress, query: Record<string, string>, nowMs = NOW) {
  const o = resolveOptions({ query, mode: 'live', kind: 'segment', stream: bbb }).options;
  return planSegment(bbb, 'live', rep, address, o, nowMs);
}
const num = (n: number): SegmentAddress => ({ kind: 'number', number: n });
const time = (t: number): SegmentAddress => ({ kind: 'time', time: BigInt(t) });

describe('§12.5 availability', () => {
  const q = { start: '2025-03-01T12:00:00Z', depth: '30' };
  const cases: [SegmentAddress, string, number?][] = [
    [num(0), 'NotFound'],
    [num(138), 'Gone'],
    [num(139), 'media', 139],
    [num(143), 'media', 143],
    [num(150), 'media', 150],
    [num(151), 'TooEarly'],
    [time(136320), 'media', 143],
    [time(136321), 'NotFound'],
  ];
  for (const [address, kind, mfhd] of cases) {
    it(`${JSON.stringify(address, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))} → ${kind}`, () => {
      const p = plan('bbb_v6', address, q);
      assert.equal(p.kind, kind);
      if (p.kind === 'media') assert.equal(p.sequenceNumber, mfhd);
      if (p.kind === 'TooEarly') assert.equal(p.retryAfterSeconds, 2);
    });
  }
  it('with the default depth nothing from 1 to 150 is gone', () => {
    for (let n = 1; n <= 150; n++)
      assert.equal(plan('bbb_v6', num(n), { start: '2025-03-01T12:00:00Z' }).kind, 'media');
  });
});

describe('§12.6 loops and drift compensation', () => {
  const q = { start: '2025-03-01T00:00:00Z', depth: '172800' };
  const cases: [string, SegmentAddress, number, number, number][] = [
    ['bbb_v6', num(10), 0, 8640, 10],
    ['bbb_v6', num(11), 1, 9600, 11],
    ['bbb_a1', num(10), 0, 1587200, 10],
    ['bbb_a1', num(11), 1, 1764000, 11],
    ['bbb_a1', time(1764000), 1, 1764000, 11],
    ['bbb_v6', num(10001), 1000, 9600000, 10001],
    ['bbb_a1', num(10001), 1000, 1764000000, 10001],
  ];
  for (const [rep, address, loop, tfdt, mfhd] of cases) {
    it(`${rep} ${JSON.stringify(address, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`, () => {
      const p = plan(rep, address, q);
      assert.equal(p.kind, 'media');
      if (p.kind !== 'media') return;
      assert.deepEqual(
        [p.loop, Number(p.baseMediaDecodeTime), p.sequenceNumber, p.fragmentIndex],
        [loop, tfdt, mfhd, 1 + ((mfhd - 1) % 10)],
      );
    });
  }
  it('audio time 1763328 (end of the samples, not a segment start) is not found', () => {
    assert.equal(plan('bbb_a1', time(1763328), q).kind, 'NotFound');
  });
  it('decode times are continuous across loop boundaries for video and audio', () => {
    for (const name of ['bbb_v6', 'bbb_a1', 'bbb_t1']) {
      const t = trackTiming(file(name), ref, null);
      for (const loop of [0, 1, 999, 128533]) {
        const last = liveSegment(t, loop, t.count);
        assert.equal(
          decodeTime(t, loop, t.count) + last.duration,
          decodeTime(t, loop + 1, 1),
          `${name} loop ${loop}`,
        );
        assert.equal(liveSegment(t, loop + 1, 1).number, last.number + 1);
      }
    }
  });
  it('each loop starts within one tick of l × loop length', () => {
    const a = trackTiming(file('bbb_a1'), ref, null);
    assert.equal(loopOffset(a, 1000), 1764000000n);
    assert.notEqual(1000n * a.mediaDuration, loopOffset(a, 1000));
  });
});

describe('§12.7 a stream started at the beginning of the year', () => {
  it('publishTime, TSBD, window, 64-bit tfdt', () => {
    const t = live({});
    assert.equal(formatDateTime(t.astMs), '2025-01-01T00:00:00Z');
    assert.equal(formatDateTime(t.publishMs), '2025-03-01T12:10:00Z');
    assert.equal(formatDuration(t.tsbdSeconds * 1000), 'PT30M0S');
    assert.deepEqual(numberWindow(trackTiming(file('bbb_v6'), ref, null), t.bufferStartMs, t.edgeMs), {
      first: 1284901,
      last: 1285350,
    });
    const v = plan('bbb_v6', num(1285350), {});
    const a = plan('bbb_a1', num(1285350), {});
    assert.ok(v.kind === 'media' && a.kind === 'media');
    assert.equal(v.baseMediaDecodeTime, 1233935040n);
    assert.equal(a.baseMediaDecodeTime, 226735563200n);
    assert.equal(a.loop, 128534);
  });
});

describe('§12.8 start=now and a refresh', () => {
  it('first request and the refresh 20 s later', () => {
    const t = live({ start: 'now' });
    assert.equal(formatDateTime(t.astMs), '2025-03-01T12:09:02Z');
    assert.equal(formatDateTime(t.publishMs), '2025-03-01T12:09:58Z');
    assert.equal(formatDuration(t.tsbdSeconds * 1000), 'PT56S');
    const v = trackTiming(file('bbb_v6'), ref, null);
    assert.deepEqual(numberWindow(v, t.bufferStartMs, t.edgeMs), { first: 1, last: 14 });
    const r = manifestTiming(ref, opts({ start: '2025-03-01T12:09:02Z' }), NOW + 20000);
    assert.ok(r.kind === 'live');
    assert.equal(r.elapsedMs, 80000);
    assert.equal(formatDuration(r.tsbdSeconds * 1000), 'PT1M20S');
    assert.deepEqual(numberWindow(v, r.bufferStartMs, r.edgeMs), { first: 1, last: 20 });
  });
});

describe('§12.9 drift', () => {
  it('the manifest is generated for the drifted clock', () => {
    const t = live({ start: '2025-03-01T12:00:00Z', drift: '10' });
    assert.equal(formatDateTime(t.clockMs), '2025-03-01T12:09:52.500Z');
    assert.equal(formatDateTime(t.publishMs), '2025-03-01T12:09:52Z');
    assert.equal(t.elapsedMs, 592000);
    assert.deepEqual(numberWindow(trackTiming(file('bbb_v6'), ref, null), t.bufferStartMs, t.edgeMs), {
      first: 1,
      last: 148,
    });
  });
});

describe('§12.14 startNumber', () => {
  it('snr=0', () => {
    const t = live({ start: '2025-03-01T12:00:00Z', snr: '0' });
    assert.deepEqual(numberWindow(trackTiming(file('bbb_v6'), ref, 0), t.bufferStartMs, t.edgeMs), {
      first: 0,
      last: 149,
    });
    const p = plan('bbb_v6', num(0), { start: '2025-03-01T12:00:00Z', snr: '0' });
    assert.ok(p.kind === 'media');
    assert.deepEqual([p.sequenceNumber, p.baseMediaDecodeTime], [0, 0n]);
    const early = plan('bbb_v6', num(150), { start: '2025-03-01T12:00:00Z', snr: '0' });
    assert.deepEqual(early, { kind: 'TooEarly', retryAfterSeconds: 2, availableInMs: 1500 });
  });
  it('snr=1000&depth=30', () => {
    const q = { start: '2025-03-01T12:00:00Z', snr: '1000', depth: '30' };
    const t = live(q);
    assert.deepEqual(numberWindow(trackTiming(file('bbb_v6'), ref, 1000), t.bufferStartMs, t.edgeMs), {
      first: 1142,
      last: 1149,
    });
    assert.equal(plan('bbb_v6', num(1137), q).kind, 'Gone');
    assert.equal(plan('bbb_v6', num(1141), q).kind, 'media');
    assert.equal(plan('bbb_v6', num(999), q).kind, 'NotFound');
    const p = plan('bbb_v6', time(136320), q);
    assert.ok(p.kind === 'media');
    assert.equal(p.sequenceNumber, 1142);
  });
});

describe('vod segments', () => {
  it('serves numbers S0…S0+N−1 and file times only', () => {
    const o = resolveOptions({ query: {}, mode: 'vod', kind: 'segment', stream: bbb }).options;
    const p = planSegment(bbb, 'vod', 'bbb_a1', num(10), o, NOW);
    assert.ok(p.kind === 'media');
    assert.deepEqual([p.baseMediaDecodeTime, p.sequenceNumber, p.maxAgeSeconds], [1587200n, 10, 3600]);
    assert.equal(planSegment(bbb, 'vod', 'bbb_a1', num(11), o, NOW).kind, 'NotFound');
    assert.equal(planSegment(bbb, 'vod', 'bbb_a1', time(1764000), o, NOW).kind, 'NotFound');
    assert.equal(planSegment(bbb, 'vod', 'bbb_v6_enc', num(1), o, NOW).kind, 'NotFound');
    const init = planSegment(bbb, 'vod', 'BBB_V6', { kind: 'init' }, o, NOW);
    assert.ok(init.kind === 'init');
    assert.equal(init.removeMehd, false);
  });
});

describe('§7.7 exact @duration form', () => {
  it('uses the smallest exact timescale when Dn is not whole ticks', async () => {
    const { durationAddressing } = await import('../../../src/timing/addressing.js');
    const a1 = file('bbb_a1');
    const eleven = {
      ...a1,
      segments: [
        a1.segments[0]!,
        ...Array.from({ length: 11 }, (_, i) => ({
          pos: i,
          size: 1,
          duration: 160000,
          decodeTime: i * 160000,
        })),
      ],
    };
    const t = trackTiming(eleven, ref, null);
    const a = durationAddressing(t);
    // Dn = 9600 × 44100 / (240 × 11) = 160363.63…: timescale 485100, duration 1764000
    assert.deepEqual([a.timescale, a.duration, a.scale], [485100n, 1764000n, 11n]);
    assert.equal(Number(a.duration) / Number(a.timescale), 40 / 11);
  });
});

describe('segment plan details', () => {
  it('§3.8 live max-age counts to the moment the segment is gone', () => {
    const p = plan('bbb_v6', num(143), { start: '2025-03-01T12:00:00Z', depth: '30' });
    assert.ok(p.kind === 'media');
    // gone after 572 + 4 + 30 + 16 = 622 s; the clock is at 602.5 s
    assert.equal(p.maxAgeSeconds, 19);
    assert.deepEqual(p.live, { astMs: Date.UTC(2025, 2, 1, 12), position: 136320n, duration: 960n });
  });
  it('§9.4 stpp segments of later loops carry the TTML time shift', () => {
    const q = { start: '2025-03-01T12:00:00Z' };
    const first = plan('bbb_t1', num(4), q);
    const later = plan('bbb_t1', num(5), q);
    assert.ok(first.kind === 'media' && later.kind === 'media');
    assert.equal(first.ttmlTimeShift, null);
    assert.deepEqual(later.ttmlTimeShift, { ticks: 8000n, timescale: 200 });
    const video = plan('bbb_v6', num(11), q);
    assert.ok(video.kind === 'media' && video.ttmlTimeShift === null);
  });
});
