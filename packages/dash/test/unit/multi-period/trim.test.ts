/**
 * The first segment of a Period that starts inside a stored fragment (drm-events.md §12.6, §12.8;
 * dash.md §7.8): which samples it keeps, and which plans ask for a cut at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaIndex } from '@loopcast/bmff';
import { resolveMpsOptions } from '../../../src/multi-period/options.js';
import { instanceById } from '../../../src/multi-period/playlist.js';
import { planMpsSegment } from '../../../src/multi-period/segments.js';
import { trackSlice } from '../../../src/multi-period/slices.js';
import { keepSamplesFrom, samplesFrom } from '../../../src/multi-period/trim.js';
import { twoPeriods } from './fixture.js';

const aac = (n: number): number[] => Array.from({ length: n }, () => 1024);

describe('samplesFrom', () => {
  it('keeps the samples that start at or after the Period start', () => {
    // the old demo's 94-frame fragment from 288768; the Period starts at 8 s = 384000 ticks
    assert.deepEqual(samplesFrom(aac(94), 288768n, 384000n), { skipped: 93, kept: 1 });
    // mid-sample (bbb at 4 s: 176400 inside the fragment from 176128): the sample holding the
    // start is left out, the segment starts 752 ticks (under one sample) after the listed time
    assert.deepEqual(samplesFrom(aac(172), 176128n, 176400n), { skipped: 1, kept: 171 });
    assert.deepEqual(samplesFrom(aac(172), 176128n, 177152n), { skipped: 1, kept: 171 });
    assert.deepEqual(samplesFrom(aac(172), 176128n, 177153n), { skipped: 2, kept: 170 });
  });

  it('keeps every sample when the fragment starts at or after the cut', () => {
    assert.deepEqual(samplesFrom(aac(94), 384000n, 384000n), { skipped: 0, kept: 94 });
    assert.deepEqual(samplesFrom(aac(3), 10n, 0n), { skipped: 0, kept: 3 });
  });

  it('keeps the last sample when the cut lies inside it (no sample starts in the segment)', () => {
    // the current demo at 10 s: 480000 lies in the last frame (479232–480256) of its fragment
    assert.deepEqual(samplesFrom(aac(94), 384000n, 480000n), { skipped: 93, kept: 1 });
    assert.deepEqual(samplesFrom(aac(5), 0n, 100000n), { skipped: 4, kept: 1 });
  });

  it('follows varying sample durations', () => {
    // a short last frame (the demo's loop end) and a longer one in between
    const durations = [1024, 2048, 1024, 512];
    assert.deepEqual(samplesFrom(durations, 1000n, 2024n), { skipped: 1, kept: 3 });
    assert.deepEqual(samplesFrom(durations, 1000n, 2025n), { skipped: 2, kept: 2 });
    assert.deepEqual(samplesFrom(durations, 1000n, 5096n), { skipped: 3, kept: 1 });
    assert.deepEqual(samplesFrom(durations, 1000n, 5097n), { skipped: 3, kept: 1 });
  });

  it('leaves an empty sample list alone', () => {
    assert.deepEqual(samplesFrom([], 0n, 10n), { skipped: 0, kept: 0 });
  });
});

describe('keepSamplesFrom', () => {
  const seg = { k: 5, position: 0n, duration: 256n, time: 480000n, fragmentTime: 384000n };
  it('cuts audio only, and only a segment listed after its fragment start', () => {
    assert.equal(keepSamplesFrom(seg, 'audio'), 480000n);
    assert.equal(keepSamplesFrom(seg, 'video'), null, 'video would start on a non-sync sample');
    assert.equal(keepSamplesFrom(seg, 'text'), null, 'cues before the start still show after it');
    assert.equal(keepSamplesFrom({ ...seg, time: 384000n }, 'audio'), null);
  });
});

describe('multi-period plans', () => {
  const mps = twoPeriods();
  const plan = (periodId: string, rep: string, time: bigint) => {
    const inst = instanceById(mps, 'vod', periodId)!;
    const resolved = resolveMpsOptions(mps, inst.period, new URLSearchParams(), 'vod', 'segment');
    return planMpsSegment(mps, 'vod', inst, rep, { kind: 'time', time }, resolved.options, 0);
  };
  const indexOf = (rep: string): MediaIndex =>
    mps.periods[0]!.stream.files.find((f) => f.name === `${rep}.mp4`)!.index;

  it('asks for the samples from the PTO in the first audio segment of a Period inside a fragment', () => {
    // p1 starts at 10 s of the demo: PTO 480000 on the 48 kHz audio track
    const audio = indexOf('demo_a1');
    const slice = trackSlice(audio, indexOf('demo_v1'), 10000, 32000);
    const [first, second] = slice.segments;
    assert.ok(first && second);
    assert.equal(first.time, 480000n);
    assert.ok(first.fragmentTime < first.time, 'the fixture Period starts inside an audio fragment');
    assert.equal(first.fragmentTime, BigInt(audio.segments[first.k]!.decodeTime!));
    const head = plan('p1', 'demo_a1', first.time);
    assert.ok(head.kind === 'media');
    assert.equal(head.fragmentIndex, first.k);
    assert.equal(head.keepFrom, 480000n);
    // the fixture's fragment 479232–575488 in 1024-tick frames: the frame holding 480000 is left
    // out; the 93 kept ones start 256 ticks after the listed time and end where the segment ends
    assert.equal(first.fragmentTime, 479232n);
    assert.equal(audio.sampleDuration, 1024);
    const cut = samplesFrom(aac(94), first.fragmentTime, head.keepFrom);
    assert.deepEqual(cut, { skipped: 1, kept: 93 });
    assert.equal(first.fragmentTime + 1024n + 93n * 1024n, first.time + first.duration);
    const next = plan('p1', 'demo_a1', second.time);
    assert.ok(next.kind === 'media' && next.keepFrom === null, 'later fragments are served whole');
  });

  it('serves video and Periods on a fragment start whole', () => {
    const video = plan('p1', 'demo_v1', 128000n);
    assert.ok(video.kind === 'media' && video.keepFrom === null);
    // p2 is bbb from 0: its first audio fragment starts at the PTO
    const inst = instanceById(mps, 'vod', 'p2')!;
    const resolved = resolveMpsOptions(mps, inst.period, new URLSearchParams(), 'vod', 'segment');
    const bbbAudio = planMpsSegment(
      mps,
      'vod',
      inst,
      'bbb_a1',
      { kind: 'time', time: 0n },
      resolved.options,
      0,
    );
    assert.ok(bbbAudio.kind === 'media' && bbbAudio.keepFrom === null);
  });
});
