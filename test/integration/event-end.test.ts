/**
 * End of a live event and start-over over HTTP (dash.md §7.14, worked examples §12.11 and
 * §12.12): with a pinned clock the MPD is dynamic before the end instant and static from it on
 * with the whole event listed; segments after the end answer 404 at any clock, segments of the
 * event come back after it; relative values are resolved once into `start=`/`stop=` date-times;
 * every variant is valid against the MPD schema and validates clean with loopcast's validator.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, validate } from '@loopcast/dash';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
/** §12.3's pinned clock, 12:10:02.5Z, E = 602.5 s after `start`. */
const NOW = 1740831002500;
const START = 'start=2025-03-01T12:00:00Z';
/** §12.11: the end request 12:10:06Z gives Z = 604 s, TE = 12:10:04Z. */
const EVENT = `${START}&stop=2025-03-01T12:10:06Z`;
/** Child URLs carry the end instant, not the request (§4.4). */
const PINNED = `${START}&stop=2025-03-01T12:10:04Z`;
const AFTER = 1740831005000; // 12:10:05Z, after TE

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const get = (path: string) => fetch(`${t.origin}${path}`);
const mpd = async (query: string, stream = 'bbb'): Promise<{ status: number; cc: string; xml: string }> => {
  const r = await get(`/dash/live/${stream}/hand_made.mpd?${query}`);
  return { status: r.status, cc: r.headers.get('cache-control') ?? '', xml: await r.text() };
};
const status = async (path: string): Promise<[number, string | null, string | null]> => {
  const r = await get(path);
  await r.arrayBuffer();
  return [r.status, r.headers.get('retry-after'), r.headers.get('cache-control')];
};
const mpdAttr = (xml: string, name: string): string | undefined =>
  new RegExp(`\\b${name}="([^"]*)"`).exec(/<MPD\b[^>]*>/.exec(xml)?.[0] ?? '')?.[1];
/** The `$Number$` SegmentTemplate of a media extension: startNumber, timescale, duration. */
const numberTemplate = (xml: string, ext: string) => {
  const m = new RegExp(
    `<SegmentTemplate startNumber="(\\d+)" timescale="(\\d+)" duration="(\\d+)"[^>]*media="[^"]*\\.${ext}\\?`,
  ).exec(xml);
  assert.ok(m, `a $Number$ template for ${ext}`);
  return { s0: Number(m[1]), ts: Number(m[2]), d: Number(m[3]) };
};

describe('end of a live event and start-over (dash.md §7.14)', { timeout: 30_000 }, () => {
  it('§12.11 before the end: the dynamic MPD of §12.3, max-age counted to TE, later segments 404', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${EVENT}&now=${NOW}`);
    assert.equal(m.status, 200, m.xml);
    assert.equal(mpdAttr(m.xml, 'type'), 'dynamic');
    assert.equal(mpdAttr(m.xml, 'publishTime'), '2025-03-01T12:10:00Z');
    assert.equal(mpdAttr(m.xml, 'minimumUpdatePeriod'), 'PT8S');
    assert.equal(mpdAttr(m.xml, 'mediaPresentationDuration'), undefined);
    // the end is 1.5 s away; the next publish instant (608 s) would have given 6
    assert.equal(m.cc, 'public, max-age=2');
    assert.match(
      m.xml,
      /<Location>[^<]*\/dash\/live\/bbb\/hand_made\.mpd\?now=1740831002500&amp;start=2025-03-01T12:00:00Z&amp;stop=2025-03-01T12:10:04Z<\/Location>/,
    );
    assert.match(
      m.xml,
      /media="\$RepresentationID\$\/\$Number\$\.m4v\?now=1740831002500&amp;start=2025-03-01T12:00:00Z&amp;stop=2025-03-01T12:10:04Z"/,
    );
    const q = `${PINNED}&now=${NOW}`;
    assert.deepEqual(await status(`/dash/live/bbb/bbb_v6/151.m4v?${q}`), [425, '2', 'no-store']);
    assert.equal((await status(`/dash/live/bbb/bbb_v6/152.m4v?${q}`))[0], 404);
    assert.equal((await status(`/dash/live/bbb/bbb_v6/160.m4v?${q}`))[0], 404);
    const tq = `${q}&timeline=1`;
    assert.deepEqual((await status(`/dash/live/bbb/bbb_a1/time/26636128.m4a?${tq}`)).slice(0, 2), [425, '6']);
    assert.equal((await status(`/dash/live/bbb/bbb_a1/time/26812256.m4a?${tq}`))[0], 404);
    // a segment after the end is not part of the event even long before the end
    assert.equal((await status(`/dash/live/bbb/bbb_v6/152.m4v?${PINNED}&now=${NOW - 300_000}`))[0], 404);
  });

  it('§12.11 from the end on: static, the whole event listed, every segment of it served', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${EVENT}&now=${AFTER}`);
    assert.equal(m.status, 200, m.xml);
    assert.equal(mpdAttr(m.xml, 'type'), 'static');
    assert.equal(mpdAttr(m.xml, 'availabilityStartTime'), '2025-03-01T12:00:00Z');
    assert.equal(mpdAttr(m.xml, 'publishTime'), '2025-03-01T12:10:04Z');
    assert.equal(mpdAttr(m.xml, 'mediaPresentationDuration'), 'PT10M4S');
    for (const gone of ['minimumUpdatePeriod', 'timeShiftBufferDepth', 'suggestedPresentationDelay'])
      assert.equal(mpdAttr(m.xml, gone), undefined, gone);
    assert.match(m.xml, /<Period id="p0" start="PT0S" duration="PT10M4S">/);
    assert.equal(m.cc, 'public, max-age=60');
    assert.match(m.xml, /<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014"/);
    // $Number$: video and audio 1…151 = ceil(604 / 4), text 1…61 = ceil(604 / 10)
    for (const [ext, last] of [
      ['m4v', 151],
      ['m4a', 151],
      ['mp4', 61],
    ] as const) {
      const { s0, ts, d } = numberTemplate(m.xml, ext);
      assert.equal(s0, 1);
      assert.equal(s0 + Math.ceil((604 * ts) / d) - 1, last, ext);
    }
    // the same MPD at a much later clock is unchanged but for the now= in its URLs
    const later = await mpd(`${EVENT}&now=${AFTER + 86_400_000}`);
    assert.equal(later.xml.replaceAll(String(AFTER + 86_400_000), 'N'), m.xml.replaceAll(String(AFTER), 'N'));

    const tl = await mpd(`${EVENT}&now=${AFTER}&timeline=1`);
    assert.match(tl.xml, /<S t="0" d="960" r="150"\/>/);
    assert.match(tl.xml, /<S t="0" d="2000" r="60"\/>/);
    const audio =
      /timescale="44100"[\s\S]*?<SegmentTimeline>([\s\S]*?)<\/SegmentTimeline>/.exec(tl.xml)?.[1] ?? '';
    const esses = [...audio.matchAll(/<S (?:t="\d+" )?d="(\d+)"(?: r="(\d+)")?\/>/g)];
    assert.equal(esses.length, 91);
    assert.match(esses.at(-1)![0], /<S d="176128" r="1"\/>/);
    const count = esses.reduce((n, e) => n + 1 + Number(e[2] ?? 0), 0);
    const end = esses.reduce((p, e) => p + Number(e[1]) * (1 + Number(e[2] ?? 0)), 0);
    assert.deepEqual([count, end], [152, 26812256]);
    const num = await mpd(`${EVENT}&now=${AFTER}&timeline=number`);
    assert.match(num.xml, /<SegmentTemplate startNumber="1" timescale="44100"/);

    const q = `${PINNED}&now=${AFTER}`;
    assert.deepEqual(await status(`/dash/live/bbb/bbb_v6/151.m4v?${q}`), [200, null, 'public, max-age=3600']);
    assert.equal((await status(`/dash/live/bbb/bbb_a1/time/26636128.m4a?${q}&timeline=1`))[0], 200);
    assert.equal((await status(`/dash/live/bbb/bbb_a1/152.m4a?${q}`))[0], 200);
    assert.equal((await status(`/dash/live/bbb/bbb_v6/152.m4v?${q}`))[0], 404);
    assert.equal((await status(`/dash/live/bbb/bbb_a1/time/26812256.m4a?${q}&timeline=1`))[0], 404);
    // with depth=30 segment 1 had left the window during the event; the recording brings it back
    assert.equal((await status(`/dash/live/bbb/bbb_v6/1.m4v?${PINNED}&depth=30&now=${NOW}`))[0], 410);
    assert.deepEqual(await status(`/dash/live/bbb/bbb_v6/1.m4v?${q}&depth=30`), [
      200,
      null,
      'public, max-age=3600',
    ]);
    // the patch route has nothing to offer once the MPD is static (drm-events.md §11.2 step 2)
    const patched = await mpd(`${EVENT}&now=${NOW}&patch=1`);
    const patch = /<PatchLocation[^>]*>([^<]+)<\/PatchLocation>/
      .exec(patched.xml)?.[1]
      ?.replaceAll('&amp;', '&');
    assert.ok(patch, 'a PatchLocation before the end');
    assert.doesNotMatch((await mpd(`${EVENT}&now=${AFTER}&patch=1`)).xml, /PatchLocation/);
    const patchUrl = new URL(patch);
    patchUrl.searchParams.set('now', String(AFTER));
    assert.equal((await fetch(patchUrl)).status, 410);
  });

  it('§12.11 refusals: an event shorter than one segment is a 400 naming stop (or stoprel)', async (c) => {
    if (!requireShared(c)) return;
    const short = await get(`/dash/live/bbb/hand_made.mpd?${START}&stop=2025-03-01T12:00:03Z&now=${NOW}`);
    assert.equal(short.status, 400);
    assert.equal(((await short.json()) as { error: { field: string } }).error.field, 'stop');
    const rel = await get(`/dash/live/bbb/hand_made.mpd?startrel=-20&stoprel=-18&now=${NOW}`);
    assert.equal(rel.status, 400);
    assert.equal(((await rel.json()) as { error: { field: string } }).error.field, 'stoprel');
    for (const bad of ['stop=soon', 'startrel=5', 'stoprel=40000000']) {
      const r = await get(`/dash/live/bbb/hand_made.mpd?${bad}&now=${NOW}`);
      assert.equal(r.status, 400, bad);
      const field = ((await r.json()) as { error: { field: string } }).error.field;
      assert.equal(field, bad.split('=')[0], bad);
    }
    // more than 1000 automatic Periods in the event, before its end too
    const periods = await get(
      `/dash/live/bbb/hand_made.mpd?start=2025-01-01T00:00:00Z&stop=2025-03-10T00:00:00Z&periods=60&now=${NOW}`,
    );
    assert.equal(periods.status, 400);
    assert.equal(((await periods.json()) as { error: { field: string } }).error.field, 'stop');
    // more than 48 h listed by a SegmentTimeline
    const long = await get(
      `/dash/live/bbb/hand_made.mpd?start=2025-02-01T00:00:00Z&stop=2025-03-01T12:00:00Z&timeline=1&now=${NOW}`,
    );
    assert.equal(long.status, 400);
    assert.equal(((await long.json()) as { error: { field: string } }).error.field, 'stop');
  });

  it('§12.12 start-over: relative values resolved once into Location and child URLs', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`startrel=-20&stoprel=20&now=${NOW}`);
    assert.equal(m.status, 200, m.xml);
    assert.equal(mpdAttr(m.xml, 'type'), 'dynamic');
    assert.equal(mpdAttr(m.xml, 'availabilityStartTime'), '2025-03-01T12:09:42Z');
    assert.equal(mpdAttr(m.xml, 'publishTime'), '2025-03-01T12:09:58Z');
    assert.equal(mpdAttr(m.xml, 'timeShiftBufferDepth'), 'PT16S');
    assert.equal(m.cc, 'public, max-age=4');
    const location = /<Location>([^<]+)<\/Location>/.exec(m.xml)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(
      location,
      `${t.origin}/dash/live/bbb/hand_made.mpd?now=1740831002500&start=2025-03-01T12:09:42Z&stop=2025-03-01T12:10:22Z`,
    );
    assert.doesNotMatch(m.xml, /startrel|stoprel/);
    assert.match(
      m.xml,
      /media="[^"]*\?now=1740831002500&amp;start=2025-03-01T12:09:42Z&amp;stop=2025-03-01T12:10:22Z"/,
    );
    // the refresh through Location at 12:10:22Z: static, 40 s, segments 1…10 (text 1…4)
    const refresh = new URL(location);
    refresh.searchParams.set('now', '1740831022000');
    const r = await fetch(refresh);
    const ended = await r.text();
    assert.equal(mpdAttr(ended, 'type'), 'static');
    assert.equal(mpdAttr(ended, 'publishTime'), '2025-03-01T12:10:22Z');
    assert.equal(mpdAttr(ended, 'mediaPresentationDuration'), 'PT40S');
    for (const [ext, last] of [
      ['m4v', 10],
      ['m4a', 10],
      ['mp4', 4],
    ] as const) {
      const { s0, ts, d } = numberTemplate(ended, ext);
      assert.equal(s0 + Math.ceil((40 * ts) / d) - 1, last, ext);
    }
    const q = 'start=2025-03-01T12:09:42Z&stop=2025-03-01T12:10:22Z&now=1740831022000';
    assert.equal((await status(`/dash/live/bbb/bbb_v6/10.m4v?${q}`))[0], 200);
    assert.equal((await status(`/dash/live/bbb/bbb_v6/11.m4v?${q}`))[0], 404);
    // segment requests ignore startrel/stoprel: the same number resolves against start/stop only
    assert.equal((await status(`/dash/live/bbb/bbb_v6/11.m4v?${q}&stoprel=3600`))[0], 404);
  });

  it('the ended MPD with automatic periods lists every Period of the event, the last with duration', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${EVENT}&now=${AFTER}&periods=60&continuous=1`);
    assert.equal(m.status, 200, m.xml);
    const periods = [...m.xml.matchAll(/<Period id="(p\d+)" start="([^"]+)"(?: duration="([^"]+)")?>/g)];
    assert.equal(periods.length, 11);
    assert.deepEqual(periods[0]!.slice(1, 3), ['p0', 'PT0S']);
    assert.deepEqual(periods.at(-1)!.slice(1), ['p10', 'PT10M0S', 'PT4S']);
    assert.ok(periods.slice(0, -1).every((p) => p[3] === undefined));
    // before the end, no Period that starts at or after Z: p10 (600 s) is the last
    const before = await mpd(`${EVENT}&now=${NOW}&periods=20s&depth=30`);
    const ids = [...before.xml.matchAll(/<Period id="(p\d+)"/g)].map((p) => p[1]);
    assert.deepEqual(ids, ['p28', 'p29', 'p30']);
  });

  it('every variant is valid against the MPD schema and validates clean', async (c) => {
    if (!requireShared(c) || !requireTool(c, 'xmllint', 'libxml2-utils')) return;
    const variants: [string, number][] = [
      [`${EVENT}`, NOW],
      [`${EVENT}`, AFTER],
      [`${EVENT}&timeline=1`, AFTER],
      [`${EVENT}&timeline=number&depth=30`, AFTER],
      [`${EVENT}&periods=60&continuous=1`, AFTER],
      [`${EVENT}&periods=60&continuous=1&timeline=1&depth=30`, NOW],
      ['startrel=-20&stoprel=20', NOW],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-event-end-'));
    const files: string[] = [];
    for (const [i, [query, now]] of variants.entries()) {
      const m = await mpd(`${query}&now=${now}`);
      assert.equal(m.status, 200, `${query}: ${m.xml}`);
      const file = join(dir, `${i}.mpd`);
      writeFileSync(file, m.xml);
      files.push(file);
    }
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const r = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => ({ stderr: e.stderr }),
    );
    assert.ok(!/fails to validate/.test(r.stderr), r.stderr);
    // the text segment 61 (600–610 s) overlaps Z = 604 s as §7.14 allows ("players stop at the
    // end of the Period"); the validator compares a Period's last segment with the whole @duration
    // (automatic Periods with a SegmentTimeline: manifest checks, see auto-periods.test.ts)
    const cases: [string, number, string[], boolean][] = [
      [`${START}&stop=2025-03-01T12:10:00Z`, AFTER, [], true],
      [`${EVENT}&timeline=1`, AFTER, [], true],
      [`${EVENT}&periods=60&continuous=1&timeline=1`, AFTER, [], false],
      [EVENT, AFTER, [], true],
    ];
    for (const [query, now, expected, media] of cases) {
      const url = `${t.origin}/dash/live/bbb/hand_made.mpd?${query}&now=${now}`;
      const report = await validate(
        { url, duration: 8, encrypted: false, media, concurrency: 4 },
        createFetcher({ addressRule: false }),
        {},
        () => now,
      );
      const text = reportText(report);
      assert.equal(report.type, 'static', text);
      if (media) assert.ok(report.summary.mediaSegments > 0, text);
      const found = report.issues
        .filter((i) => i.severity !== 'info')
        .map((i) =>
          i.location.kind === 'segment'
            ? `${i.code} ${i.location.representationId} ${i.location.number}`
            : i.code,
        );
      assert.deepEqual(found, expected, text);
    }
  });

  it('the validator follows a real-clock event through its switch to static without an issue', async (c) => {
    if (!requireShared(c)) return;
    // began 40 s ago, ends about 5 s from now; MPD refreshes every 2 s
    const url = `${t.origin}/dash/live/bbb/hand_made.mpd?startrel=-40&stoprel=5&mup=2&abr=0`;
    const started = Date.now();
    const report = await validate(
      { url, duration: 15, encrypted: false, media: true, concurrency: 4 },
      createFetcher({ addressRule: false }),
    );
    const text = reportText(report);
    assert.equal(report.type, 'dynamic', text);
    assert.deepEqual(
      report.issues.filter((i) => i.severity !== 'info'),
      [],
      text,
    );
    assert.ok(report.summary.manifests >= 2, `refreshed up to the static MPD: ${text}`);
    // the run stops at the static MPD instead of watching for the whole 15 s
    assert.ok(Date.now() - started < 12_000, `${Date.now() - started} ms: ${text}`);
  });
});
