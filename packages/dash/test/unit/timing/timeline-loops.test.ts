/**
 * The loop-by-loop SegmentTimeline (`boundedTimeline`) against the straightforward
 * per-segment definition it replaced (dash.md §7.8, §7.14, §7.15), kept here as the reference:
 * list every segment (l, k), keep those whose end lies in (B, Em + ATO], that start before the
 * event end and overlap the Period, then run-length code them. Both must agree on every S
 * element and on the first segment number, over real and synthetic tracks (drift corrections
 * of either sign, fractional loop lengths, one-segment loops) and many windows, including
 * windows that start or end exactly on a loop join.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaIndex } from '@loopcast/bmff';
import { startsBeforeEnd, type EventEnd } from '../../../src/timing/event-end.js';
import {
  boundedTimeline,
  isRegularTrack,
  timelineBounds,
  type PeriodTicks,
  type TimelineText,
} from '../../../src/timing/timeline.js';
import { liveSegment, loopAt, trackTiming, type TrackTiming } from '../../../src/timing/track.js';
import { timingReferenceOf, type StreamModel } from '../../../src/stream.js';
import { fixtureStream } from '../../fixtures/streams.js';

interface Seg {
  position: bigint;
  duration: bigint;
  number: number;
}

/** The per-segment walk: ends e with e·1000 in (B·ts, (Em + ATO)·ts]. */
function referenceLive(t: TrackTiming, bufferStartMs: number, edgeMs: number): Seg[] {
  const out: Seg[] = [];
  const lowTicks = (BigInt(Math.max(0, bufferStartMs)) * t.ts) / 1000n;
  let loop = Math.max(0, loopAt(t, lowTicks) - 1);
  const edge = BigInt(edgeMs) * t.ts;
  const low = BigInt(bufferStartMs) * t.ts;
  for (;;) {
    for (let k = 1; k <= t.count; k++) {
      const seg = liveSegment(t, loop, k);
      const e = (seg.position + seg.duration) * 1000n;
      if (e > edge) return out;
      if (e > low) out.push(seg);
    }
    loop++;
  }
}

/** Every segment of an ended event that starts before Z, from the first. */
function referenceEvent(t: TrackTiming, end: EventEnd): Seg[] {
  const out: Seg[] = [];
  for (let loop = 0; ; loop++) {
    for (let k = 1; k <= t.count; k++) {
      const s = liveSegment(t, loop, k);
      if (!startsBeforeEnd(t, s.position, end)) return out;
      out.push(s);
    }
  }
}

/** Run-length coding as the manifest writes it: `t` on the first, `r` when repeated. */
function referenceText(segments: Seg[], pto: bigint): TimelineText[] {
  const out: { t?: bigint; d: bigint; r?: number }[] = [];
  let prevEnd: bigint | null = null;
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && prevEnd === s.position && last.d === s.duration) last.r = (last.r ?? 0) + 1;
    else if (last && prevEnd === s.position) out.push({ d: s.duration });
    else out.push({ t: pto + s.position, d: s.duration });
    prevEnd = s.position + s.duration;
  }
  return out.map((e) => ({
    ...(e.t !== undefined ? { t: e.t.toString() } : {}),
    d: e.d.toString(),
    ...(e.r ? { r: e.r } : {}),
  }));
}

interface Window {
  live: { bufferStartMs: number; edgeMs: number } | null;
  end: EventEnd | null;
  period: PeriodTicks | null;
}

function reference(t: TrackTiming, w: Window): { timeline: TimelineText[]; firstNumber: number | null } {
  let segs = w.live ? referenceLive(t, w.live.bufferStartMs, w.live.edgeMs) : referenceEvent(t, w.end!);
  const end = w.end;
  if (w.live && end) segs = segs.filter((s) => startsBeforeEnd(t, s.position, end));
  const p = w.period;
  if (p) segs = segs.filter((s) => s.position * p.den < p.hi && (s.position + s.duration) * p.den > p.lo);
  return { timeline: referenceText(segs, t.t0), firstNumber: segs[0]?.number ?? null };
}

function fast(t: TrackTiming, w: Window): { timeline: TimelineText[]; firstNumber: number | null } {
  return boundedTimeline(t, timelineBounds(t, w), t.t0);
}

/** A copy of `base` with other segment durations (ticks), timescale, t0 and start number. */
function synthetic(
  base: MediaIndex,
  durations: number[],
  over: Partial<Pick<MediaIndex, 'timescale' | 'startTime' | 'startNumber'>> = {},
): MediaIndex {
  const segments = [base.segments[0]!, ...durations.map((duration, i) => ({ pos: i, size: 1, duration }))];
  const mediaDuration = durations.reduce((a, b) => a + b, 0);
  return { ...base, ...over, segments, mediaDuration };
}

const bbb = fixtureStream('bbb');
const demo = fixtureStream('demo');
const refOf = (s: StreamModel) => timingReferenceOf(s)!.index;
const demoRef = refOf(demo);
const demoAudio = demo.files.find((f) => f.name === 'demo_a1.mp4')!.index;

/** A reference whose loop (60.000078 s) is no whole number of ticks of the tracks below. */
const oddRef = synthetic(demoRef, [...Array<number>(29).fill(25600), 25601]);

interface Track {
  name: string;
  index: MediaIndex;
  ref: MediaIndex;
  snr?: number | null;
}

const TRACKS: Track[] = [
  ...bbb.files.map((f) => ({ name: `bbb ${f.name}`, index: f.index, ref: refOf(bbb) })),
  ...demo.files.map((f) => ({ name: `demo ${f.name}`, index: f.index, ref: demoRef })),
  { name: 'demo audio, snr=0', index: demoAudio, ref: demoRef, snr: 0 },
  { name: 'demo audio, snr=1000', index: demoAudio, ref: demoRef, snr: 1000 },
  {
    name: 'audio against a fractional loop (δ alternates)',
    index: synthetic(demoAudio, [...Array<number>(29).fill(96000), 95000], { startTime: 4800 }),
    ref: oddRef,
  },
  {
    name: 'track longer than the reference (δ < 0)',
    index: synthetic(demoAudio, [...Array<number>(29).fill(96256), 96256], { startNumber: 7 }),
    ref: demoRef,
  },
  {
    name: 'mixed durations, runs across the loop join',
    index: synthetic(demoAudio, [96000, 96000, 95000, 97000, 97000, ...Array<number>(25).fill(96000)], {
      startTime: 123,
    }),
    ref: oddRef,
  },
  {
    name: 'last segment short of the others',
    index: synthetic(demoAudio, [...Array<number>(29).fill(97000), 67000]),
    ref: demoRef,
  },
  { name: 'one segment per loop', index: synthetic(demoAudio, [2880000]), ref: oddRef },
  {
    name: 'two segments, 90 kHz',
    index: synthetic(demoAudio, [2700000, 2700001], { timescale: 90000 }),
    ref: demoRef,
  },
];

/** Live windows: B = Em − TSBD, edge = Em + ATO, with Em around loop joins and far out. */
function liveWindows(loopMs: number): { bufferStartMs: number; edgeMs: number }[] {
  const ems = [0, 1, 999, 1000, 1999, 2000, 2001, 7777, 59_999, 60_000, 60_001, 61_999, 62_000, 119_998];
  for (const l of [2, 3, 7, 31, 32, 1000])
    for (const d of [-1, 0, 1, 2000]) ems.push(Math.round(l * loopMs) + d);
  ems.push(3_600_000, 3_601_999, 86_399_000, 1_000_000_007);
  const out: { bufferStartMs: number; edgeMs: number }[] = [];
  for (const em of ems) {
    for (const depth of [1, 2, 5, 30, 60, 61, 1800]) {
      const tsbd = Math.max(0, Math.min(depth, Math.floor(em / 1000)));
      for (const ato of [0, 500, 1999]) out.push({ bufferStartMs: em - tsbd * 1000, edgeMs: em + ato });
    }
  }
  return out;
}

const ends = (counts: number[]): EventEnd[] => counts.map((count) => ({ count, lengthMs: 0, endMs: 0 }));

describe('boundedTimeline equals the per-segment timeline', () => {
  for (const track of TRACKS) {
    const t = trackTiming(track.index, track.ref, track.snr ?? null);
    const loopMs = (track.ref.mediaDuration * 1000) / track.ref.timescale;

    it(`${track.name}: live windows`, () => {
      assert.ok(isRegularTrack(t));
      for (const live of liveWindows(loopMs)) {
        const w: Window = { live, end: null, period: null };
        assert.deepStrictEqual(fast(t, w), reference(t, w), JSON.stringify(live));
      }
    });

    it(`${track.name}: live with an event end, ended events`, () => {
      const n = track.ref.segments.length - 1;
      for (const end of ends([1, 2, n - 1, n, n + 1, 3 * n, 3 * n + 2, 1000])) {
        for (const live of liveWindows(loopMs).filter((_, i) => i % 7 === 0)) {
          const w: Window = { live, end, period: null };
          assert.deepStrictEqual(fast(t, w), reference(t, w), `${JSON.stringify(live)} Z=${end.count}`);
        }
        const w: Window = { live: null, end, period: null };
        assert.deepStrictEqual(fast(t, w), reference(t, w), `ended Z=${end.count}`);
      }
    });

    it(`${track.name}: automatic Periods`, () => {
      // Period lengths in seconds as num/den: whole, a loop, a fraction of a tick
      for (const [num, den] of [
        [60n, 1n],
        [80n, 1n],
        [7n, 3n],
        [120n, 1n],
      ] as const) {
        for (const j of [0n, 1n, 2n, 29n, 30n, 31n]) {
          const period: PeriodTicks = { lo: j * num * t.ts, hi: (j + 1n) * num * t.ts, den };
          for (const live of liveWindows(loopMs).filter((_, i) => i % 11 === 0)) {
            const w: Window = { live, end: null, period };
            assert.deepStrictEqual(
              fast(t, w),
              reference(t, w),
              `${JSON.stringify(live)} j=${j} L=${num}/${den}`,
            );
          }
          for (const end of ends([5, 100])) {
            const w: Window = { live: null, end, period };
            assert.deepStrictEqual(
              fast(t, w),
              reference(t, w),
              `ended Z=${end.count} j=${j} L=${num}/${den}`,
            );
          }
        }
      }
    });
  }

  it('a loop whose corrected last segment would not last is left to the per-segment walk', () => {
    const index = synthetic(demoAudio, [...Array<number>(29).fill(99400), 10]);
    assert.equal(isRegularTrack(trackTiming(index, demoRef, null)), false);
    const zero = synthetic(demoAudio, [96000, 0, ...Array<number>(28).fill(96000), 96000]);
    assert.equal(isRegularTrack(trackTiming(zero, demoRef, null)), false);
  });

  it('the demo window of 30 minutes: one S for video, runs merged across loop joins', () => {
    const v = trackTiming(demo.files.find((f) => f.name === 'demo_v1.mp4')!.index, demoRef, null);
    const live = { bufferStartMs: 10_000_000 - 1_800_000, edgeMs: 10_000_000 };
    const got = fast(v, { live, end: null, period: null });
    assert.deepStrictEqual(got.timeline, [{ t: '104960000', d: '25600', r: 899 }]);
    assert.equal(got.firstNumber, 4101);
  });
});
