/**
 * Automatic periods over HTTP (dash.md §7.15, worked example §12.15): with a pinned clock the
 * live MPD lists the Periods around the window, each with its own presentationTimeOffset and
 * startNumber and, with `continuous=1`, a period-continuity or period-connectivity descriptor
 * naming the previous Period; segment URLs are those of the single-Period stream; a Period at a
 * boundary appears exactly when the update period reaches it; bad lengths are 400s naming
 * `periods`; every variant is valid against the MPD schema and validates clean.
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
const START_MS = Date.UTC(2025, 2, 1, 12, 0, 0);
const BASE = `start=2025-03-01T12:00:00Z&depth=30&periods=60&continuous=1`;

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const mpd = async (query: string, stream = 'bbb'): Promise<{ status: number; xml: string }> => {
  const r = await fetch(`${t.origin}/dash/live/${stream}/hand_made.mpd?${query}`);
  return { status: r.status, xml: await r.text() };
};

interface SetFacts {
  timescale: string;
  startNumber?: string;
  pto: string;
  scheme?: string;
  previous?: string;
  timeline?: string;
}

/** Each Period's id, start and, per AdaptationSet, its addressing and continuity facts. */
function periodsOf(xml: string): { id: string; start: string; sets: SetFacts[] }[] {
  return [...xml.matchAll(/<Period id="([^"]+)" start="([^"]+)"[^>]*>([\s\S]*?)<\/Period>/g)].map((p) => ({
    id: p[1]!,
    start: p[2]!,
    sets: [...p[3]!.matchAll(/<AdaptationSet\b[\s\S]*?<\/AdaptationSet>/g)].map(([set]) => {
      const st = /<SegmentTemplate\b([^>]*)/.exec(set)![1]!;
      const prop =
        /<SupplementalProperty schemeIdUri="urn:mpeg:dash:period-(continuity|connectivity):2015" value="([^"]+)"\/>/.exec(
          set,
        );
      const tl = /<SegmentTimeline>([\s\S]*?)<\/SegmentTimeline>|<SegmentTimeline\/>/.exec(set);
      return {
        timescale: /timescale="(\d+)"/.exec(st)![1]!,
        ...(/startNumber="(\d+)"/.exec(st) ? { startNumber: /startNumber="(\d+)"/.exec(st)![1]! } : {}),
        pto: /presentationTimeOffset="(\d+)"/.exec(st)![1]!,
        ...(prop ? { scheme: prop[1]!, previous: prop[2]! } : {}),
        ...(tl ? { timeline: (tl[1] ?? '').replace(/\s+/g, ' ').trim() } : {}),
      };
    }),
  }));
}

describe('automatic periods (dash.md §7.15)', { timeout: 30_000 }, () => {
  it('§12.15 $Number$: p9 and p10 with their startNumbers, PTOs and continuity descriptors', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${BASE}&now=${NOW}`);
    assert.equal(m.status, 200, m.xml);
    const periods = periodsOf(m.xml);
    assert.deepEqual(
      periods.map((p) => [p.id, p.start]),
      [
        ['p9', 'PT9M0S'],
        ['p10', 'PT10M0S'],
      ],
    );
    const facts = (p: (typeof periods)[number]) =>
      p.sets.map((s) => [s.timescale, s.startNumber, s.pto, s.scheme, s.previous]);
    assert.deepEqual(facts(periods[0]!), [
      ['240', '136', '129600', 'continuity', 'p8'],
      ['44100', '136', '23814000', 'connectivity', 'p8'],
      ['200', '55', '108000', 'continuity', 'p8'],
    ]);
    assert.deepEqual(facts(periods[1]!), [
      ['240', '151', '144000', 'continuity', 'p9'],
      ['44100', '151', '26460000', 'connectivity', 'p9'],
      ['200', '61', '120000', 'continuity', 'p9'],
    ]);
    // no Period@duration without periodDur=1; same ids in every Period; URLs of the single Period
    assert.doesNotMatch(m.xml, /<Period [^>]*duration=/);
    assert.equal([...m.xml.matchAll(/<Representation id="bbb_v6"/g)].length, 2);
    const single = await mpd(`start=2025-03-01T12:00:00Z&depth=30&now=${NOW}`);
    const media = (xml: string) => new Set([...xml.matchAll(/media="([^"]+)"/g)].map((x) => x[1]));
    assert.deepEqual(media(m.xml), media(single.xml));
    // without continuous=1 no descriptor at all
    assert.doesNotMatch(
      (await mpd(`${BASE.replace('&continuous=1', '')}&now=${NOW}`)).xml,
      /period-continuity|period-connectivity/,
    );
    // with periodDur=1 every listed Period gets duration = L
    assert.equal(
      [...(await mpd(`${BASE}&periodDur=1&now=${NOW}`)).xml.matchAll(/<Period [^>]*duration="PT1M0S"/g)]
        .length,
      2,
    );
  });

  it('§12.15 SegmentTimeline: the timelines of §12.4 in p9, empty ones in p10; a straddling segment keeps its t', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${BASE}&timeline=1&now=${NOW}`);
    assert.equal(m.status, 200, m.xml);
    const [p9, p10] = periodsOf(m.xml);
    assert.equal(p9!.sets[0]!.timeline, '<S t="136320" d="960" r="7"/>');
    assert.match(p9!.sets[1]!.timeline!, /^<S t="25048256" d="176128"\/>/);
    assert.equal(p9!.sets[2]!.timeline, '<S t="114000" d="2000" r="2"/>');
    assert.deepEqual(
      p9!.sets.map((s) => s.pto),
      ['129600', '23814000', '108000'],
    );
    assert.deepEqual(
      p10!.sets.map((s) => s.timeline),
      ['', '', ''],
    );
    // earlier, p9 lists the audio segment that starts at 539.992 s, below its PTO (connectivity)
    const earlier = periodsOf((await mpd(`${BASE}&timeline=1&now=${START_MS + 562_500}`)).xml);
    const p9early = earlier.find((p) => p.id === 'p9')!;
    assert.match(p9early.sets[1]!.timeline!, /^<S t="23813664" /);
    assert.equal(p9early.sets[1]!.pto, '23814000');
    assert.equal(p9early.sets[1]!.scheme, 'connectivity');
    assert.match(p9early.sets[0]!.timeline!, /^<S t="129600" d="960"/);
    // at the loop start (600 s) audio starts exactly on the boundary after a 672-tick gap
    const later = periodsOf((await mpd(`${BASE}&timeline=1&now=${START_MS + 612_500}`)).xml);
    assert.match(later.find((p) => p.id === 'p10')!.sets[1]!.timeline!, /^<S t="26460000" /);
  });

  it('a Period is listed once the update period reaches its start, and leaves with the window', async (c) => {
    if (!requireShared(c)) return;
    const ids = async (ms: number) =>
      [...(await mpd(`${BASE}&now=${START_MS + ms}`)).xml.matchAll(/<Period id="(p\d+)"/g)].map((p) => p[1]);
    // MUP 8: Em + 8 must pass 660 s for p11; Em steps every 8 s with the publish instant (§7.4)
    assert.deepEqual(await ids(650_000), ['p10']);
    assert.deepEqual(await ids(656_000), ['p10', 'p11']);
    // the window (depth 30) leaves p10 once B passes 660 s
    assert.deepEqual(await ids(695_000), ['p10', 'p11']);
    assert.deepEqual(await ids(700_000), ['p11']);
    // p12 (720 s) once Em + 8 passes 720: Em = 720
    assert.deepEqual(await ids(719_000), ['p11']);
    assert.deepEqual(await ids(720_000), ['p11', 'p12']);
  });

  it('§12.15 refusals: lengths that are no multiple, no MUP, ato=inf, too many Periods → 400 naming periods', async (c) => {
    if (!requireShared(c)) return;
    const field = async (query: string) => {
      const r = await fetch(`${t.origin}/dash/live/bbb/hand_made.mpd?${query}&now=${NOW}`);
      const body = (await r.json()) as { error: { field: string; message: string } };
      return [r.status, body.error.field, body.error.message] as const;
    };
    const [s7, f7, m7] = await field('periods=7');
    assert.deepEqual([s7, f7], [400, 'periods']);
    assert.match(m7, /smallest valid length is 20 s/);
    const [s900, , m900] = await field('periods=900');
    assert.equal(s900, 400);
    assert.match(m900, /smallest valid length is 20 s/);
    assert.equal((await mpd(`periods=900&timeline=1&now=${NOW}`)).status, 200);
    const [, , mThumbs] = await field('periods=20s&thumbnails=1');
    assert.match(mThumbs, /smallest valid length is 80 s/);
    for (const q of [
      'periods=60&mup=-1',
      'periods=60&ato=inf',
      'periods=900&timeline=1&depth=7200',
      'periods=0',
      'periods=3s',
    ])
      assert.deepEqual((await field(q)).slice(0, 2), [400, 'periods'], q);
    // other templates reset the option (§4.3): no Periods but the single one
    const ma = await fetch(`${t.origin}/dash/live/bbb/manifest_a.mpd?periods=60&now=${NOW}`);
    assert.equal([...(await ma.text()).matchAll(/<Period /g)].length, 1);
  });

  it('every variant is valid against the MPD schema and validates clean', async (c) => {
    if (!requireShared(c) || !requireTool(c, 'xmllint', 'libxml2-utils')) return;
    const variants = [
      `${BASE}`,
      `${BASE}&timeline=1`,
      `${BASE}&timeline=number`,
      `${BASE}&periodDur=1&snr=0`,
      `${BASE}&thumbnails=1&periods=80s`,
      `start=2025-03-01T12:00:00Z&periods=900&timeline=1&continuous=1&depth=30`,
    ];
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-auto-periods-'));
    const files: string[] = [];
    for (const [i, query] of variants.entries()) {
      const m = await mpd(`${query}&now=${NOW}`);
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
    for (const [query, media] of [
      [BASE, true],
      [`${BASE}&timeline=number`, true],
      [`${BASE}&timeline=1`, false],
    ] as const) {
      const url = `${t.origin}/dash/live/bbb/hand_made.mpd?${query}&now=${NOW}`;
      const report = await validate(
        { url, duration: 8, encrypted: false, media, concurrency: 4 },
        createFetcher({ addressRule: false }),
        {},
        () => NOW,
      );
      const text = reportText(report);
      assert.equal(report.type, 'dynamic', text);
      assert.deepEqual(
        report.issues.filter((i) => i.severity !== 'info').map((i) => i.code),
        [],
        text,
      );
    }
  });
});
