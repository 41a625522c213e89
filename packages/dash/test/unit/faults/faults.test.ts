/** Fault decisions (drm-events.md §10.2–§10.6) at pinned clocks on the demo fixture (2 s video segments). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  manifestFaultDecision,
  segmentFaultDecision,
  type FaultDecision,
} from '../../../src/faults/decide.js';
import {
  cookieValue,
  failureSetCookie,
  parseFailureCookie,
  stepFailures,
  type FailureCounts,
} from '../../../src/faults/failures.js';
import { parseStatusCodes } from '../../../src/faults/statuscode.js';
import { resolvePosition } from '../../../src/faults/positions.js';
import { resolveOptions } from '../../../src/options/parse.js';
import type { SegmentAddress } from '../../../src/segments/plan.js';
import { TEMPLATES } from '../../../src/templates/registry.js';
import { liveHandMade } from '../../fixtures/live-manifest.js';
import { fixtureStream } from '../../fixtures/streams.js';

const AST = Date.UTC(2026, 0, 1);
const NOW = AST + 300_000;
const demo = fixtureStream('demo');

function segment(
  query: string,
  rep: string,
  address: SegmentAddress,
  counts: FailureCounts = new Map(),
  mode: 'live' | 'vod' = 'live',
): FaultDecision {
  const r = resolveOptions({
    query: new URLSearchParams(`start=2026-01-01T00:00:00Z&${query}`),
    mode,
    kind: 'segment',
    stream: demo,
  });
  assert.deepEqual(r.issues, []);
  return segmentFaultDecision({ stream: demo, mode, rep, address, options: r.options, nowMs: NOW, counts });
}

function manifest(query: string, nowMs = NOW, counts: FailureCounts = new Map()): FaultDecision {
  const r = resolveOptions({
    query: new URLSearchParams(`start=2026-01-01T00:00:00Z&${query}`),
    mode: 'live',
    kind: 'manifest',
    stream: demo,
    template: TEMPLATES.hand_made,
  });
  assert.deepEqual(r.issues, []);
  return manifestFaultDecision({ stream: demo, mode: 'live', options: r.options, nowMs, counts });
}

const n = (number: number): SegmentAddress => ({ kind: 'number', number });
const code = (d: FaultDecision) => (d.kind === 'fail' ? d.code : 200);

describe('segment errors (§10.3)', () => {
  it('fails the listed numbers of that content type only; 0 also matches init', () => {
    assert.equal(code(segment('verr=404=101', 'demo_v1', n(101))), 404);
    assert.equal(code(segment('verr=404=101', 'demo_v2', n(101))), 404);
    assert.equal(code(segment('verr=404=101', 'demo_v1', n(102))), 200);
    assert.equal(code(segment('verr=404=101', 'demo_a1', n(101))), 200);
    assert.equal(code(segment('aerr=503=101', 'demo_a1', n(101))), 503);
    assert.equal(code(segment('verr=404=0', 'demo_v1', { kind: 'init' })), 404);
    assert.equal(code(segment('verr=410=5,404=5', 'demo_v1', n(5))), 410);
  });

  it('addresses $Time$ requests by their segment number', () => {
    // segment 101 starts at 200 s: 2 560 000 ticks of 12800
    assert.equal(code(segment('verr=404=101', 'demo_v1', { kind: 'time', time: 2560000n })), 404);
  });

  it('converts time positions with S0 + floor((T − AST) / Dn), terr included', () => {
    // 00:03:20 = 200 s after AST → number 1 + 100
    assert.equal(code(segment('verr=404=00:03:20Z', 'demo_v1', n(101))), 404);
    assert.equal(code(segment('verr=404=2026-01-01T00:03:21Z', 'demo_v1', n(101))), 404);
    assert.equal(code(segment('verr=404=00:03:20Z', 'demo_v1', n(100))), 200);
    // demo_t1: 4 s segments → 1 + 50
    assert.equal(code(segment('terr=404=00:03:20Z', 'demo_t1', n(51))), 404);
    // generated subtitles follow the timing reference: 2 s segments → 1 + 100
    assert.equal(code(segment('terr=404=00:03:20Z', 'timewvtt-en', n(101))), 404);
    assert.equal(code(segment('terr=404=00:03:20Z', 'timewvtt-en', n(102))), 200);
    // vod has no availabilityStartTime: time positions never fire, numbers do
    assert.equal(code(segment('verr=404=00:00:20Z', 'demo_v1', n(11), new Map(), 'vod')), 200);
    assert.equal(code(segment('verr=404=11', 'demo_v1', n(11), new Map(), 'vod')), 404);
  });

  it('refuses status codes outside 400–599', () => {
    const r = resolveOptions({ query: new URLSearchParams('verr=302=1'), mode: 'live', kind: 'segment' });
    assert.deepEqual(
      r.issues.map((i) => i.param),
      ['verr'],
    );
  });
});

describe('manifest errors (§10.2)', () => {
  it('fires on the update count', () => {
    assert.equal(code(manifest('merr=503=3&update=3')), 503);
    assert.equal(code(manifest('merr=503=3&update=2')), 200);
    assert.equal(code(manifest('merr=503=3')), 200);
  });

  it('fires on a time of day while the clock is in [T, T + MUP]', () => {
    // demo MUP 4 s; T = 00:05:00 on AST's date
    assert.equal(code(manifest('merr=504=00:05:00')), 504);
    assert.equal(code(manifest('merr=504=00:05:00', NOW + 4000)), 504);
    assert.equal(code(manifest('merr=504=00:05:00', NOW + 4001)), 200);
    assert.equal(code(manifest('merr=504=00:05:00', NOW - 1)), 200);
    assert.equal(code(manifest('merr=504=2026-01-01T00:04:58Z')), 504);
  });
});

describe('failures (§10.4)', () => {
  it('fails N times, succeeds once, and fails again, per key', () => {
    let counts: FailureCounts = new Map();
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      const d = segment('verr=503=101&failures=2', 'demo_v1', n(101), counts);
      seen.push(code(d));
      assert.ok(d.counts, 'the cookie is updated on every matching request');
      counts = parseFailureCookie(
        cookieValue(failureSetCookie(d.counts, false).split(';')[0], 'loopcast_faults'),
      );
    }
    assert.deepEqual(seen, [503, 503, 200, 503, 503, 200, 503]);
    // 4xx faults always fire and leave the cookie alone
    const d = segment('verr=404=101&failures=2', 'demo_v1', n(101));
    assert.equal(code(d), 404);
    assert.equal(d.counts, null);
  });

  it('keeps counts per usage, code and position in a bounded cookie', () => {
    const a = stepFailures(new Map(), 'v503@120', 1);
    const b = stepFailures(a.counts, 'm503@t1740823324', 1);
    assert.equal(
      failureSetCookie(b.counts, true),
      'loopcast_faults=v503@120:1|m503@t1740823324:1; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure',
    );
    let many: FailureCounts = new Map();
    for (let i = 0; i < 40; i++) many = stepFailures(many, `v503@${i}`, 5).counts;
    assert.equal(many.size, 32);
    assert.ok(!many.has('v503@0') && many.has('v503@39'));
    assert.equal(parseFailureCookie('garbage|v503@1:1').size, 0);
    assert.match(failureSetCookie(new Map(), false), /^loopcast_faults=; Path=\/; Max-Age=0;/);
  });
});

describe('statuscode (§10.5)', () => {
  it('parses entries with repeatable rep and defaults', () => {
    assert.deepEqual(
      parseStatusCodes('[{cycle:30,code:404},{cycle:60,rsq:2,code:503,rep:video,rep:demo_a1}]'),
      [
        { cycle: 30, rsq: 0, code: 404, reps: ['*'] },
        { cycle: 60, rsq: 2, code: 503, reps: ['video', 'demo_a1'] },
      ],
    );
  });

  it('answers the code for the rsq-th segment of every cycle of the matching Representations', () => {
    // cycle 10 s = five 2 s segments; rsq 1: numbers 2, 7, 12, …
    const q = 'statuscode=[{cycle:10,rsq:1,code:503,rep:video}]';
    const failing = [];
    for (let i = 95; i <= 110; i++) if (code(segment(q, 'demo_v1', n(i))) === 503) failing.push(i);
    assert.deepEqual(failing, [97, 102, 107]);
    assert.equal(code(segment(q, 'demo_a1', n(102))), 200);
    assert.equal(code(segment('statuscode=[{cycle:10,rsq:0,code:404,rep:demo_v2}]', 'demo_v2', n(101))), 404);
    assert.equal(code(segment('statuscode=[{cycle:10,rsq:0,code:404,rep:demo_v2}]', 'demo_v1', n(101))), 200);
    // init segments are never hit, and failures does not apply
    assert.equal(code(segment('statuscode=[{cycle:10,code:404}]', 'demo_v1', { kind: 'init' })), 200);
    assert.equal(segment(`${q}&failures=1`, 'demo_v1', n(102)).counts, null);
  });
});

describe('vcorrupt (§10.6)', () => {
  it('marks the listed video segments with the frame count (default 4)', () => {
    const d = segment('vcorrupt=101,00:03:24Z', 'demo_v1', n(101));
    assert.deepEqual(d, { kind: 'serve', counts: null, corruptFrames: 4 });
    assert.deepEqual(segment('vcorrupt=00:03:24Z&frames=9', 'demo_v1', n(103)), {
      kind: 'serve',
      counts: null,
      corruptFrames: 9,
    });
    assert.deepEqual(segment('vcorrupt=101', 'demo_v1', n(102)), {
      kind: 'serve',
      counts: null,
      corruptFrames: 0,
    });
  });

  it('resolves positions: numbers, times of day on AST’s date, date-times', () => {
    assert.deepEqual(resolvePosition('12', AST), { kind: 'number', n: 12 });
    assert.deepEqual(resolvePosition('01:00:00Z', AST + 5000), { kind: 'time', ms: AST + 3600000 });
    assert.deepEqual(resolvePosition('2026-01-01T00:00:10Z', AST), { kind: 'time', ms: AST + 10000 });
    assert.equal(resolvePosition('x', AST), null);
  });
});

describe('fault time positions on child URLs (§10.3, dash.md §4.4)', () => {
  it('writes time positions as segment numbers of the first Representation of the type', () => {
    const m = liveHandMade(
      demo,
      'start=2026-01-01T00:00:00Z&depth=60&verr=404=00:04:40Z,503=7&aerr=404=2026-01-01T00:04:40Z&terr=410=00:04:40Z&vcorrupt=00:04:40Z,00:01:00Z',
      NOW,
    );
    assert.equal(m.kind, 'manifest');
    if (m.kind !== 'manifest') return;
    const media = (type: string) =>
      m.model.periods[0]!.adaptationSets.find((s) => s.contentType === type)!.segmentTemplate!.media;
    // 280 s: video and audio 2 s segments → 141, text 4 s → 71; 00:01:00 is before the window
    // (clock − TSBD = 240 s) and is dropped; the number 7 stays as given
    assert.match(media('video'), /verr=404%3D141,503%3D7/);
    assert.match(media('video'), /vcorrupt=141(&|$)/);
    assert.match(media('audio'), /aerr=404%3D141/);
    assert.match(media('text'), /terr=410%3D71/);
    const all = liveHandMade(demo, 'start=2026-01-01T00:00:00Z&depth=60&vcorrupt=00:01:00Z', NOW);
    assert.ok(all.kind === 'manifest');
    const video = all.model.periods[0]!.adaptationSets.find((s) => s.contentType === 'video')!;
    assert.doesNotMatch(video.segmentTemplate!.media, /vcorrupt/, 'every position dropped');
  });
});
