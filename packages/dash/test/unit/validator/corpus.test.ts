/**
 * The broken corpus (validator.md §9): one defect per case, made by editing the MPD text of the
 * in-memory bbb stream or its segment bytes with @loopcast/bmff; each case reports exactly its
 * expected code and no other error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mfhd, saio, senc, sidx, tfdt, trun, type SencFields } from '@loopcast/bmff';
import { playReadyObject, wrmHeader } from '../../../src/drm/playready.js';
import { validate, validateWith } from '../../../src/validator/run.js';
import { reportText } from '../../../src/validator/report.js';
import type { ValidateOptions, ValidationReport } from '../../../src/validator/types.js';
import {
  contentProtection,
  KID,
  mediaMissing,
  mpdText,
  MPD_URL,
  ORIGIN,
  streamRoutes,
  track,
  type StreamOptions,
} from './support/bbb.js';
import { editBoxes, emsgBox, fixMoofOffsets, moofOf } from './support/mutate.js';
import { MPD_HEADERS, RecordedFetcher, VirtualClock, type Route } from './support/recorded.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const OPTS: ValidateOptions = { url: MPD_URL, duration: 0, encrypted: false, media: true, concurrency: 4 };
const LIVE = { ast: T0 - 42_000, publishTime: T0 };

interface Case {
  code: string;
  what: string;
  stream?: StreamOptions;
  /** Changes the MPD text (static unless the stream says otherwise). */
  mpd?: (text: string) => string;
  /** A second MPD served on refresh (dynamic cases), built from the first. */
  refresh?: (text: string) => string;
  routes?: (r: Map<string, Route>) => void;
  media?: boolean;
}

const seg = (r: Map<string, Route>, url: string, edit: (b: Uint8Array) => Uint8Array): void => {
  const route = r.get(url);
  assert.ok(route && typeof route !== 'function', url);
  r.set(url, { ...route, body: edit(route.body as Uint8Array) });
};
const V3 = `${ORIGIN}bbb_v6/3.m4s`;
const E3 = `${ORIGIN}bbb_v6_enc/3.m4s`;
const ENC: StreamOptions = { encrypted: true, videoExtra: contentProtection() };
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const prPssh = (kid: string): string => {
  const pro = playReadyObject(
    wrmHeader([{ kid, key: null, alg: 'AESCTR', computed: false }], '4.0', 'https://pr.test/'),
  );
  return pro.toString('base64');
};
// the spec's splice_insert example (drm-events.md §9.6) with its last CRC byte changed
const BAD_SCTE35 = '/DA9AAAAAAAA///wFAUAAAAAf+/+AAAAAP4AAr8gBlQAAAAYAhZDVUVJAAAAAX//AAACvyAAADQAAAAAtI6uVg==';

const PATCH_URL = `${ORIGIN}patch`;
const withPatchLocation = (t: string): string =>
  t.replace('  <Period', `  <PatchLocation ttl="60">${PATCH_URL}</PatchLocation>\n  <Period`);
const patchDoc = (o: { original?: number; ops?: string } = {}): string =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Patch xmlns="urn:mpeg:dash:schema:mpd-patch:2020" mpdId="bbb" originalPublishTime="${iso(o.original ?? T0)}" publishTime="${iso(T0 + 2000)}">
  <replace sel="/MPD/@publishTime">${iso(T0 + 2000)}</replace>${o.ops ?? ''}
</Patch>
`;
const patchRoute = (body: string): Route => ({
  headers: { 'content-type': 'application/dash-patch+xml' },
  body,
});
const PATCHED: Partial<Case> = {
  stream: { dynamic: { ...LIVE, mup: 2 } },
  mpd: withPatchLocation,
  refresh: (t) => t.replace(`publishTime="${iso(T0)}"`, `publishTime="${iso(T0 + 2000)}"`),
};

const CASES: Case[] = [
  { code: 'DOC_XML', what: 'malformed XML', mpd: (t) => t.slice(0, t.indexOf('</Period>')) },
  {
    code: 'MPD_STATIC_NO_MUP',
    what: 'static MPD with minimumUpdatePeriod',
    media: false,
    mpd: (t) => t.replace('type="static"', 'type="static" minimumUpdatePeriod="PT2S"'),
  },
  {
    code: 'PER_ID_LIVE',
    what: 'Period without id in a dynamic MPD',
    media: false,
    stream: { dynamic: LIVE },
    mpd: (t) => t.replace('<Period id="p0"', '<Period'),
  },
  {
    code: 'SEG_TIMELINE_ORDER',
    what: 'timeline overlap',
    media: false,
    mpd: (t) =>
      t.replace(
        /(<S t="0" d="\d+") r="(\d+)"/,
        (_m, s: string, r: string) => `${s} r="${Number(r) - 1}"/><S t="1000" d="176128"`,
      ),
  },
  {
    code: 'SEG_DURATION_AND_TIMELINE',
    what: '@duration with a SegmentTimeline',
    media: false,
    mpd: (t) =>
      t.replace('<SegmentTemplate timescale="44100"', '<SegmentTemplate timescale="44100" duration="176128"'),
  },
  {
    code: 'SEG_TEMPLATE_IDS',
    what: '$Number$ in @initialization',
    media: false,
    mpd: (t) =>
      t.replace(
        'initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/$Number$.m4s"',
        'initialization="$RepresentationID$/init-$Number$.mp4" media="$RepresentationID$/$Number$.m4s"',
      ),
    routes: (r) =>
      r.set(`${ORIGIN}bbb_v6/init-$Number$.mp4`, {
        headers: { 'content-type': 'video/mp4' },
        body: track('bbb_v6').init,
      }),
  },
  {
    code: 'DOC_UNKNOWN',
    what: 'an element and an attribute the 5th edition does not define',
    media: false,
    mpd: (t) =>
      t.replace(
        '<Period id="p0" start="PT0S">',
        '<Period id="p0" start="PT0S" futureAttribute="1"><FutureElement/>',
      ),
  },
  {
    code: 'INIT_CODECS',
    what: 'wrong @codecs',
    media: false,
    mpd: (t) => t.replace('codecs="avc3.640028"', 'codecs="avc1.64001f"'),
  },
  {
    code: 'INIT_SIZE',
    what: 'wrong width',
    media: false,
    mpd: (t) => t.replace('width="1920"', 'width="1280"'),
  },
  {
    code: 'INIT_SAMPLE_RATE',
    what: 'wrong audioSamplingRate',
    media: false,
    mpd: (t) => t.replace('audioSamplingRate="44100"', 'audioSamplingRate="48000"'),
  },
  {
    code: 'CP_PSSH',
    what: 'undecodable cenc:pssh',
    media: false,
    stream: {
      ...ENC,
      videoExtra: contentProtection(
        '\n      <ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cenc:pssh>AAAAAAAA</cenc:pssh></ContentProtection>',
      ),
    },
  },
  {
    code: 'CP_PLAYREADY',
    what: 'PlayReady KID not the default KID',
    media: false,
    stream: {
      ...ENC,
      videoExtra: contentProtection(
        `\n      <ContentProtection xmlns:mspr="urn:microsoft:playready" schemeIdUri="urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95"><mspr:pro>${prPssh('00112233445566778899aabbccddeeff')}</mspr:pro></ContentProtection>`,
      ),
    },
  },
  {
    code: 'CP_STATE',
    what: 'clear init under ContentProtection',
    media: false,
    stream: { videoExtra: contentProtection() },
  },
  {
    code: 'CP_DEFAULT_KID',
    what: 'default_KID differs from tenc',
    media: false,
    stream: ENC,
    mpd: (t) => t.replace('1ab45440-532c', '2ab45440-532c'),
  },
  {
    code: 'MEDIA_TFDT',
    what: 'wrong tfdt',
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(
          b,
          (x) =>
            void moofOf(x)
              .find('traf/tfdt')!
              .update(tfdt, (f) => void (f.baseMediaDecodeTime += 480n)),
        ),
      ),
  },
  {
    code: 'MEDIA_MFHD',
    what: 'wrong mfhd',
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(
          b,
          (x) =>
            void moofOf(x)
              .child('mfhd')!
              .update(mfhd, (f) => void (f.sequenceNumber = 99)),
        ),
      ),
  },
  {
    code: 'MEDIA_BOXES',
    what: 'missing moof',
    routes: (r) => seg(r, V3, (b) => editBoxes(b, (x) => x.filter((y) => y.type !== 'moof'))),
  },
  {
    code: 'MEDIA_TRUN',
    what: 'trun offset outside the mdat',
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(
          b,
          (x) =>
            void moofOf(x)
              .find('traf/trun')!
              .update(trun, (f) => void (f.dataOffset = (f.dataOffset ?? 0) + 10_000_000)),
        ),
      ),
  },
  {
    code: 'EV_EMSG_DECLARED',
    what: 'emsg without InbandEventStream',
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(b, (x) => {
          x.splice(x.indexOf(moofOf(x)), 0, emsgBox('urn:test:ping'));
        }),
      ),
  },
  {
    code: 'EV_EMSG_POSITION',
    what: 'emsg after the moof',
    stream: { videoExtra: '\n      <InbandEventStream schemeIdUri="urn:test:ping"/>' },
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(b, (x) => {
          x.splice(x.indexOf(moofOf(x)) + 2, 0, emsgBox('urn:test:ping'));
        }),
      ),
  },
  {
    code: 'EV_SCTE35_XML',
    what: 'SCTE-35 event with a bad CRC',
    media: false,
    stream: {
      periodExtra: `\n    <EventStream schemeIdUri="urn:scte:scte35:2014:xml+bin" timescale="1000" xmlns:scte35="http://www.scte.org/schemas/35/2016"><Event presentationTime="0" duration="2000" id="0"><scte35:Signal><scte35:Binary>${BAD_SCTE35}</scte35:Binary></scte35:Signal></Event></EventStream>`,
    },
  },
  {
    code: 'MEDIA_SAIZ_SAIO',
    what: 'saio pointing 4 bytes off (bugs=saio)',
    stream: ENC,
    routes: (r) =>
      seg(r, E3, (b) =>
        editBoxes(
          b,
          (x) =>
            void moofOf(x)
              .find('traf/saio')!
              .update(saio, (f) => void (f.offsets = f.offsets.map((o) => o + 4))),
        ),
      ),
  },
  {
    code: 'MEDIA_SENC',
    what: 'senc count differs from trun count',
    stream: ENC,
    routes: (r) =>
      seg(r, E3, (b) =>
        editBoxes(b, (x) => {
          const moof = moofOf(x);
          moof.find('traf/senc')!.update(senc, (f: SencFields) => void f.samples.pop());
          fixMoofOffsets(moof);
        }),
      ),
  },
  {
    code: 'MEDIA_NAL_CLEAR',
    what: 'a NAL length field inside a protected range',
    stream: ENC,
    routes: (r) =>
      seg(r, E3, (b) =>
        editBoxes(b, (x) => {
          moofOf(x)
            .find('traf/senc')!
            .update(senc, (f: SencFields) => {
              const sub = f.samples[0]!.subsamples![0]!;
              sub.protectedBytes += sub.clearBytes - 2;
              sub.clearBytes = 2;
            });
        }),
      ),
  },
  {
    code: 'MEDIA_AVAILABLE',
    what: 'a 404 inside the window',
    stream: { dynamic: LIVE },
    routes: (r) => r.set(`${ORIGIN}bbb_v6/10.m4s`, { status: 404, body: '' }),
  },
  {
    code: 'LIVE_PUBLISH_ORDER',
    what: 'publishTime going backwards',
    stream: { dynamic: { ...LIVE, mup: 2 } },
    refresh: (t) => t.replace(`publishTime="${iso(T0)}"`, `publishTime="${iso(T0 - 1000)}"`),
  },
  {
    code: 'LIVE_ID',
    what: 'MPD@id changing',
    stream: { dynamic: { ...LIVE, mup: 2 } },
    refresh: (t) =>
      t
        .replace('id="bbb"', 'id="other"')
        .replace(`publishTime="${iso(T0)}"`, `publishTime="${iso(T0 + 2000)}"`),
  },
  {
    code: 'LIVE_TIMELINE',
    what: 'a segment vanishing inside the window',
    stream: { dynamic: { ...LIVE, mup: 2 } },
    refresh: (t) =>
      t
        .replace(`publishTime="${iso(T0)}"`, `publishTime="${iso(T0 + 2000)}"`)
        .replace(
          /<S t="0" d="(\d+)" r="(\d+)"\/>/,
          (_m, d: string, r: string) => `<S t="${Number(d) * 2}" d="${d}" r="${Number(r) - 2}"/>`,
        ),
  },
  {
    code: 'INIT_FRAMERATE',
    what: '@frameRate that the samples contradict',
    mpd: (t) => t.replace('width="1920"', 'frameRate="30" width="1920"'),
  },
  {
    code: 'MEDIA_SIDX',
    what: 'sidx referencing more bytes than the segment has',
    routes: (r) =>
      seg(r, V3, (b) =>
        editBoxes(
          b,
          (x) =>
            void x
              .find((y) => y.type === 'sidx')!
              .update(sidx, (f) => void (f.references[0]!.referencedSize += 100)),
        ),
      ),
  },
  {
    code: 'SEG_BASE',
    what: 'a sidx reference 40 bytes too long, the next 40 too short (the sum still right)',
    stream: {
      segmentBase: {
        edit: (f) => {
          f.references[3]!.referencedSize += 40;
          f.references[4]!.referencedSize -= 40;
        },
      },
    },
  },
  {
    code: 'SEG_BASE',
    what: 'sidx referenced sizes adding up past the end of the file',
    stream: { segmentBase: { edit: (f) => void (f.references.at(-1)!.referencedSize += 100) } },
  },
  {
    code: 'SEG_BASE',
    what: 'sidx first_offset pointing 8 bytes into the first subsegment',
    stream: { segmentBase: { edit: (f) => void (f.firstOffset = 8n) } },
  },
  {
    code: 'MEDIA_EARLY',
    what: 'a segment served before its availability start',
    stream: { dynamic: { ...LIVE, openEnded: true } },
    routes: (r) =>
      r.set(`${ORIGIN}bbb_v6/11.m4s`, {
        headers: { 'content-type': 'video/mp4' },
        body: track('bbb_v6').segments[9]!,
      }),
  },
  {
    ...PATCHED,
    code: 'PATCH_MATCH',
    what: 'patch with the wrong originalPublishTime',
    routes: (r) => r.set(PATCH_URL, patchRoute(patchDoc({ original: T0 - 2000 }))),
  },
  {
    ...PATCHED,
    code: 'PATCH_SEL',
    what: 'patch selecting a Period by position',
    routes: (r) =>
      r.set(
        PATCH_URL,
        patchRoute(patchDoc({ ops: '\n  <replace sel="/MPD/Period[1]/@start">PT0S</replace>' })),
      ),
  },
  {
    ...PATCHED,
    code: 'PATCH_RESULT',
    what: 'patched MPD differing from the full MPD',
    routes: (r) =>
      r.set(
        PATCH_URL,
        patchRoute(patchDoc({ ops: '\n  <replace sel="/MPD/@minBufferTime">PT3S</replace>' })),
      ),
  },
];

async function run(c: Case): Promise<ValidationReport> {
  const text = (c.mpd ?? ((t: string) => t))(mpdText(c.stream));
  const opts = { ...OPTS, media: c.media ?? true };
  if (c.refresh) {
    const second = c.refresh(text);
    const mpd: Route = (n) => ({ headers: MPD_HEADERS, body: n === 0 ? text : second });
    const clock = new VirtualClock(T0);
    const routes = streamRoutes(c.stream, mpd);
    c.routes?.(routes);
    return validateWith(
      { ...opts, duration: 3 },
      new RecordedFetcher(routes, clock),
      {},
      clock.now,
      clock.sleep,
    );
  }
  const routes = streamRoutes(c.stream, { headers: MPD_HEADERS, body: text });
  c.routes?.(routes);
  return validate(opts, new RecordedFetcher(routes), {}, () => T0);
}

describe('broken corpus: one defect, one expected code', { skip: mediaMissing() }, () => {
  for (const c of CASES) {
    it(`${c.what} → ${c.code}`, async () => {
      const r = await run(c);
      const errors = [...new Set(r.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
      const found = r.issues.filter((i) => i.code === c.code);
      assert.ok(found.length > 0, `${c.code} expected:\n${reportText(r)}`);
      assert.deepEqual(
        errors.filter((e) => e !== c.code),
        [],
        `unexpected errors:\n${reportText(r)}`,
      );
    });
  }

  it('a good patch applies, counts as a patch and matches the full MPD', async () => {
    const c: Case = {
      ...PATCHED,
      code: '',
      what: '',
      routes: (r) => r.set(PATCH_URL, patchRoute(patchDoc())),
    };
    const r = await run(c);
    assert.equal(r.summary.errors, 0, reportText(r));
    assert.equal(r.summary.patches, 1);
  });

  it('SegmentBase: sidx durations that do not add up to the Period → SEG_BASE naming both', async () => {
    const stream: StreamOptions = {
      segmentBase: { edit: (f) => void (f.references[2]!.subsegmentDuration += 960) },
    };
    const r = await validate(OPTS, new RecordedFetcher(streamRoutes(stream)), {}, () => T0);
    const found = r.issues.filter((i) => i.code === 'SEG_BASE');
    assert.equal(found.length, 1, reportText(r));
    assert.match(found[0]!.message, /add up to 10560 ticks \(44 s\), the Period lasts 40 s/);
  });

  it('SegmentBase: a clean index plans every subsegment and reads only 8 bytes at each start', async () => {
    const fetcher = new RecordedFetcher(streamRoutes({ segmentBase: {} }));
    const r = await validate(OPTS, fetcher, {}, () => T0);
    assert.equal(r.summary.errors, 0, reportText(r));
    const file = fetcher.requests.filter((q) => q.url === `${ORIGIN}bbb_v6.mp4`);
    const probes = file.filter((q) => q.range && q.range[1] - q.range[0] === 7);
    assert.equal(probes.length, track('bbb_v6').segments.length);
    // init, index, probes and every subsegment (duration 0 checks them all)
    assert.equal(file.length, 2 + 2 * track('bbb_v6').segments.length);
  });

  it('the corpus cases are also clean without their defect (the controls)', async () => {
    for (const stream of [{}, ENC, { dynamic: LIVE }, { segmentBase: {} }]) {
      const r = await validate(OPTS, new RecordedFetcher(streamRoutes(stream)), {}, () => T0);
      assert.equal(r.summary.errors, 0, reportText(r));
    }
    assert.equal(KID.length, 32);
  });
});
