/**
 * Gaps in the SegmentTimeline over HTTP (drm-events.md §10.10): the worked example on `bbb`
 * (12:10:02.5Z, video segment 146 missing), `S@n` and startNumber with `timeline=number`, 404
 * for the missing `$Number$` and `$Time$` URLs, audio untouched, the 400s, XSD validity and a
 * clean report of loopcast's validator (numbering after a gap).
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
/** dash.md §12.4's pinned clock, 12:10:02.5Z. */
const NOW = 1740831002500;
const LOSS = 'segtimelineloss=[{cycle:60,rsq:10,rep:video}]';
const Q = `start=2025-03-01T12:00:00Z&depth=30&${LOSS}&now=${NOW}`;

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const get = (path: string) => fetch(`${t.origin}${path}`);
const mpd = async (query: string) => {
  const r = await get(`/dash/live/bbb/hand_made.mpd?${query}`);
  return { status: r.status, xml: await r.text() };
};
/** The SegmentTimeline of the AdaptationSet of `type`, S elements only. */
function timelineOf(xml: string, type: string): { startNumber: string | null; s: string } {
  const set =
    new RegExp(`<AdaptationSet[^>]*contentType="${type}"[\\s\\S]*?</AdaptationSet>`).exec(xml)?.[0] ?? '';
  const s = [...set.matchAll(/<S [^>]*\/>/g)].map((m) => m[0]).join('');
  return { startNumber: /startNumber="(\d+)"/.exec(set)?.[1] ?? null, s };
}

describe('SegmentTimeline gaps over HTTP', { timeout: 30_000 }, () => {
  it('leaves segment 146 out of the video timeline as the worked example', async (c) => {
    if (!requireShared(c)) return;
    const time = await mpd(`${Q}&timeline=1`);
    assert.equal(time.status, 200, time.xml);
    assert.equal(
      timelineOf(time.xml, 'video').s,
      '<S t="136320" d="960" r="2"/><S t="140160" d="960" r="3"/>',
    );
    const number = await mpd(`${Q}&timeline=number`);
    const v = timelineOf(number.xml, 'video');
    assert.equal(v.s, '<S t="136320" d="960" r="2"/><S t="140160" n="147" d="960" r="3"/>');
    assert.equal(v.startNumber, '143');
    // audio is unchanged
    const plain = await mpd(`start=2025-03-01T12:00:00Z&depth=30&now=${NOW}&timeline=1`);
    assert.equal(timelineOf(time.xml, 'audio').s, timelineOf(plain.xml, 'audio').s);
    assert.ok(timelineOf(plain.xml, 'audio').s.length > 0);
  });

  it('answers 404 for the missing segment under $Number$ and $Time$', async (c) => {
    if (!requireShared(c)) return;
    const missing = await get(`/dash/live/bbb/bbb_v6/146.m4v?${Q}&timeline=number`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /segment missing from the timeline/);
    assert.equal((await get(`/dash/live/bbb/bbb_v6/time/139200.m4v?${Q}&timeline=1`)).status, 404);
    for (const path of ['bbb_v6/145.m4v', 'bbb_v6/147.m4v', 'bbb_v6/init.m4v', 'bbb_a1/146.m4a']) {
      const r = await get(`/dash/live/bbb/${path}?${Q}&timeline=number`);
      await r.arrayBuffer();
      assert.equal(r.status, 200, path);
    }
  });

  it('refuses a bad value and timeline=0 naming segtimelineloss', async (c) => {
    if (!requireShared(c)) return;
    for (const q of [
      'segtimelineloss=[{rsq:1}]',
      'segtimelineloss=[{cycle:0}]',
      'segtimelineloss=[{cycle:60,count:101}]',
      `segtimelineloss=[${Array(17).fill('{cycle:60}').join(',')}]`,
      `${LOSS}&timeline=0`,
    ]) {
      const r = await get(`/dash/live/bbb/hand_made.mpd?${q}&now=${NOW}`);
      assert.equal(r.status, 400, q);
      assert.equal(((await r.json()) as { error: { field?: string } }).error.field, 'segtimelineloss', q);
    }
  });

  it('is valid against the MPD schema and validates clean with the gap', async (c) => {
    if (!requireShared(c) || !requireTool(c, 'xmllint', 'libxml2-utils')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-loss-'));
    const files: string[] = [];
    for (const [i, q] of [
      `${Q}&timeline=1`,
      `${Q}&timeline=number`,
      `${Q}&timeline=number&snr=0`,
    ].entries()) {
      const m = await mpd(q);
      assert.equal(m.status, 200, m.xml);
      files.push(join(dir, `${i}.mpd`));
      writeFileSync(files[i]!, m.xml);
    }
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const r = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => ({ stderr: e.stderr }),
    );
    assert.ok(!/fails to validate/.test(r.stderr), r.stderr);
    const url = `${t.origin}/dash/live/bbb/hand_made.mpd?${Q}&timeline=number`;
    const report = await validate(
      { url, duration: 4, encrypted: false, media: true, concurrency: 4 },
      createFetcher({ addressRule: false }),
      {},
      () => NOW,
    );
    const issues = report.issues.filter((i) => i.severity !== 'info').map((i) => i.code);
    assert.deepEqual(issues, [], reportText(report));
  });
});
