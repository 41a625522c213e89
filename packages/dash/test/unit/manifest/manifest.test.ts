/** Manifest contents from dash.md §6 and §12 (hand_made unless stated). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../../src/manifest/manifest.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { TEMPLATES, type TemplateName } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';

const NOW = 1740831002500;

function mpd(
  query: string,
  opts: {
    template?: TemplateName;
    mode?: 'live' | 'vod' | 'odvod';
    stream?: 'bbb' | 'demo';
    nowMs?: number;
  } = {},
) {
  const template = TEMPLATES[opts.template ?? 'hand_made'];
  const mode = opts.mode ?? 'live';
  const stream = fixtureStream(opts.stream ?? 'bbb');
  const resolved = resolveOptions({
    query: new URLSearchParams(query),
    mode,
    kind: 'manifest',
    stream,
    template,
  });
  assert.deepEqual(resolved.issues, []);
  const r = buildManifest({
    stream,
    template,
    mode,
    resolved,
    nowMs: opts.nowMs ?? NOW,
    origin: 'http://localhost:5000',
  });
  if (r.kind !== 'manifest') throw new Error(JSON.stringify(r));
  return r;
}

describe('hand_made live (§12.3)', () => {
  const r = mpd('start=2025-03-01T12:00:00Z&now=1740831002500');
  it('MPD attributes', () => {
    assert.match(r.xml, / type="dynamic"/);
    assert.match(r.xml, / availabilityStartTime="2025-03-01T12:00:00Z"/);
    assert.match(r.xml, / publishTime="2025-03-01T12:10:00Z"/);
    assert.match(r.xml, / minimumUpdatePeriod="PT8S"/);
    assert.match(r.xml, / timeShiftBufferDepth="PT10M0S"/);
    assert.match(r.xml, / suggestedPresentationDelay="PT30S"/);
    assert.equal(r.cacheControl, 'public, max-age=6');
  });
  it('child URLs, Location and UTCTiming', () => {
    assert.ok(
      r.xml.includes(
        'media="$RepresentationID$/$Number$.m4v?now=1740831002500&amp;start=2025-03-01T12:00:00Z"',
      ),
    );
    assert.ok(
      r.xml.includes(
        '<Location>http://localhost:5000/dash/live/bbb/hand_made.mpd?now=1740831002500&amp;start=2025-03-01T12:00:00Z</Location>',
      ),
    );
    assert.ok(
      r.xml.includes(
        '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://localhost:5000/time/xsd?now=1740831002500"/>',
      ),
    );
    assert.ok(r.xml.indexOf('<UTCTiming') > r.xml.indexOf('</Period>'));
  });
  it('roles and sets', () => {
    assert.ok(
      r.xml.includes(
        '<AdaptationSet id="4" contentType="text" mimeType="application/mp4" segmentAlignment="true" startWithSAP="1" lang="eng">',
      ),
    );
    assert.equal(r.model.periods[0]!.adaptationSets.map((s) => s.role ?? '-').join(','), '-,main,main');
  });
});

describe('options in manifests', () => {
  it('§12.13 spd', () => {
    assert.match(mpd('start=2025-03-01T12:00:00Z&spd=12').xml, / suggestedPresentationDelay="PT12S"/);
    assert.match(mpd('spd=1.5').xml, / suggestedPresentationDelay="PT1.5S"/);
    assert.doesNotMatch(mpd('spd=-1').xml, /suggestedPresentationDelay/);
    assert.doesNotMatch(mpd('spd=12', { template: 'manifest_a' }).xml, /suggestedPresentationDelay/);
    assert.match(mpd('spd=12', { template: 'manifest_e' }).xml, / suggestedPresentationDelay="PT12S"/);
  });
  it('§12.14 snr', () => {
    assert.match(mpd('start=2025-03-01T12:00:00Z&snr=0').xml, /startNumber="0"/);
    assert.match(
      mpd('start=2025-03-01T12:00:00Z&snr=1000&depth=30&timeline=number').xml,
      /startNumber="1142"/,
    );
    assert.doesNotMatch(mpd('start=2025-03-01T12:00:00Z&snr=-1').xml, /startNumber/);
    assert.doesNotMatch(mpd('start=2025-03-01T12:00:00Z&timeline=1').xml, /startNumber/);
  });
  it('§12.16 several UTCTiming elements', () => {
    const d = mpd('start=2025-03-01T12:00:00Z&time=direct,xsd&now=1740831002500');
    assert.ok(
      d.xml.includes(
        '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="2025-03-01T12:10:02.500Z"/>\n  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="http://localhost:5000/time/xsd?now=1740831002500"/>',
      ),
    );
    assert.equal(d.cacheControl, 'no-cache');
    const x = mpd('time=xsd,head&time_value=http://192.0.2.1/time&now=1740831002500');
    assert.ok(x.xml.includes('value="http://192.0.2.1/time"'));
    assert.ok(
      x.xml.includes(
        '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-head:2014" value="http://localhost:5000/time/head?now=1740831002500"/>',
      ),
    );
    const i = mpd('time=direct,xsd', { template: 'manifest_i' });
    assert.equal(i.model.utcTimings.length, 1);
    assert.equal(mpd('time=none').model.utcTimings.length, 0);
    assert.equal(
      mpd('time=ntp&ntp_servers=europe-ntp').model.utcTimings[0]!.value,
      '0.europe.pool.ntp.org 1.europe.pool.ntp.org 2.europe.pool.ntp.org 3.europe.pool.ntp.org',
    );
    assert.equal(
      mpd('', { template: 'manifest_i', mode: 'vod' }).model.utcTimings[0]!.schemeIdUri,
      'urn:mpeg:dash:utc:direct:2014',
    );
  });
  it('base=0 writes absolute paths', () => {
    const r = mpd('base=0');
    assert.doesNotMatch(r.xml, /<BaseURL>/);
    assert.ok(
      r.xml.includes(
        'initialization="/dash/live/bbb/$RepresentationID$/init.m4v?start=2025-01-01T00:00:00Z"',
      ),
    );
  });
  it('abr=0 keeps the lowest-bitrate video; acodec picks audio', () => {
    const r = mpd('abr=0&acodec=ec-3');
    const sets = r.model.periods[0]!.adaptationSets;
    assert.deepEqual(
      sets[0]!.representations.map((x) => x.id),
      ['bbb_v7'],
    );
    assert.deepEqual(
      sets[1]!.representations.map((x) => x.id),
      ['bbb_a2'],
    );
    assert.equal(sets[1]!.channels, 6);
    const any = mpd('acodec=any&main_audio=bbb_a2&ad_audio=bbb_a1').model.periods[0]!.adaptationSets;
    assert.deepEqual(
      any.filter((s) => s.contentType === 'audio').map((s) => [s.id, s.role, s.accessibility]),
      [
        [2, 'alternate', '1'],
        [3, 'main', undefined],
      ],
    );
  });
  it('drm selects encrypted files', () => {
    const ids = mpd('drm=all').model.periods[0]!.adaptationSets.flatMap((s) =>
      s.representations.map((r) => r.id),
    );
    assert.deepEqual(ids, ['bbb_v7_enc', 'bbb_v6_enc', 'bbb_a1_enc', 'bbb_t1']);
  });
  it('text sets follow tcodec and tlang; demo programme language gets accessibility 2', () => {
    assert.equal(mpd('tlang=fr').model.periods[0]!.adaptationSets.length, 2);
    const demo = mpd('tcodec=im1t', { stream: 'demo' }).model.periods[0]!.adaptationSets;
    assert.deepEqual(
      demo.map((s) => s.contentType),
      ['video', 'audio', 'text'],
    );
    assert.equal(demo[2]!.accessibility, '2');
    assert.equal(mpd('tcodec=wvtt', { stream: 'demo' }).model.periods[0]!.adaptationSets.length, 2);
  });
  it('demo: $Number$ 30 segments per loop, MUP 4 s, video ladder codecs on each Representation in manifest_ef', () => {
    const r = mpd('start=2025-03-01T12:00:00Z', { stream: 'demo' });
    assert.match(r.xml, /minimumUpdatePeriod="PT4S"/);
    assert.match(r.xml, /timescale="12800" duration="25600"/);
    const ef = mpd('', { stream: 'demo', template: 'manifest_ef' }).xml;
    assert.doesNotMatch(ef, /minimumUpdatePeriod/);
    assert.match(ef, /codecs="avc1.64000d"/);
  });
  it('demo audio: the addressing duration is the loop length over N, not the nominal one', () => {
    const r = mpd('', { stream: 'demo', mode: 'vod' });
    const audio = r.model.periods[0]!.adaptationSets[1]!.segmentTemplate!;
    assert.deepEqual([audio.timescale, audio.duration], ['48000', '96000']);
  });
});

describe('static manifests', () => {
  it('vod hand_made', () => {
    const r = mpd('', { mode: 'vod' });
    assert.match(r.xml, / type="static"/);
    assert.match(r.xml, / mediaPresentationDuration="PT40S"/);
    assert.match(r.xml, / publishTime="2025-03-01T12:10:02Z"/);
    assert.doesNotMatch(r.xml, /UTCTiming|Location|availabilityStartTime/);
    assert.equal(r.cacheControl, 'public, max-age=60');
  });
  it('§12.10 odvod byte ranges', () => {
    const r = mpd('', { mode: 'odvod' });
    assert.ok(r.xml.includes('<BaseURL>bbb_v6.m4v</BaseURL>'));
    assert.ok(
      r.xml.includes(
        '<Initialization range="0-785"/>\n          <SegmentURL mediaRange="786-183610"/>\n          <SegmentURL mediaRange="183611-397040"/>',
      ),
    );
    assert.match(r.xml, /<SegmentList timescale="240" duration="960">/);
    assert.match(
      mpd('timeline=1', { mode: 'odvod' }).xml,
      /<SegmentList timescale="240">\n\s*<Initialization/,
    );
  });
  it('refuses modes a template does not allow and starts in the future', () => {
    const stream = fixtureStream('bbb');
    const resolved = resolveOptions({
      query: {},
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.manifest_b,
    });
    assert.equal(
      buildManifest({
        stream,
        template: TEMPLATES.manifest_b,
        mode: 'live',
        resolved,
        nowMs: NOW,
        origin: '',
      }).kind,
      'NotFound',
    );
    const early = resolveOptions({
      query: { start: '2025-03-01T12:10:05Z' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.deepEqual(
      buildManifest({
        stream,
        template: TEMPLATES.hand_made,
        mode: 'live',
        resolved: early,
        nowMs: NOW,
        origin: '',
      }),
      { kind: 'TooEarly', retryAfterSeconds: 3 },
    );
    const noRef = { ...stream, timingReference: null };
    assert.equal(
      buildManifest({
        stream: noRef,
        template: TEMPLATES.hand_made,
        mode: 'vod',
        resolved,
        nowMs: NOW,
        origin: '',
      }).kind,
      'NoTimingReference',
    );
  });
  it('escapes text and attribute values', () => {
    const stream = { ...fixtureStream('bbb'), title: 'A & B <"quoted">' };
    const resolved = resolveOptions({
      query: {},
      mode: 'vod',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    const r = buildManifest({
      stream,
      template: TEMPLATES.hand_made,
      mode: 'vod',
      resolved,
      nowMs: NOW,
      origin: 'http://h',
    });
    assert.ok(r.kind === 'manifest' && r.xml.includes('<Title>A &amp; B &lt;&quot;quoted&quot;&gt;</Title>'));
  });
});

describe('limits and low latency', () => {
  it('§7.16 a listed number of 2^32 or more is refused naming snr', () => {
    const stream = fixtureStream('bbb');
    const resolved = resolveOptions({
      query: { snr: '2147483647', start: 'epoch' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    const r = buildManifest({
      stream,
      template: TEMPLATES.hand_made,
      mode: 'live',
      resolved,
      // 2.58e9 numbers at the pinned clock would fit; in 2600 an epoch stream has passed 2^32 segments
      nowMs: Date.UTC(2600, 0, 1),
      origin: '',
    });
    assert.equal(r.kind, 'InvalidOptions');
    assert.deepEqual(r.kind === 'InvalidOptions' ? r.issues.map((i) => i.param) : [], ['snr']);
  });
  it('§12.17 chunked delivery signalling', () => {
    const r = mpd('start=2025-03-01T12:00:00Z&chunkdur=0.5');
    assert.match(r.xml, /availabilityTimeOffset="3.5" availabilityTimeComplete="false"/);
    assert.match(
      r.xml,
      /<ServiceDescription id="0"><Latency referenceId="0" target="3500" min="2625" max="7000"\/><PlaybackRate min="0.96" max="1.04"\/><\/ServiceDescription>/,
    );
    assert.deepEqual(
      r.model.periods[0]!.adaptationSets.map((s) => s.resyncDT),
      ['120', '22528', '2000'],
    );
    assert.match(
      r.xml,
      /<ProducerReferenceTime id="0" type="encoder" inband="true" wallClockTime="2025-03-01T12:00:00Z" presentationTime="0">/,
    );
    const r3 = mpd('start=2025-03-01T12:00:00Z&chunkdur=0.3');
    assert.deepEqual(
      r3.model.periods[0]!.adaptationSets.map((s) => s.resyncDT),
      ['80', '13312', '2000'],
    );
    assert.doesNotMatch(
      mpd('start=2025-03-01T12:00:00Z&ato=2').xml,
      /availabilityTimeComplete|ProducerReferenceTime/,
    );
  });
});

describe('§11.2 thumbnails', () => {
  it('adds the image set after every other set', () => {
    const r = mpd('start=2025-03-01T12:00:00Z&thumbnails=1');
    const sets = r.model.periods[0]!.adaptationSets;
    assert.deepEqual(
      sets.map((s) => s.id),
      [1, 2, 4, 999],
    );
    assert.deepEqual(
      [
        sets[3]!.segmentTemplate!.timescale,
        sets[3]!.segmentTemplate!.duration,
        sets[3]!.segmentTemplate!.startNumber,
      ],
      ['240', '3840', '1'],
    );
    assert.match(
      r.xml,
      /<EssentialProperty schemeIdUri="http:\/\/dashif.org\/thumbnail_tile" value="1x1"\/>/,
    );
    assert.ok(r.xml.includes('media="$RepresentationID$/$Number$.jpg?start=2025-03-01T12:00:00Z"'));
    assert.doesNotMatch(mpd('thumbnails=1', { template: 'manifest_e' }).xml, /image\/jpeg/);
  });
  it('plans thumbnails with the availability of a segment four times as long', async () => {
    const { planSegment } = await import('../../../src/segments/plan.js');
    const stream = fixtureStream('bbb');
    const o = resolveOptions({
      query: { start: '2025-03-01T12:00:00Z' },
      mode: 'live',
      kind: 'segment',
      stream,
    }).options;
    const ok = planSegment(stream, 'live', 't999', { kind: 'number', number: 37 }, o, NOW);
    assert.equal(ok.kind, 'thumbnail');
    assert.deepEqual(planSegment(stream, 'live', 't999', { kind: 'number', number: 38 }, o, NOW), {
      kind: 'TooEarly',
      retryAfterSeconds: 6,
      availableInMs: 5500,
    });
    assert.equal(planSegment(stream, 'live', 't999', { kind: 'time', time: 0n }, o, NOW).kind, 'NotFound');
    const v = resolveOptions({ query: {}, mode: 'vod', kind: 'segment', stream }).options;
    assert.equal(planSegment(stream, 'vod', 'T999', { kind: 'number', number: 3 }, v, NOW).kind, 'thumbnail');
    assert.equal(planSegment(stream, 'vod', 't999', { kind: 'number', number: 4 }, v, NOW).kind, 'NotFound');
  });
});

describe('Location', () => {
  it('carries update=N+1 and manifest_e adds the request URL', () => {
    const h = mpd('update=3&now=1740831002500');
    assert.ok(
      h.xml.includes(
        'hand_made.mpd?now=1740831002500&amp;start=2025-01-01T00:00:00Z&amp;update=4</Location>',
      ),
    );
    const stream = fixtureStream('bbb');
    const resolved = resolveOptions({
      query: { update: '1' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.manifest_e,
    });
    const e = buildManifest({
      stream,
      template: TEMPLATES.manifest_e,
      mode: 'live',
      resolved,
      nowMs: NOW,
      origin: 'http://localhost:5000',
      requestUrl: 'http://localhost:5000/dash/live/bbb/manifest_e.mpd?update=1&x=y',
    });
    assert.ok(e.kind === 'manifest');
    const locations = [...e.xml.matchAll(/<Location>([^<]*)<\/Location>/g)].map((m) => m[1]);
    assert.deepEqual(locations, [
      'http://localhost:5000/dash/live/bbb/manifest_e.mpd?start=2025-01-01T00:00:00Z&amp;update=2',
      'http://localhost:5000/dash/live/bbb/manifest_e.mpd?update=1&amp;x=y',
    ]);
  });
});
