/**
 * Events over HTTP (drm-events.md §9): in-band `emsg` v0/v1 for ping and SCTE-35 in served video
 * segments (before the moof, at the scheduled times), the InbandEventStream and MPD EventStream
 * signalling (valid against the MPD schema), and the bound of 100 `emsg` per segment, at a pinned
 * clock on the demo stream (video segments of 2 s, timescale 12800).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseBoxes, type EmsgFields } from '@loopcast/bmff';
import { spliceInfoSection } from '@loopcast/dash';
import { SHARED } from '../support/paths.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
/** 300 s after the availabilityStartTime: segment 150 is at the live edge. */
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

const get = (path: string) => fetch(`${t.origin}${path}`);

/** Top-level box types and the emsg fields of a served segment. */
async function segment(path: string): Promise<{ types: string[]; emsg: EmsgFields[] }> {
  const r = await get(path);
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  const boxes = parseBoxes(Buffer.from(await r.arrayBuffer()));
  return {
    types: boxes.map((b) => b.type),
    emsg: boxes.filter((b) => b.type === 'emsg').map((b) => b.fields as EmsgFields),
  };
}

describe('events over HTTP', { timeout: 30_000 }, () => {
  it('puts ping emsg v0 before the moof of the video segment holding the event', async () => {
    // segment 101 starts at 200 s: event 20 (t = 20000 in timescale 100), delta 0
    const q = `events=ping&ping__interval=1000&${LIVE}`;
    const seg = await segment(`/dash/live/demo/demo_v1/101.m4v?${q}`);
    // ISO/IEC 23009-1 5.10.3.3: emsg before the first moof
    const firstMoof = seg.types.indexOf('moof');
    assert.ok(seg.types.indexOf('emsg') >= 0 && seg.types.lastIndexOf('emsg') < firstMoof, seg.types.join());
    assert.equal(seg.emsg.length, 1);
    const e = seg.emsg[0]!;
    assert.equal(e.version, 0);
    assert.equal(e.schemeIdUri, 'urn:dash-live:pingpong:2022');
    assert.equal(e.value, '0');
    assert.equal(e.timescale, 100);
    assert.equal(e.presentationTimeDelta, 0);
    assert.equal(e.eventDuration, 200);
    assert.equal(e.id, 20);
    assert.equal(e.messageData.toString(), 'ping');
    // segments without an event start carry none; audio never does when there is video
    assert.equal((await segment(`/dash/live/demo/demo_v1/102.m4v?${q}`)).emsg.length, 0);
    assert.equal((await segment(`/dash/live/demo/demo_a1/101.m4a?${q}`)).emsg.length, 0);
  });

  it('writes emsg v1 with absolute times, and several events per segment in id order', async () => {
    // interval 50 ticks = 0.5 s: four events per 2 s segment, ids 400…403 in segment 101
    const q = `events=ping&ping__interval=50&ping__version=1&ping__start=0&${LIVE}`;
    const { emsg } = await segment(`/dash/live/demo/demo_v2/101.m4v?${q}`);
    assert.deepEqual(
      emsg.map((e) => [e.version, e.id, e.presentationTime, e.messageData.toString()]),
      [
        [1, 400, 20000n, 'ping'],
        [1, 401, 20050n, 'pong'],
        [1, 402, 20100n, 'ping'],
        [1, 403, 20150n, 'pong'],
      ],
    );
  });

  it('carries SCTE-35 in band as emsg v1 with the 2013:bin scheme and the §9.6 section', async () => {
    const q = `events=scte35&scte35__count=0&${LIVE}`;
    const { emsg } = await segment(`/dash/live/demo/demo_v1/101.m4v?${q}`);
    assert.equal(emsg.length, 1);
    const e = emsg[0]!;
    assert.equal(e.version, 1);
    assert.equal(e.schemeIdUri, 'urn:scte:scte35:2013:bin');
    assert.equal(e.value, '');
    const expected = spliceInfoSection({
      index: 20,
      time: 20000n,
      duration: 200n,
      timescale: 100,
      count: 0,
      programId: 1620,
    });
    assert.deepEqual(e.messageData, expected);
    assert.equal(e.messageData[0], 0xfc);
  });

  it('signals InbandEventStream and MPD EventStreams, valid against the MPD schema', async (t2) => {
    if (!requireTool(t2, 'xmllint', 'libxml2-utils') || !requireShared(t2)) return;
    const variants = [
      'events=ping',
      'events=ping,scte35',
      'events=ping&ping__inband=0',
      'events=ping,scte35&ping__inband=0&scte35__inband=0&ping__count=3&timeline=1',
      'events=scte35&scte35__inband=0&scte35__command=time_signal',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-events-'));
    const files: string[] = [];
    for (const [i, v] of variants.entries()) {
      for (const [mode, template] of [
        ['live', 'hand_made'],
        ['live', 'manifest_n'],
        ['vod', 'hand_made'],
      ] as const) {
        const r = await get(`/dash/${mode}/demo/${template}.mpd?${v}&${LIVE}`);
        assert.equal(r.status, 200, `${template} ${v}`);
        const xml = await r.text();
        if (v === 'events=ping')
          assert.match(
            xml,
            /<InbandEventStream schemeIdUri="urn:dash-live:pingpong:2022" value="0" timescale="100"\/>/,
          );
        if (v.includes('ping__inband=0'))
          assert.match(xml, /<EventStream schemeIdUri="urn:dash-live:pingpong:2022"/);
        const file = join(dir, `${i}-${mode}-${template}.mpd`);
        writeFileSync(file, xml);
        files.push(file);
      }
    }
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const r = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => ({ stderr: e.stderr }),
    );
    assert.ok(!/fails to validate/.test(r.stderr), r.stderr);
  });

  it('lists live MPD events around the window, counted from the availabilityStartTime', async () => {
    // Em = 296 s (MUP 4 s), depth 30: B = 266 s; events every 10 s whose end passes B, up to Em + 8 s
    const r = await get(`/dash/live/demo/hand_made.mpd?events=ping&ping__inband=0&depth=30&${LIVE}`);
    const xml = await r.text();
    const ids = [
      ...xml.matchAll(/<Event presentationTime="(\d+)" duration="200" id="(\d+)">(ping|pong)<\/Event>/g),
    ];
    assert.deepEqual(
      ids.map((m) => Number(m[2])),
      [27, 28, 29, 30],
    );
    assert.ok(ids.every((m) => Number(m[1]) === Number(m[2]) * 1000));
  });

  it('refuses more than 100 emsg per segment with a 400 naming the interval option', async () => {
    for (const path of [
      `/dash/live/demo/hand_made.mpd?events=ping&ping__interval=1&${LIVE}`,
      `/dash/live/demo/demo_v1/101.m4v?events=ping&ping__interval=1&${LIVE}`,
      `/dash/live/demo/demo_v1/101.m4v?events=scte35&scte35__interval=1&${LIVE}`,
    ]) {
      const r = await get(path);
      assert.equal(r.status, 400, path);
      const body = (await r.json()) as { error: { field: string; message: string } };
      assert.match(body.error.field, /^(ping|scte35)__interval$/);
      assert.match(body.error.message, /at most 100 events/);
    }
    // exactly 100 per 2 s segment (interval 2 ticks of 100 Hz) is allowed
    const ok = await segment(`/dash/live/demo/demo_v1/101.m4v?events=ping&ping__interval=2&${LIVE}`);
    assert.equal(ok.emsg.length, 100);
  });
});
