/** §11.1 generated subtitles: manifest sets and segment plans (bbb, live, start=12:00:00Z). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../../src/manifest/manifest.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { planSegment } from '../../../src/segments/plan.js';
import { TEMPLATES } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500;
const bbb = fixtureStream('bbb');
const Q = 'start=2025-03-01T12:00:00Z&timesubsstpp=en&timesubswvtt=fr,de-DE';

describe('generated subtitles', () => {
  it('adds one text set per language and format after the file text sets', () => {
    const resolved = resolveOptions({
      query: new URLSearchParams(Q),
      mode: 'live',
      kind: 'manifest',
      stream: bbb,
      template: TEMPLATES.hand_made,
    });
    const r = buildManifest({
      stream: bbb,
      template: TEMPLATES.hand_made,
      mode: 'live',
      resolved,
      nowMs: NOW,
      origin: 'http://localhost:5000',
    });
    assert.ok(r.kind === 'manifest');
    const sets = r.model.periods[0]!.adaptationSets;
    assert.deepEqual(
      sets.map((s) => s.id),
      [1, 2, 4, 1001, 1002, 1003],
    );
    assert.deepEqual(
      sets
        .slice(3)
        .map((s) => [
          s.lang,
          s.representations[0]!.id,
          s.representations[0]!.codecs,
          s.representations[0]!.bandwidth,
        ]),
      [
        ['en', 'timestpp-en', 'stpp', 2000],
        ['fr', 'timewvtt-fr', 'wvtt', 2000],
        ['de-DE', 'timewvtt-de-de', 'wvtt', 2000],
      ],
    );
    const st = sets[3]!.segmentTemplate!;
    assert.deepEqual([st.timescale, st.duration, st.startNumber], ['1000', '4000', '1']);
    assert.ok(st.media.includes('timesubsstpp=en&timesubswvtt=fr,de-DE'));
    const vod = resolveOptions({
      query: new URLSearchParams(Q),
      mode: 'vod',
      kind: 'manifest',
      stream: bbb,
      template: TEMPLATES.hand_made,
    });
    const v = buildManifest({
      stream: bbb,
      template: TEMPLATES.hand_made,
      mode: 'vod',
      resolved: vod,
      nowMs: NOW,
      origin: '',
    });
    assert.ok(v.kind === 'manifest' && v.model.periods[0]!.adaptationSets.length === 3);
  });

  it('plans stpp segments with one cue per second', () => {
    const o = resolveOptions({
      query: new URLSearchParams(Q),
      mode: 'live',
      kind: 'segment',
      stream: bbb,
    }).options;
    const p = planSegment(bbb, 'live', 'timestpp-en', { kind: 'number', number: 150 }, o, NOW);
    assert.ok(p.kind === 'media' && p.generated);
    assert.equal(p.baseMediaDecodeTime, 596000n);
    assert.equal(p.sequenceNumber, 150);
    assert.deepEqual(
      p.generated.cues.map((c) => c.lines.join(' / ')),
      [
        '2025-03-01T12:09:56Z / en # 150',
        '2025-03-01T12:09:57Z / en # 150',
        '2025-03-01T12:09:58Z / en # 150',
        '2025-03-01T12:09:59Z / en # 150',
      ],
    );
    assert.ok(
      p.generated.ttml!.includes(
        '<p begin="00:09:56.000" end="00:09:56.900">2025-03-01T12:09:56Z<br/>en # 150</p>',
      ),
    );
    assert.ok(p.generated.ttml!.includes('tts:origin="15% 80%"'));
    assert.equal(
      planSegment(bbb, 'live', 'timestpp-en', { kind: 'number', number: 151 }, o, NOW).kind,
      'TooEarly',
    );
    const init = planSegment(bbb, 'live', 'timestpp-en', { kind: 'init' }, o, NOW);
    assert.ok(init.kind === 'init');
    assert.deepEqual(init.generated, { format: 'stpp', language: 'en', timescale: 1000 });
    assert.equal(
      planSegment(bbb, 'vod', 'timestpp-en', { kind: 'number', number: 1 }, o, NOW).kind,
      'NotFound',
    );
  });

  it('plans wvtt samples covering the segment without gaps', () => {
    const o = resolveOptions({
      query: new URLSearchParams(`${Q}&timesubsreg=1&timesubsdur=1500`),
      mode: 'live',
      kind: 'segment',
      stream: bbb,
    }).options;
    const p = planSegment(bbb, 'live', 'timewvtt-fr', { kind: 'number', number: 150 }, o, NOW);
    assert.ok(p.kind === 'media' && p.generated?.wvttSamples);
    const samples = p.generated.wvttSamples;
    assert.deepEqual(
      samples.map((s) => [s.offsetMs, s.durationMs, s.cue ? 'c' : '-']),
      [
        [0, 1500, 'c'],
        [1500, 500, '-'],
        [2000, 1500, 'c'],
        [3500, 500, '-'],
      ],
    );
    assert.equal(samples[0]!.cue!.settings, 'line:10%');
    assert.equal(
      samples.reduce((n, s) => n + s.durationMs, 0),
      4000,
    );
  });
});
