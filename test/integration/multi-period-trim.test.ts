/**
 * A multi-period Period that starts inside an audio fragment (drm-events.md §12.6, §12.8;
 * dash.md §7.8): its first segment, listed from the PTO with a shortened duration, serves that
 * fragment's samples from the PTO on. Compared over HTTP with the same fragment served whole by a
 * Period that lists it from its own start: the kept samples end where the listed segment ends,
 * start within one sample of the listed `$Time$`, and are the whole fragment's last samples (the
 * same durations, mdat bytes and sample-encryption records); loopcast's validator finds no
 * timing issue in them. The demo part works whatever the demo's AAC fragment sizes are; the bbb
 * part (44.1 kHz audio in 172-frame fragments, never aligned with the 4 s video) needs
 * ../shared/media.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOMParser } from '@xmldom/xmldom';
import { parseBoxes, senc, tfdt, tfhd, trex, trun, type Box } from '@loopcast/bmff';
import { validate, createFetcher, reportText } from '@loopcast/dash';
import { createMps } from '../../packages/server/src/multi-period/store.js';
import { checkOwnStream } from '../fixtures/validator/own-streams.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';

let server: TestServer;
let withBbb = false;

type Track = { trackId: number; role: 'main'; lang: null; encrypted: boolean };
const tracks = (encryptedAudio: boolean, audioTrack = 2): Track[] => [
  { trackId: 1, role: 'main', lang: null, encrypted: false },
  { trackId: audioTrack, role: 'main', lang: null, encrypted: encryptedAudio },
];
const period = (pid: string, stream: string, startMs: number, durationMs: number, t: Track[]) => ({
  pid,
  stream,
  startMs,
  durationMs,
  tracks: t,
});

before(async () => {
  server = await startTestServer();
  const { db } = server.server.context.database;
  // `whole` lists every fragment from its own start; the others start on a video fragment (2 s)
  // that may lie inside an audio fragment
  await createMps(db, {
    name: 'trim-demo',
    title: 'Demo Periods inside audio fragments',
    options: {},
    periods: [
      period('whole', 'demo', 0, 20000, tracks(false)),
      period('at8', 'demo', 8000, 4000, tracks(false)),
      period('at10', 'demo', 10000, 4000, tracks(false)),
    ],
  });
  if (sharedAvailable()) {
    await addBbbStream(server);
    withBbb = true;
    await createMps(db, {
      name: 'trim-bbb',
      title: 'bbb Periods inside audio fragments',
      options: {},
      periods: [
        period('whole', 'bbb', 0, 16000, tracks(true)),
        period('at4', 'bbb', 4000, 8000, tracks(true)),
        period('at8', 'bbb', 8000, 8000, tracks(true)),
      ],
    });
  }
});
after(() => server.stop());

interface Listed {
  url: string;
  init: string;
  rep: string;
  /** [t, d] of each listed segment. */
  segments: [bigint, bigint][];
}

/** The audio segments a Period lists (its first audio Representation). */
function listedAudio(xml: string, periodId: string): Listed {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const p = [...Array.from(doc.getElementsByTagName('Period'))].find(
    (e) => e.getAttribute('id') === periodId,
  );
  assert.ok(p, `Period ${periodId}`);
  const base = p.getElementsByTagName('BaseURL')[0]!.textContent!;
  const set = Array.from(p.getElementsByTagName('AdaptationSet')).find(
    (a) => a.getAttribute('contentType') === 'audio' || a.getAttribute('mimeType') === 'audio/mp4',
  );
  assert.ok(set, `audio in ${periodId}`);
  const rep = set.getElementsByTagName('Representation')[0]!.getAttribute('id')!;
  const st = set.getElementsByTagName('SegmentTemplate')[0]!;
  const segments: [bigint, bigint][] = [];
  let t = 0n;
  for (const s of Array.from(st.getElementsByTagName('S'))) {
    if (s.getAttribute('t') !== null) t = BigInt(s.getAttribute('t')!);
    const d = BigInt(s.getAttribute('d')!);
    for (let r = Number(s.getAttribute('r') ?? 0); r >= 0; r--) {
      segments.push([t, d]);
      t += d;
    }
  }
  const media = st.getAttribute('media')!.replace('$RepresentationID$', rep);
  const init = st.getAttribute('initialization')!.replace('$RepresentationID$', rep);
  return { url: new URL(media, base).href, init: new URL(init, base).href, rep, segments };
}

interface Fragment {
  moofs: number;
  decodeTime: bigint;
  durations: number[];
  payload: Buffer;
  ivs: string[];
}

async function fetchBoxes(url: string): Promise<Box[]> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return parseBoxes(Buffer.from(await res.arrayBuffer()), { ivSize: 8 });
}

async function fetchFragment(listed: Listed, t: bigint, query: string): Promise<Fragment> {
  const q = query ? `?${query}` : '';
  const defaults = (await fetchBoxes(`${listed.init}${q}`))
    .find((b) => b.type === 'moov')
    ?.child('mvex')
    ?.child('trex')
    ?.get(trex);
  const boxes = await fetchBoxes(`${listed.url.replace('$Time$', String(t))}${q}`);
  const moofs = boxes.filter((b) => b.type === 'moof');
  const traf = moofs[0]!.child('traf')!;
  const header = traf.child('tfhd')!.get(tfhd);
  const run = traf.child('trun')!.get(trun);
  const durations = Array.from({ length: run.sampleCount }, (_, i) => {
    const d = run.samples[i]?.duration ?? header.defaultSampleDuration ?? defaults?.defaultSampleDuration;
    assert.ok(d !== undefined, 'sample durations in trun, tfhd or trex');
    return d;
  });
  const encryption: Box | undefined = traf.child('senc');
  return {
    moofs: moofs.length,
    decodeTime: BigInt(traf.child('tfdt')!.get(tfdt).baseMediaDecodeTime),
    durations,
    payload: boxes.find((b) => b.type === 'mdat')!.payload,
    ivs: encryption ? encryption.get(senc).samples.map((s) => s.iv) : [],
  };
}

const sum = (list: readonly number[]): bigint => list.reduce((a, b) => a + BigInt(b), 0n);

/**
 * The first audio segment of `periodId`, checked against its fragment served whole by `whole`;
 * returns what was listed and served.
 */
async function checkFirstSegment(
  path: string,
  periodId: string,
  query = '',
  wholeId = 'whole',
): Promise<{ t: bigint; d: bigint; url: string; cut: Fragment; whole: Fragment }> {
  const xml = await (await fetch(`${server.origin}${path}${query ? `?${query}` : ''}`)).text();
  const listed = listedAudio(xml, periodId);
  const [t, d] = listed.segments[0]!;
  const all = listedAudio(xml, wholeId);
  const own = all.segments.find(([s, n]) => s <= t && t < s + n);
  assert.ok(own, `the fragment holding ${t} is listed whole`);
  const [fragmentTime, fragmentDuration] = own;
  assert.equal(t + d, fragmentTime + fragmentDuration, 'the shortened segment ends with its fragment');
  const cut = await fetchFragment(listed, t, query);
  const whole = await fetchFragment(all, fragmentTime, query);
  assert.equal(whole.decodeTime, fragmentTime);
  assert.equal(cut.moofs, 1);
  // the kept samples are the fragment's last ones and end where the listed segment ends
  assert.equal(cut.decodeTime + sum(cut.durations), t + d);
  assert.deepEqual(cut.durations, whole.durations.slice(whole.durations.length - cut.durations.length));
  assert.ok(cut.payload.equals(whole.payload.subarray(whole.payload.length - cut.payload.length)));
  assert.deepEqual(cut.ivs, whole.ivs.slice(whole.ivs.length - cut.ivs.length));
  if (fragmentTime === t) assert.equal(cut.durations.length, whole.durations.length, 'served whole');
  else {
    assert.ok(cut.durations.length < whole.durations.length, 'samples before the Period left out');
    // they start at or after the listed time, within one sample; or, when the listed segment is
    // shorter than the fragment's last sample, they are that sample
    const first = BigInt(cut.durations[0]!);
    if (cut.decodeTime >= t) assert.ok(cut.decodeTime - t < first);
    else assert.ok(cut.durations.length === 1 && d < first);
  }
  return { t, d, url: listed.url.replace('$Time$', String(t)), cut, whole };
}

describe('a Period that starts inside an audio fragment', { timeout: 120_000 }, () => {
  it('demo: serves the samples from the PTO on, whatever the AAC fragment sizes', async () => {
    const at8 = await checkFirstSegment('/mps/vod/trim-demo/hand_made.mpd', 'at8');
    // 8 s is frame 375 at 48 kHz: the segment starts exactly at the listed time and lasts the
    // listed duration (1024 ticks with 94-frame fragments, a whole fragment on the 2 s grid)
    assert.equal(at8.t, 384000n);
    assert.equal(at8.cut.decodeTime, 384000n);
    assert.equal(sum(at8.cut.durations), at8.d);
    const at10 = await checkFirstSegment('/mps/vod/trim-demo/hand_made.mpd', 'at10');
    assert.equal(at10.t, 480000n);
    // live (T = 28 s): loop 1's at8 runs from 48 s to 52 s, its whole from 28 s
    const live = await checkFirstSegment(
      '/mps/live/trim-demo/hand_made.mpd',
      'at8_1',
      `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 1, 0)}&depth=40`,
      'whole_1',
    );
    assert.equal(live.cut.decodeTime, 384000n);
  });

  it('demo: the validator finds no timing issue in demo_a1 but a Period start inside a frame', async () => {
    const path = '/mps/vod/trim-demo/hand_made.mpd';
    const firsts = [await checkFirstSegment(path, 'at8'), await checkFirstSegment(path, 'at10')];
    // a listed segment shorter than the fragment's last frame is served as that frame, which
    // starts before the PTO: the one case the validator warns about (MEDIA_PTS)
    const inFrame = firsts.filter((f) => f.cut.decodeTime < f.t).map((f) => f.url);
    const report = await validate(
      { url: `${server.origin}${path}`, duration: 4, encrypted: false, media: true, concurrency: 4 },
      createFetcher({ addressRule: false }),
      {},
      Date.now,
    );
    const timing = report.issues.filter(
      (i) =>
        ['MEDIA_TFDT', 'MEDIA_DURATION', 'MEDIA_PTS'].includes(i.code) &&
        !(i.code === 'MEDIA_PTS' && i.severity === 'warning' && inFrame.includes(i.location.url)),
    );
    assert.deepEqual(
      timing.map((i) => [i.code, i.location.url, i.message]),
      [],
      reportText(report),
    );
    assert.ok(report.summary.mediaSegments > 0);
    assert.ok(
      report.issues.every((i) => i.location.url !== firsts[0]!.url),
      'nothing at all about the 8 s Period start',
    );
  });

  it('bbb: 171 of 172 frames from 177152, clear and encrypted, validating clean', async (t) => {
    if (!withBbb) return t.skip('shared media absent');
    for (const query of ['', 'drm=clearkey']) {
      const at4 = await checkFirstSegment('/mps/vod/trim-bbb/hand_made.mpd', 'at4', query);
      // 4 s = 176400 ticks lies 272 ticks into the fragment from 176128 (1024-tick frames)
      assert.deepEqual([at4.t, at4.d], [176400n, 175856n]);
      assert.equal(at4.cut.decodeTime, 177152n);
      assert.equal(at4.cut.durations.length, 171);
      assert.equal(at4.whole.durations.length, 172);
      assert.equal(at4.cut.ivs.length, query ? 171 : 0);
      await checkFirstSegment('/mps/vod/trim-bbb/hand_made.mpd', 'at8', query);
    }
    for (const [mode, query] of [
      ['vod', ''],
      ['vod', 'drm=clearkey'],
      ['live', ''],
      ['live', 'drm=clearkey'],
    ] as const)
      await checkOwnStream(
        server.origin,
        'bbb',
        `/mps/${mode}/trim-bbb/hand_made.mpd?${query}`,
        'hand_made',
        mode,
      );
  });
});
