/**
 * Low-latency chunk planning (dash.md §10.3) with a pinned clock, and the §12.17 worked example:
 * bbb, `start=2025-03-01T12:00:00Z&chunkdur=0.5`, requests at 12:10:02.500.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chunkCompletionTimes,
  chunkedAnswer,
  chunkedPlanOptions,
  chunkSampleCounts,
  isChunked,
  producerNtpTime,
} from '../../../src/low-latency/chunks.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { planSegment, type MediaSegmentPlan } from '../../../src/segments/plan.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500; // 2025-03-01T12:10:02.500Z
const AST = Date.parse('2025-03-01T12:00:00Z');
const bbb = fixtureStream('bbb');
const at = (s: number): number => AST + s * 1000;

function plan(rep: string, n: number, query: string, nowMs = NOW): MediaSegmentPlan {
  const resolved = resolveOptions({
    query: new URLSearchParams(query),
    mode: 'live',
    kind: 'segment',
    stream: bbb,
  });
  assert.deepEqual(resolved.issues, []);
  const p = planSegment(
    bbb,
    'live',
    rep,
    { kind: 'number', number: n },
    chunkedPlanOptions(resolved.options),
    nowMs,
  );
  if (p.kind !== 'media') throw new Error(`${rep}/${n} is refused (${p.kind}), not planned`);
  return p;
}

/** Chunk durations of a segment whose samples all last `sd` ticks. */
function chunkDurations(samples: number, sd: number, chunkMs: number, ts: number): number[] {
  return chunkSampleCounts(Array<number>(samples).fill(sd), chunkMs, ts).map((c) => c * sd);
}

describe('low-latency chunk planning (§10.3)', () => {
  it('chunk j ends at the first sample boundary at or after j·C·ts; the last takes the rest', () => {
    // video: 96 samples of 10 ticks at 240/s, C = 0.5 s → 120 ticks = 12 samples per chunk
    assert.deepEqual(chunkSampleCounts(Array<number>(96).fill(10), 500, 240), Array<number>(8).fill(12));
    // C = 0.3 s → 72 ticks: boundaries 72, 144 … each reached after 8, 15, 22 … samples
    const c3 = chunkSampleCounts(Array<number>(96).fill(10), 300, 240);
    assert.equal(Math.max(...c3) * 10, 80, '§12.17: with chunkdur=0.3 no chunk is longer than dT 80');
    assert.equal(
      c3.reduce((a, b) => a + b),
      96,
    );
    // audio: 172 samples of 1024 at 44100/s; C·ts = 22050 → 22 samples (22528 = Resync dT) at most
    const a = chunkSampleCounts(Array<number>(172).fill(1024), 500, 44100);
    assert.equal(Math.max(...a) * 1024, 22528);
    assert.equal(
      a.reduce((x, y) => x + y),
      172,
    );
    // text: one 2000-tick sample per segment → one chunk
    assert.deepEqual(chunkSampleCounts([2000], 500, 200), [1]);
    // a sample passing several boundaries makes no empty chunk
    assert.deepEqual(chunkSampleCounts([10, 300, 10, 10], 500, 100), [2, 2]);
    assert.deepEqual(chunkSampleCounts([], 500, 100), []);
  });

  it('§12.17: bbb_v6/151 at 12:10:02.500 → chunks 1–5 at once, 6–8 at 603, 603.5 and 604 s', () => {
    const p = plan('bbb_v6', 151, 'start=2025-03-01T12:00:00Z&chunkdur=0.5');
    assert.ok(p.live);
    assert.equal(p.live.astMs, AST);
    const times = chunkCompletionTimes(p.live, chunkDurations(96, 10, 500, 240), p.timescale);
    assert.deepEqual(times, [600.5, 601, 601.5, 602, 602.5, 603, 603.5, 604].map(at));
    assert.deepEqual(chunkedAnswer(times, NOW, false, 4000), {
      kind: 'chunked',
      ready: 5,
      later: [at(603), at(603.5), at(604)],
      truncated: false,
    });
    // with `now` pinned nothing waits: the five complete chunks, then the end of the body
    assert.deepEqual(chunkedAnswer(times, NOW, true, 4000), {
      kind: 'chunked',
      ready: 5,
      later: [],
      truncated: true,
    });
    // the prft time is the segment start on the wall clock: 12:10:00 in NTP seconds
    assert.equal(producerNtpTime(p.live, p.timescale) >> 32n, BigInt(at(600) / 1000 + 2208988800));
  });

  it('§12.17: bbb_v6/152 at the same instant is held until its first chunk, 12:10:04.500', () => {
    const p = plan('bbb_v6', 152, 'start=2025-03-01T12:00:00Z&chunkdur=0.5');
    const times = chunkCompletionTimes(p.live!, chunkDurations(96, 10, 500, 240), p.timescale);
    assert.equal(times[0], Date.parse('2025-03-01T12:10:04.500Z'));
    assert.deepEqual(chunkedAnswer(times, NOW, false, 4000), { kind: 'hold', untilMs: times[0] });
    // holding disabled (LOOPCAST_LL_MAX_HOLD=0), beyond the hold, or a pinned clock: 425
    assert.deepEqual(chunkedAnswer(times, NOW, false, 0), { kind: 'TooEarly', retryAfterSeconds: 2 });
    assert.deepEqual(chunkedAnswer(times, NOW, false, 1999), { kind: 'TooEarly', retryAfterSeconds: 2 });
    assert.deepEqual(chunkedAnswer(times, NOW, true, 4000), { kind: 'TooEarly', retryAfterSeconds: 2 });
    // 153 starts at 604 s: its first chunk at 608.5 s is beyond the 4-s hold
    const q = plan('bbb_v6', 153, 'start=2025-03-01T12:00:00Z&chunkdur=0.5');
    const t3 = chunkCompletionTimes(q.live!, chunkDurations(96, 10, 500, 240), q.timescale);
    assert.deepEqual(chunkedAnswer(t3, NOW, false, 4000), { kind: 'TooEarly', retryAfterSeconds: 6 });
  });

  it('a complete segment goes whole; the last chunk completes with the listed segment end', () => {
    const p = plan('bbb_v6', 150, 'start=2025-03-01T12:00:00Z&chunkdur=0.5');
    const times = chunkCompletionTimes(p.live!, chunkDurations(96, 10, 500, 240), p.timescale);
    assert.equal(times.at(-1), at(600));
    assert.deepEqual(chunkedAnswer(times, NOW, false, 4000), { kind: 'whole' });
    // audio's last segment of a loop lists 176800 ticks but holds 177152 of samples
    const capped = chunkCompletionTimes({ astMs: 0, position: 0n, duration: 176800n }, [88064, 89088], 44100);
    assert.deepEqual(capped, [Math.ceil((88064 * 1000) / 44100), Math.ceil((176800 * 1000) / 44100)]);
  });

  it('chunking is on with chunkdur unless ato=inf; segments past the window stay gone', () => {
    assert.equal(isChunked({ chunkdur: 500, ato: 3500 }), true);
    assert.equal(isChunked({ chunkdur: 500, ato: 'inf' }), false);
    assert.equal(isChunked({ chunkdur: null, ato: 1 }), false);
    const resolved = resolveOptions({
      query: new URLSearchParams('start=2025-03-01T12:00:00Z&chunkdur=0.5&depth=30'),
      mode: 'live',
      kind: 'segment',
      stream: bbb,
    });
    const gone = planSegment(
      bbb,
      'live',
      'bbb_v6',
      { kind: 'number', number: 138 },
      chunkedPlanOptions(resolved.options),
      NOW,
    );
    assert.equal(gone.kind, 'Gone');
  });
});
