/** Multi-period validation (drm-events.md §12.3) and roles (§12.9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MpsInput } from '../../../src/multi-period/model.js';
import { CONTENT_ROLES, normalizeRole, ROLES } from '../../../src/multi-period/roles.js';
import { parseSeconds, validateMps } from '../../../src/multi-period/validate.js';
import { bbb, demo } from './fixture.js';

const lookup = (dir: string) => (dir === 'demo' ? demo : dir === 'bbb' ? bbb : null);

function body(overrides: Partial<MpsInput> = {}): MpsInput {
  return {
    name: 'two-periods',
    title: 'Two Periods',
    periods: [
      { pid: 'p1', stream: 'demo', start: 11, duration: 32, tracks: [{ trackId: 1, role: 'main' }] },
      {
        pid: 'p2',
        stream: 'bbb',
        start: 'PT5S',
        duration: null,
        tracks: [
          { trackId: 1, role: 'MAIN', encrypted: true },
          { trackId: 2, role: 'dub', lang: 'fr' },
        ],
      },
    ],
    ...overrides,
  };
}

describe('multi-period validation', () => {
  it('snaps starts down to the timing reference fragment and fills open durations', () => {
    const r = validateMps(body(), lookup);
    assert.equal(r.kind, 'valid');
    if (r.kind !== 'valid') return;
    const [p1, p2] = r.definition.periods;
    // demo: 2 s fragments, so 11 s snaps to 10 s; bbb: 4 s fragments, so 5 s snaps to 4 s
    assert.equal(p1!.startMs, 10000);
    assert.equal(p1!.durationMs, 32000);
    assert.equal(p2!.startMs, 4000);
    assert.equal(p2!.durationMs, 36000, 'null duration runs from the snapped start to the end, not past it');
    assert.deepEqual(p2!.tracks[0], { trackId: 1, role: 'main', lang: null, encrypted: true });
    assert.equal(p2!.tracks[1]!.lang, 'fr');
  });

  it('reports every failed rule at once, keyed by path', () => {
    const r = validateMps(
      {
        name: '.hidden',
        title: 'x',
        options: { nosuch: 1, timeShiftBufferDepth: 'deep' },
        periods: [
          {
            pid: 'p1',
            stream: 'demo',
            start: 60,
            duration: 5,
            tracks: [
              { trackId: 1, role: 'commentary' },
              { trackId: 9, role: 'main' },
            ],
          },
          { pid: 'p1', stream: 'nope', start: 0, duration: null, tracks: [] },
          {
            pid: 'p3',
            stream: 'bbb',
            start: 'soon',
            duration: 50,
            tracks: [{ trackId: 2, role: 'sign', lang: 'not a tag!' }],
          },
          { pid: 'p4', stream: 'bbb', start: 36, duration: 8, tracks: [{ trackId: 1, role: 'main' }] },
        ],
      },
      lookup,
    );
    assert.equal(r.kind, 'invalid');
    if (r.kind !== 'invalid') return;
    assert.deepEqual(Object.keys(r.fields).sort(), [
      'name',
      'options.nosuch',
      'options.timeShiftBufferDepth',
      'periods[0].start',
      'periods[0].tracks[0].role',
      'periods[0].tracks[1].trackId',
      'periods[1].pid',
      'periods[1].stream',
      'periods[2].start',
      'periods[2].tracks[0].lang',
      'periods[2].tracks[0].role',
      'periods[3].duration',
      'title',
    ]);
    assert.match(r.fields['periods[3].duration']!, /at most 4 s from the snapped start 36 s/);
    assert.match(r.fields['periods[0].tracks[0].role']!, /commentary does not suit a video track/);
  });

  it('refuses a second video track, too many Periods and an empty track list', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      pid: `p${i}`,
      stream: 'demo',
      start: 0,
      duration: null,
      tracks: [{ trackId: 1, role: 'main' }],
    }));
    const r = validateMps(body({ periods: many }), lookup);
    assert.ok(r.kind === 'invalid' && r.fields.periods);
    const twice = validateMps(
      body({
        periods: [
          {
            pid: 'a',
            stream: 'demo',
            start: 0,
            duration: null,
            tracks: [
              { trackId: 1, role: 'main' },
              { trackId: 1, role: 'alternate' },
            ],
          },
          { pid: 'b', stream: 'demo', start: 0, duration: null, tracks: [] },
        ],
      }),
      lookup,
    );
    assert.ok(twice.kind === 'invalid');
    if (twice.kind !== 'invalid') return;
    assert.match(twice.fields['periods[0].tracks[1].trackId']!, /chosen twice|at most one video/);
    assert.match(twice.fields['periods[1].tracks']!, /1 to 32/);
  });

  it('reads seconds as numbers or xs:duration text', () => {
    assert.equal(parseSeconds('PT4S'), 4);
    assert.equal(parseSeconds('PT1M2.5S'), 62.5);
    assert.equal(parseSeconds('P0DT1H'), 3600);
    assert.equal(parseSeconds('12.5'), 12.5);
    assert.equal(parseSeconds('PT'), null);
    assert.equal(parseSeconds('4 s'), null);
  });
});

describe('content roles', () => {
  it('lists the 15 DASH roles in the order of §12.9 with their content types', () => {
    assert.deepEqual(ROLES, [
      'main',
      'alternate',
      'supplementary',
      'caption',
      'subtitle',
      'commentary',
      'dub',
      'description',
      'sign',
      'metadata',
      'enhanced-audio-intelligibility',
      'emergency',
      'forced-subtitle',
      'easyreader',
      'karaoke',
    ]);
    assert.deepEqual(CONTENT_ROLES.caption, ['video', 'text']);
    assert.deepEqual(CONTENT_ROLES.metadata, ['text', 'application']);
  });

  it("accepts dash-live's underscore spellings in any case and answers the DASH value", () => {
    assert.equal(normalizeRole('FORCED_SUBTITLE'), 'forced-subtitle');
    assert.equal(normalizeRole('enhanced_audio_intelligibility'), 'enhanced-audio-intelligibility');
    assert.equal(normalizeRole('Main'), 'main');
    assert.equal(normalizeRole('director'), null);
  });
});
