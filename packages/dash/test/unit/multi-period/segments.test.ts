/**
 * Multi-period segment routes (drm-events.md §12.5, §12.8): paths, `$Time$` addressing against
 * the Period's PTO, selected Representations only, and live availability by Period instance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveMpsOptions } from '../../../src/multi-period/options.js';
import { parseMpsPath } from '../../../src/multi-period/paths.js';
import { instanceById } from '../../../src/multi-period/playlist.js';
import { planMpsSegment } from '../../../src/multi-period/segments.js';
import type { SegmentAddress } from '../../../src/segments/plan.js';
import { twoPeriods } from './fixture.js';

const AST = '2026-01-01T00:00:00Z';
const at = (seconds: number) => Date.parse(AST) + seconds * 1000;
const mps = twoPeriods();

function plan(
  mode: 'live' | 'vod',
  periodId: string,
  rep: string,
  address: SegmentAddress,
  query = '',
  now = at(0),
) {
  const inst = instanceById(mps, mode, periodId);
  assert.ok(inst, periodId);
  const resolved = resolveMpsOptions(mps, inst.period, new URLSearchParams(query), mode, 'segment');
  assert.deepEqual(resolved.issues, []);
  return planMpsSegment(mps, mode, inst, rep, address, resolved.options, now);
}
const time = (t: number): SegmentAddress => ({ kind: 'time', time: BigInt(t) });

describe('multi-period paths', () => {
  it('parses manifests, Period prefixes, init and $Time$ segments with an optional bu{i}', () => {
    assert.deepEqual(parseMpsPath('/mps/live/two-periods/hand_made.mpd'), {
      kind: 'manifest',
      mode: 'live',
      name: 'two-periods',
      template: 'hand_made',
    });
    assert.equal(parseMpsPath('/mps/vod/two-periods/manifest_a')?.kind, 'manifest');
    assert.equal(parseMpsPath('/mps/vod/two-periods/p1/')?.kind, 'period-prefix');
    assert.deepEqual(parseMpsPath('/mps/live/two-periods/p1_3/demo_v1/init.m4v'), {
      kind: 'segment',
      mode: 'live',
      name: 'two-periods',
      periodId: 'p1_3',
      baseUrlIndex: null,
      rep: 'demo_v1',
      ext: 'm4v',
      address: { kind: 'init' },
    });
    const bu = parseMpsPath('/mps/vod/two-periods/p2/bu1/bbb_a1/time/176128.m4a');
    assert.ok(bu?.kind === 'segment' && bu.baseUrlIndex === 1 && bu.address.kind === 'time');
    for (const bad of [
      '/mps/odvod/two-periods/hand_made.mpd',
      '/mps/live/.x/hand_made.mpd',
      '/mps/live/two-periods/p1/demo_v1/7.m4v',
      '/mps/live/two-periods/p1/demo_v1/time/abc.m4v',
      '/mps/live/two-periods/p1/bu1/',
      '/dash/live/demo/hand_made.mpd',
    ])
      assert.equal(parseMpsPath(bad), null, bad);
  });
});

describe('multi-period segments', () => {
  it('serves the fragment containing the offset at t = PTO and later fragments at their own time', () => {
    // p1: demo from 10 s; video fragments of 25600 ticks, so t = 128000 is fragment 6
    const first = plan('vod', 'p1', 'demo_v1', time(128000));
    assert.ok(first.kind === 'media' && first.fragmentIndex === 6);
    const next = plan('vod', 'p1', 'demo_v1', time(153600));
    assert.ok(next.kind === 'media' && next.fragmentIndex === 7);
    // audio: the PTO 480000 lies inside a fragment, which is served for t = PTO only
    const audio = plan('vod', 'p1', 'demo_a1', time(480000));
    assert.ok(audio.kind === 'media');
    const own = mps.periods[0]!.stream.files.find((f) => f.name === 'demo_a1.mp4')!.index;
    const fragmentStart = own.segments[audio.fragmentIndex]!.decodeTime!;
    assert.ok(fragmentStart < 480000);
    assert.equal(plan('vod', 'p1', 'demo_a1', time(fragmentStart)).kind, 'NotFound');
  });

  it('answers 404 outside the Period, for unselected Representations and for encrypted ones without drm', () => {
    assert.equal(plan('vod', 'p1', 'demo_v1', time(0)).kind, 'NotFound', 'before the offset');
    assert.equal(plan('vod', 'p1', 'demo_v1', time(128000 + 16 * 25600)).kind, 'NotFound', 'after the end');
    assert.equal(plan('vod', 'p1', 'demo_v1', time(128001)).kind, 'NotFound', 'not a fragment start');
    assert.equal(plan('vod', 'p1', 'demo_t1', { kind: 'init' }).kind, 'NotFound', 'text not selected');
    assert.equal(plan('vod', 'p2', 'bbb_v6_enc', { kind: 'init' }).kind, 'NotFound');
    assert.equal(plan('vod', 'p2', 'bbb_v6_enc', { kind: 'init' }, 'drm=clearkey').kind, 'init');
    assert.equal(plan('vod', 'p2', 'bbb_a1_enc', { kind: 'init' }, 'drm=clearkey').kind, 'NotFound');
    assert.equal(instanceById(mps, 'vod', 'p1_0'), null);
    assert.equal(instanceById(mps, 'live', 'p1'), null);
    assert.equal(instanceById(mps, 'live', 'p1_01'), null);
  });

  it('keeps the stored bytes: every loop instance plans the same fragment', () => {
    const a = plan('live', 'p2_0', 'bbb_v6', time(960), `start=${AST}`, at(40));
    const b = plan('live', 'p2_5', 'bbb_v6', time(960), `start=${AST}`, at(5 * 72 + 40));
    assert.ok(a.kind === 'media' && b.kind === 'media');
    assert.equal(a.fragmentIndex, b.fragmentIndex);
    assert.equal(a.blobKey, b.blobKey);
  });

  it('puts the in-band events of the Period instance into its video segments (§9.3)', () => {
    // ping every 10 s of the presentation; p2 (bbb, 4 s segments, timescale 240) starts at 32 s,
    // so event 4 (40 s) opens the segment at Period time 8 s (t = 1920)
    const carried = plan('vod', 'p2', 'bbb_v6', time(1920), 'events=ping');
    assert.ok(carried.kind === 'media');
    assert.deepEqual(
      carried.emsg.map((e) => [e.id, e.presentationTimeDelta]),
      [[4, 0]],
    );
    const none = plan('vod', 'p2', 'bbb_v6', time(960), 'events=ping');
    assert.ok(none.kind === 'media' && none.emsg.length === 0);
    // version 1 times are on the track's media timeline: 40 s of the presentation is 8 s of bbb
    const v1 = plan('vod', 'p2', 'bbb_v6', time(1920), 'events=ping&ping__version=1');
    assert.ok(v1.kind === 'media');
    assert.equal(v1.emsg[0]!.presentationTime, 800n);
    // audio does not carry them while the source has video
    const audio = plan('vod', 'p2', 'bbb_a1', time(0), 'events=ping');
    assert.ok(audio.kind === 'media' && audio.emsg.length === 0);
    // loop instances differ only by their events: p2_1 starts at 104 s, its 8 s segment has none
    const later = plan('live', 'p2_1', 'bbb_v6', time(1920), `start=${AST}&events=ping`, at(200));
    assert.ok(later.kind === 'media' && later.emsg.length === 0);
  });

  it('times live segments by Period instance: 425 before their end, 410 after the window', () => {
    // p2_1 starts at 72 + 32 = 104 s; its second bbb segment (t = 960) ends at 112 s
    const q = `start=${AST}&depth=30`;
    const early = plan('live', 'p2_1', 'bbb_v6', time(960), q, at(111));
    assert.equal(early.kind, 'TooEarly');
    assert.ok(early.kind === 'TooEarly' && early.retryAfterSeconds === 1);
    assert.equal(plan('live', 'p2_1', 'bbb_v6', time(960), q, at(112)).kind, 'media');
    // gone after end + its duration + depth + leeway (112 + 4 + 30 + leeway)
    assert.equal(plan('live', 'p2_1', 'bbb_v6', time(960), q, at(140)).kind, 'media');
    assert.equal(plan('live', 'p2_1', 'bbb_v6', time(960), q, at(400)).kind, 'Gone');
    assert.equal(plan('live', 'p2_1', 'bbb_v6', { kind: 'init' }, q, at(0)).kind, 'init');
  });
});
