/**
 * The validator's parts on their own (validator.md §3–§4.13): XML line ranges, xs:duration and
 * date-times (week dates included), SCTE-35, Widevine and PlayReady decoders against the worked
 * examples of drm-events.md, codec descriptions, the text form, and clock synchronisation over
 * each UTCTiming method with recorded responses.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { playReadyObject, wrmHeader } from '../../../src/drm/playready.js';
import { synchroniseClock } from '../../../src/validator/clock.js';
import { describeCodecs } from '../../../src/validator/codecs.js';
import { kidFromLeGuid, parsePlayReadyObject } from '../../../src/validator/decode/playready.js';
import { parseSpliceInfo } from '../../../src/validator/decode/scte35.js';
import { parseWidevineData } from '../../../src/validator/decode/widevine.js';
import { IssueCollector } from '../../../src/validator/issues.js';
import { buildMpdModel } from '../../../src/validator/mpd.js';
import { expandTemplate, expandTimeline } from '../../../src/validator/plan.js';
import { CHECKS, checksMarkdown } from '../../../src/validator/registry.js';
import { reportText } from '../../../src/validator/report.js';
import type { ValidationReport } from '../../../src/validator/types.js';
import { children, parseXml } from '../../../src/validator/xml.js';
import { parseIsoDateTime, parseXsDateTime, parseXsDuration, ticks } from '../../../src/validator/xs-time.js';
import { SHARED_MEDIA } from './support/bbb.js';
import { RecordedFetcher } from './support/recorded.js';

describe('XML with line ranges', () => {
  it('gives each element its start-tag line through its end-tag line', () => {
    const text =
      '<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">\n  <Period id="a">\n    <X v=">"/>\n  </Period>\n  <Y\n   a="1"/>\n</MPD>\n';
    const r = parseXml(text);
    assert.ok(r.ok);
    const root = r.xml.root;
    const [period, y] = children(root);
    assert.deepEqual(r.xml.span(root), { line: 2, column: 1, endLine: 8 });
    assert.deepEqual(r.xml.span(period!), { line: 3, column: 3, endLine: 5 });
    assert.deepEqual(r.xml.span(children(period!)[0]!), { line: 4, column: 5, endLine: 4 });
    assert.equal(r.xml.span(y!).endLine, 7);
  });

  it('refuses a DOCTYPE and reports malformed XML with its line', () => {
    const dt = parseXml('<!DOCTYPE MPD [<!ENTITY a "b">]>\n<MPD/>');
    assert.ok(!dt.ok && /DOCTYPE/.test(dt.message));
    const bad = parseXml('<MPD>\n<Period>\n</MPD>');
    assert.ok(!bad.ok);
  });
});

describe('times', () => {
  it('parses xs:duration and xs:dateTime, rejects what is not', () => {
    assert.equal(parseXsDuration('PT4M56S'), 296);
    assert.equal(parseXsDuration('P1DT0.5S'), 86400.5);
    assert.equal(parseXsDuration('PT'), undefined);
    assert.equal(parseXsDuration('4s'), undefined);
    assert.equal(parseXsDateTime('2026-01-01T00:00:00Z'), Date.UTC(2026, 0, 1));
    assert.equal(parseXsDateTime('2026-01-01T01:00:00+01:00'), Date.UTC(2026, 0, 1));
    assert.equal(parseXsDateTime('yesterday'), undefined);
  });

  it('reads ISO 8601 week dates as loopcast’s /time/iso serves them', () => {
    assert.equal(parseIsoDateTime('2025-W09-6T12:10:02Z'), Date.UTC(2025, 2, 1, 12, 10, 2));
    assert.equal(parseIsoDateTime('2026-W01-4T00:00:00Z'), Date.UTC(2026, 0, 1));
    assert.equal(ticks(960, 240), '960 ticks (4 s)');
  });
});

describe('decoders', () => {
  it('SCTE-35: the spec examples parse with their CRC; a changed byte is caught', () => {
    const start = parseSpliceInfo(
      Buffer.from(
        '/DA9AAAAAAAA///wFAUAAAAAf+/+AAAAAP4AAr8gBlQAAAAYAhZDVUVJAAAAAX//AAACvyAAADQAAAAAtI6uVw==',
        'base64',
      ),
    );
    assert.ok(start.ok);
    assert.deepEqual(start.info, {
      commandType: 5,
      ptsAdjustment: 0,
      outOfNetwork: true,
      spliceTime: 0,
      breakDuration: 180000,
    });
    const ret = parseSpliceInfo(
      Buffer.from('/DAxAAAAAAAA///wDwUAAAABf0/+AA27oAZUAAAAEQIPQ1VFSQAAAAF/vwAANQAAFQm1uw==', 'base64'),
    );
    assert.ok(ret.ok && ret.info.spliceTime === 900000 && ret.info.outOfNetwork === false);
    const signal = parseSpliceInfo(
      Buffer.from(
        'fc3027000000000000fffff00506fe000dbba00011020f43554549000000017fbf00003500002a033d1b',
        'hex',
      ),
    );
    assert.ok(signal.ok && signal.info.commandType === 6 && signal.info.spliceTime === 900000);
    const bad = Buffer.from(
      'fc3027000000000000fffff00506fe000dbba00011020f43554549000000017fbf00003500002a033d1c',
      'hex',
    );
    const r = parseSpliceInfo(bad);
    assert.ok(!r.ok && /CRC_32/.test(r.reason));
  });

  it('Widevine: the drm-events.md §4.6 message gives the KID and cenc', () => {
    const r = parseWidevineData(Buffer.from('EhAatFRAUyxDmZTcXFrZWEusSOPclZsG', 'base64'));
    assert.ok(r.ok);
    assert.deepEqual(r.data, { keyIds: ['1ab45440532c439994dc5c5ad9584bac'], protectionScheme: 'cenc' });
    assert.ok(!parseWidevineData(Buffer.from([0x12, 0x10, 1, 2])).ok);
  });

  it('PlayReady: an object from loopcast’s builder reads back with version, KIDs and LA_URL', () => {
    const kid = '1ab45440532c439994dc5c5ad9584bac';
    for (const version of ['4.0', '4.1', '4.2', '4.3'] as const) {
      const pro = playReadyObject(
        wrmHeader([{ kid, key: null, alg: 'AESCTR', computed: true }], version, 'https://pr.test/?a=1&b=2'),
      );
      const r = parsePlayReadyObject(pro);
      assert.ok(r.ok, version);
      assert.deepEqual(
        r.pro.headers.map((h) => [h.version, h.kids, h.laUrl]),
        [[`${version}.0.0`, [kid], 'https://pr.test/?a=1&b=2']],
      );
    }
    assert.equal(kidFromLeGuid(Buffer.from('4054b41a2c53994394dc5c5ad9584bac', 'hex')), kid);
    assert.ok(!parsePlayReadyObject(Buffer.from([1, 2, 3, 4, 5, 6, 7])).ok);
  });

  it('describes codec strings', () => {
    assert.equal(describeCodecs('avc3.640028'), 'H.264 High profile, level 4.0');
    assert.equal(describeCodecs('avc1.42c01e'), 'H.264 Baseline profile, level 3.0');
    assert.equal(describeCodecs('mp4a.40.5'), 'HE-AAC');
    assert.equal(describeCodecs('hvc1'), 'HEVC (no profile or level)');
    assert.equal(describeCodecs('ec-3'), 'Dolby Digital Plus (E-AC-3)');
  });
});

describe('segment addressing', () => {
  it('expands template identifiers with width', () => {
    assert.equal(
      expandTemplate('$RepresentationID$/$Number%05d$-$Bandwidth$-$$.m4s', {
        RepresentationID: 'v',
        Number: 42,
        Bandwidth: 9,
      }),
      'v/00042-9-$.m4s',
    );
    assert.equal(expandTemplate('t/$Time$.m4s', { RepresentationID: 'v', Time: 960 }), 't/960.m4s');
  });

  it('expands timelines with repeats, @n and an open @r=-1 run', () => {
    const xml = parseXml(
      '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><S t="10" d="5" r="1"/><S d="4" n="9"/><S t="30" d="2" r="-1"/></MPD>',
    );
    assert.ok(xml.ok);
    const entries = children(xml.xml.root).map((el) => ({
      el,
      t: el.hasAttribute('t') ? Number(el.getAttribute('t')) : undefined,
      d: Number(el.getAttribute('d')),
      r: Number(el.getAttribute('r') ?? 0),
      n: el.hasAttribute('n') ? Number(el.getAttribute('n')) : undefined,
    })) as Parameters<typeof expandTimeline>[0];
    assert.deepEqual(
      expandTimeline(
        entries.map(
          (e) =>
            Object.fromEntries(
              Object.entries(e).filter(([, v]) => v !== undefined),
            ) as (typeof entries)[number],
        ),
        1,
        36,
      ),
      [
        { time: 10, duration: 5, number: 1 },
        { time: 15, duration: 5, number: 2 },
        { time: 20, duration: 4, number: 9 },
        { time: 30, duration: 2, number: 10 },
        { time: 32, duration: 2, number: 11 },
        { time: 34, duration: 2, number: 12 },
      ],
    );
  });
});

describe('the text form', () => {
  it('pads severities, names locations, counts repeats and puts segment URLs on the next line', () => {
    const report: ValidationReport = {
      reportVersion: 1,
      url: 'http://x/a.mpd',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:31.400Z',
      aborted: false,
      options: { duration: 30, encrypted: false, media: true, concurrency: 4 },
      type: 'dynamic',
      clockOffsetMs: 0,
      summary: {
        errors: 2,
        warnings: 1,
        infos: 0,
        manifests: 5,
        patches: 1,
        initSegments: 5,
        mediaSegments: 60,
        bytes: 13_900_000,
      },
      codecs: [],
      issues: [
        {
          severity: 'error',
          code: 'AS_MIMETYPE',
          message: 'AdaptationSet@mimeType is missing',
          clause: 'ISO/IEC 23009-1 5.3.7.2',
          refresh: 0,
          location: { kind: 'manifest', url: 'u', line: 12, column: 5, endLine: 19 },
        },
        {
          severity: 'error',
          code: 'MEDIA_TFDT',
          message: 'tfdt wrong',
          clause: 'ISO/IEC 14496-12 8.8.12',
          refresh: 0,
          location: {
            kind: 'segment',
            url: 'http://x/v6/152.m4v',
            periodId: 'p0',
            representationId: 'bbb_v6',
            init: false,
            number: 152,
          },
        },
        {
          severity: 'warning',
          code: 'LIVE_PUBLISH_FRESH',
          message: 'publishTime old',
          refresh: 2,
          count: 2,
          location: { kind: 'manifest', url: 'u', line: 3, column: 1, endLine: 3 },
        },
      ],
    };
    assert.equal(
      reportText(report),
      [
        'loopcast validate http://x/a.mpd',
        'dynamic, 0 representations, 4 refreshes, 1 patch, 5 init and 60 media segments, 13.9 MB in 31.4 s',
        'error    MPD:12-19          AdaptationSet@mimeType is missing [AS_MIMETYPE; ISO/IEC 23009-1 5.3.7.2]',
        'error    bbb_v6 #152        tfdt wrong [MEDIA_TFDT; ISO/IEC 14496-12 8.8.12]',
        '                            http://x/v6/152.m4v',
        'warning  MPD#2:3            publishTime old [LIVE_PUBLISH_FRESH] (×2)',
        '2 errors, 1 warning',
      ].join('\n'),
    );
  });

  it('the registry gives every code a severity, and a clause where the spec names one', () => {
    for (const [code, row] of Object.entries(CHECKS)) {
      assert.match(code, /^[A-Z0-9]+(_[A-Z0-9]+)+$/);
      assert.ok(['error', 'warning', 'info'].includes(row.severity), code);
    }
    assert.equal(CHECKS.MEDIA_TFDT.clause, 'ISO/IEC 14496-12 8.8.12');
    assert.equal(CHECKS.LIVE_PUBLISH_FRESH.severity, 'warning');
  });
});

describe('clock synchronisation (§4.13)', () => {
  const T = Date.UTC(2026, 0, 1, 12, 0, 0);
  const mpdWith = (timing: string): ReturnType<typeof buildMpdModel> => {
    const r = parseXml(
      `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic">${timing}<Period id="p"/></MPD>`,
    );
    assert.ok(r.ok);
    return buildMpdModel(r.xml, 'https://t.test/a.mpd');
  };
  const sync = async (
    timing: string,
    routes: [string, { body: Uint8Array | string; headers?: Record<string, string> }][],
  ) => {
    const sink = new IssueCollector();
    const offset = await synchroniseClock(
      mpdWith(timing),
      new RecordedFetcher(new Map(routes)),
      () => T,
      sink,
      new AbortController().signal,
      T,
    );
    return { offset, codes: sink.issues.map((i) => i.code) };
  };

  it('uses each HTTP method and direct values; the first working source wins', async () => {
    const xs = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="https://t.test/xs"/>',
      [['https://t.test/xs', { body: '2026-01-01T12:00:05Z' }]],
    );
    assert.deepEqual(xs, { offset: 5000, codes: [] });
    const iso = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="https://t.test/iso"/>',
      [['https://t.test/iso', { body: '2026-W01-4T12:00:02Z' }]],
    );
    assert.equal(iso.offset, 2000);
    const head = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-head:2014" value="https://t.test/h"/>',
      [['https://t.test/h', { body: '', headers: { date: 'Thu, 01 Jan 2026 11:59:59 GMT' } }]],
    );
    assert.equal(head.offset, -1000);
    const ntp = Buffer.alloc(8);
    ntp.writeUInt32BE((T + 3000) / 1000 + 2208988800, 0);
    const n = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-ntp:2014" value="https://t.test/n"/>',
      [['https://t.test/n', { body: ntp }]],
    );
    assert.equal(n.offset, 3000);
    const direct = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:ntp:2014" value="pool.ntp.org"/><UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="2026-01-01T12:00:01Z"/>',
      [],
    );
    assert.deepEqual(direct, { offset: 1000, codes: ['UTC_SCHEME'] });
  });

  it('a failing source is UTC_FETCH, none usable is UTC_NONE', async () => {
    const r = await sync(
      '<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="https://t.test/missing"/><UTCTiming schemeIdUri="urn:example:clock" value="x"/>',
      [],
    );
    assert.deepEqual(r, { offset: null, codes: ['UTC_FETCH', 'UTC_SCHEME', 'UTC_NONE'] });
  });
});

describe('the registry follows validator.md §4', () => {
  const spec = join(SHARED_MEDIA, '..', 'spec', 'validator.md');
  it(
    'has every code of the spec tables with its severity, and no other (but RUN_LIMIT)',
    { skip: existsSync(spec) ? false : `${spec} absent` },
    () => {
      const want = new Map<string, string>();
      for (const m of readFileSync(spec, 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \| ([EWI]) \|/gm))
        want.set(m[1]!, { E: 'error', W: 'warning', I: 'info' }[m[2] as 'E' | 'W' | 'I']);
      assert.ok(want.size > 150, `${want.size} codes read from the spec`);
      const have = new Map(Object.entries(CHECKS).map(([code, r]) => [code, r.severity as string]));
      have.delete('RUN_LIMIT');
      assert.deepEqual([...have].sort(), [...want].sort());
      assert.match(
        checksMarkdown(),
        /^\| `MEDIA_TFDT` \| error \| tfdt equals the expected decode time \| ISO\/IEC 14496-12 8\.8\.12 \|$/m,
      );
    },
  );
});
