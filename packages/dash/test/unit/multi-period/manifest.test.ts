/**
 * Multi-period manifests (drm-events.md §12.6, §12.7): VOD Periods with PTO and shortened first
 * segments, the live playlist looped with the spec's example window, and every variant valid
 * against the MPD schema.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestModel } from '../../../src/manifest/model.js';
import { validateMps } from '../../../src/multi-period/validate.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';
import { mpsManifest, twoPeriods } from './fixture.js';

const AST = '2026-01-01T00:00:00Z';
const at = (seconds: number) => Date.parse(AST) + seconds * 1000;

function model(mode: 'live' | 'vod', query: string, nowMs: number): { model: ManifestModel; xml: string } {
  const built = mpsManifest(twoPeriods(), mode, query, nowMs);
  assert.equal(built.kind, 'manifest', JSON.stringify(built));
  if (built.kind !== 'manifest') throw new Error('unreachable');
  return { model: built.model, xml: built.xml };
}

describe('multi-period VOD manifest', () => {
  const { model: m, xml } = model('vod', '', at(0));

  it('writes one Period per playlist entry with start, duration and its own BaseURL', () => {
    assert.equal(m.type, 'static');
    assert.equal(m.id, 'two-periods');
    assert.equal(m.title, 'Two Periods');
    assert.equal(m.mediaPresentationDuration, 'PT1M12S');
    assert.deepEqual(
      m.periods.map((p) => [p.id, p.start, p.duration, p.baseUrl]),
      [
        ['p1', 'PT0S', 'PT32S', 'http://localhost:5000/mps/vod/two-periods/p1/'],
        ['p2', 'PT32S', 'PT40S', 'http://localhost:5000/mps/vod/two-periods/p2/'],
      ],
    );
    assert.match(
      xml,
      /<Period id="p1" start="PT0S" duration="PT32S">\n {4}<BaseURL>http:\/\/localhost:5000\/mps\/vod\/two-periods\/p1\/<\/BaseURL>/,
    );
  });

  it('maps the offset with presentationTimeOffset and starts the timeline there', () => {
    const [video, audio] = m.periods[0]!.adaptationSets;
    // demo video: timescale 12800, 10 s offset on a fragment boundary, 16 segments of 2 s
    assert.equal(video!.segmentTemplate!.presentationTimeOffset, '128000');
    assert.deepEqual(video!.segmentTemplate!.timeline, [{ t: '128000', d: '25600', r: 15 }]);
    assert.equal(video!.segmentTemplate!.media, '$RepresentationID$/time/$Time$.m4v');
    // demo audio: 10 s is inside a fragment, so the first entry starts at the PTO, shortened
    const st = audio!.segmentTemplate!;
    assert.equal(st.presentationTimeOffset, '480000');
    assert.equal(st.timeline![0]!.t, '480000');
    const first = Number(st.timeline![0]!.d);
    assert.ok(first < 96256 && first > 0, `shortened first audio segment ${first}`);
  });

  it('writes each track’s role for any content type and the language override', () => {
    const [v1, a1] = m.periods[0]!.adaptationSets;
    const [, a2] = m.periods[1]!.adaptationSets;
    assert.equal(v1!.dashRole, 'main');
    assert.match(
      xml,
      /<AdaptationSet id="1" contentType="video"[^\n]*>\n\s+<Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"\/>/,
    );
    assert.equal(a1!.lang, 'en');
    assert.equal(a2!.dashRole, 'dub');
    assert.equal(a2!.lang, 'fr');
  });

  it('serves clear files without drm and the encrypted twins of tracks marked encrypted with it', () => {
    const clear = m.periods[1]!.adaptationSets[0]!.representations.map((r) => r.id);
    assert.deepEqual(clear, ['bbb_v7', 'bbb_v6']);
    const { model: drm, xml: drmXml } = model('vod', 'drm=clearkey', at(0));
    const [video, audio] = drm.periods[1]!.adaptationSets;
    assert.deepEqual(
      video!.representations.map((r) => r.id),
      ['bbb_v7_enc', 'bbb_v6_enc'],
    );
    assert.ok(video!.contentProtection && video!.contentProtection.length > 0);
    // the audio track is not marked encrypted: clear, without a DRM block
    assert.deepEqual(
      audio!.representations.map((r) => r.id),
      ['bbb_a1'],
    );
    assert.equal(audio!.contentProtection, undefined);
    assert.equal(drm.periods[0]!.adaptationSets[0]!.contentProtection, undefined);
    assert.match(drmXml, /xmlns:cenc=/);
  });
});

describe('multi-period live manifest', () => {
  it('lists the Period instances of the spec example window (T = 72 s, 200 s, depth 60)', () => {
    const { model: m } = model('live', `start=${AST}&depth=60&mup=4`, at(200));
    assert.equal(m.type, 'dynamic');
    assert.equal(m.availabilityStartTime, AST);
    assert.deepEqual(
      m.periods.map((p) => [p.id, p.start, p.duration]),
      [
        ['p2_1', 'PT1M44S', undefined],
        ['p1_2', 'PT2M24S', undefined],
        ['p2_2', 'PT2M56S', undefined],
      ],
    );
    assert.equal(m.periods[0]!.baseUrl, 'http://localhost:5000/mps/live/two-periods/p2_1/');
    // p2_1 (104–144 s): only segments ending after B − PS = 36 s: bbb video 36–40 s
    assert.deepEqual(m.periods[0]!.adaptationSets[0]!.segmentTemplate!.timeline, [{ t: '8640', d: '960' }]);
    // p2_2 (176 s): segments ending by Em − PS = 24 s: six of 4 s
    assert.deepEqual(m.periods[2]!.adaptationSets[0]!.segmentTemplate!.timeline, [
      { t: '0', d: '960', r: 5 },
    ]);
    // the segment URLs pin the availabilityStartTime
    assert.match(m.periods[0]!.adaptationSets[0]!.segmentTemplate!.media, /start=2026-01-01T00:00:00Z/);
  });

  it('lists a Period that ended by Em to its last segment, even one overrunning its end', () => {
    // at 32 s p2_0 begins; p1_0's last demo audio fragment ends after 32 s of Period time
    const { model: m } = model('live', `start=${AST}`, at(32));
    assert.deepEqual(
      m.periods.map((p) => p.id),
      ['p1_0', 'p2_0'],
    );
    const audio = m.periods[0]!.adaptationSets[1]!.segmentTemplate!;
    const listed = audio.timeline!.reduce((sum, e) => sum + Number(e.d) * (1 + (e.r ?? 0)), 0);
    assert.ok(listed > 32 * 48000, `p1_0 audio lists ${listed / 48000} s`);
    // the open Period keeps the §12.7 bound: nothing of p2_0 is complete yet
    assert.deepEqual(m.periods[1]!.adaptationSets[0]!.segmentTemplate!.timeline, []);
  });

  it('writes Period@duration on every Period with periodDur=1', () => {
    const { model: m } = model('live', `start=${AST}&periodDur=1`, at(100));
    assert.ok(m.periods.length >= 2);
    for (const p of m.periods) assert.ok(p.duration === 'PT32S' || p.duration === 'PT40S', p.id);
  });

  it('uses twice the longest timing-reference segment as the default minimumUpdatePeriod', () => {
    // demo 2 s and bbb 4 s segments: 8 s
    assert.equal(model('live', `start=${AST}`, at(100)).model.minimumUpdatePeriod, 'PT8S');
  });

  it('ignores automatic Periods, events and snr, and forces $Time$ addressing', () => {
    const { model: m } = model('live', `start=${AST}&periods=4&snr=5&timeline=0&stoprel=30`, at(100));
    assert.ok(m.periods.every((p) => /^p[12]_\d+$/.test(p.id)));
    const st = m.periods[0]!.adaptationSets[0]!.segmentTemplate!;
    assert.equal(st.startNumber, undefined);
    assert.ok(st.timeline);
  });
});

describe('multi-period events', () => {
  it('writes MPD events per Period, timed from the Period start', () => {
    const { model: m } = model('vod', 'events=ping&ping__inband=0', at(0));
    const [p1, p2] = m.periods;
    const times = (p: typeof p1) => p!.eventStreams![0]!.events.map((e) => [e.id, e.presentationTime]);
    // ping every 10 s of the presentation (timescale 100): p2 starts at 32 s, so id 4 (40 s) is at 8 s
    assert.deepEqual(times(p1).slice(0, 4), [
      [0, '0'],
      [1, '1000'],
      [2, '2000'],
      [3, '3000'],
    ]);
    assert.deepEqual(times(p2)[0], [4, '800']);
  });

  it('signals in-band events on the video set of every Period', () => {
    const { model: m } = model('vod', 'events=ping', at(0));
    for (const p of m.periods) {
      assert.equal(p.eventStreams, undefined);
      assert.equal(p.adaptationSets[0]!.inbandEventStreams?.[0]?.schemeIdUri, 'urn:dash-live:pingpong:2022');
    }
  });
});

describe('multi-period manifests and the MPD schema', () => {
  it('every variant validates against DASH-MPD.xsd', (t) => {
    const why = validatorUnavailable();
    if (why) return t.skip(why);
    const docs = new Map<string, string>();
    docs.set('vod', model('vod', '', at(0)).xml);
    docs.set('vod drm', model('vod', 'drm=clearkey', at(0)).xml);
    for (const s of [5, 72, 72.5, 100, 200, 3600])
      docs.set(`live ${s}`, model('live', `start=${AST}`, at(s)).xml);
    docs.set('live periodDur', model('live', `start=${AST}&periodDur=1&depth=120`, at(300)).xml);
    docs.set('live drm', model('live', `start=${AST}&drm=clearkey&utc=direct`, at(300)).xml);
    docs.set('vod in-band events', model('vod', 'events=ping,scte35', at(0)).xml);
    docs.set('vod events', model('vod', 'events=ping,scte35&ping__inband=0&scte35__inband=0', at(0)).xml);
    docs.set(
      'live events',
      model('live', `start=${AST}&depth=60&events=ping,scte35&ping__inband=0&scte35__inband=0`, at(300)).xml,
    );
    const failures = validateMpds(docs);
    assert.deepEqual([...failures], []);
  });
});

describe('a validated body is what the manifest plays', () => {
  it('a null duration from a snapped start ends exactly at the end of the source', () => {
    const r = validateMps(
      {
        name: 'tail',
        title: 'Tail of bbb',
        periods: [
          { pid: 'x', stream: 'bbb', start: 30, duration: null, tracks: [{ trackId: 1, role: 'main' }] },
        ],
      },
      (d) => (d === 'bbb' ? twoPeriods().periods[1]!.stream : null),
    );
    assert.ok(r.kind === 'valid');
    if (r.kind !== 'valid') return;
    assert.deepEqual([r.definition.periods[0]!.startMs, r.definition.periods[0]!.durationMs], [28000, 12000]);
  });
});
