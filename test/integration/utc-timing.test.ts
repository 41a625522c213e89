/**
 * Several UTCTiming elements, suggestedPresentationDelay and startNumber over HTTP (dash.md §8.1,
 * §7.17, §7.16; worked examples §12.16, §12.13, §12.14) with a pinned clock: the elements in the
 * order given with their values, Cache-Control, the 400s naming the parameter, template resets,
 * renumbered segments (mfhd) and the window's 404/410/425 with `snr`; every variant valid against
 * the MPD schema.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
const NOW = 1740831002500;
const STREAM = `start=2025-03-01T12:00:00Z&now=${NOW}`;

let t: TestServer;
before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const mpd = async (query: string, template = 'hand_made') => {
  const r = await fetch(`${t.origin}/dash/live/bbb/${template}.mpd?${query}`);
  return { status: r.status, cc: r.headers.get('cache-control') ?? '', xml: await r.text() };
};
const utcTimings = (xml: string): string[] =>
  [...xml.matchAll(/<UTCTiming schemeIdUri="([^"]+)" value="([^"]*)"\/>/g)].map(
    (m) => `${m[1]} ${m[2]!.replaceAll('&amp;', '&')}`,
  );
const refusal = async (query: string, template = 'hand_made') => {
  const r = await fetch(`${t.origin}/dash/live/bbb/${template}.mpd?${query}`);
  const body = (await r.json()) as { error: { field: string; message: string } };
  return { status: r.status, field: body.error.field, message: body.error.message };
};
const segment = async (path: string) => {
  const r = await fetch(`${t.origin}/dash/live/bbb/${path}`);
  return {
    status: r.status,
    retryAfter: r.headers.get('retry-after'),
    bytes: Buffer.from(await r.arrayBuffer()),
  };
};
/** mfhd sequence number and tfdt of a media segment. */
function sequenceOf(bytes: Buffer): { sequence: number; decodeTime: bigint } {
  const moof = parseBoxes(bytes).find((b) => b.type === 'moof')!;
  const mfhd = moof.children.find((b) => b.type === 'mfhd')!.fields as { sequenceNumber: number };
  const traf = moof.children.find((b) => b.type === 'traf')!;
  const tfdt = traf.children.find((b) => b.type === 'tfdt')!.fields as {
    baseMediaDecodeTime: bigint | number;
  };
  return { sequence: mfhd.sequenceNumber, decodeTime: BigInt(tfdt.baseMediaDecodeTime) };
}

describe('UTCTiming lists, spd and snr (dash.md §8.1, §7.16, §7.17)', { timeout: 30_000 }, () => {
  it('§12.16 time=direct,xsd: two elements after the Period, in order, and Cache-Control no-cache', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${STREAM}&time=direct,xsd`);
    assert.equal(m.status, 200, m.xml);
    assert.deepEqual(utcTimings(m.xml), [
      'urn:mpeg:dash:utc:direct:2014 2025-03-01T12:10:02.500Z',
      `urn:mpeg:dash:utc:http-xsdate:2014 ${t.origin}/time/xsd?now=1740831002500`,
    ]);
    assert.ok(m.xml.lastIndexOf('</Period>') < m.xml.indexOf('<UTCTiming'), 'after the Periods');
    assert.equal(m.cc, 'no-cache');
    // the default is one xsd element; a list without direct keeps the ordinary max-age
    assert.deepEqual(utcTimings((await mpd(STREAM)).xml), [
      `urn:mpeg:dash:utc:http-xsdate:2014 ${t.origin}/time/xsd?now=1740831002500`,
    ]);
    const three = await mpd(`${STREAM}&time=http-ntp,xsd,head`);
    assert.deepEqual(
      utcTimings(three.xml).map((u) => u.split(' ')[0]),
      [
        'urn:mpeg:dash:utc:http-ntp:2014',
        'urn:mpeg:dash:utc:http-xsdate:2014',
        'urn:mpeg:dash:utc:http-head:2014',
      ],
    );
    assert.equal(three.cc, 'public, max-age=6');
    assert.deepEqual(utcTimings((await mpd(`${STREAM}&time=none`)).xml), []);
    // ntp_servers applies to every ntp and sntp element
    assert.deepEqual(utcTimings((await mpd(`${STREAM}&time=ntp,sntp&ntp_servers=europe-ntp`)).xml), [
      'urn:mpeg:dash:utc:ntp:2014 0.europe.pool.ntp.org 1.europe.pool.ntp.org 2.europe.pool.ntp.org 3.europe.pool.ntp.org',
      'urn:mpeg:dash:utc:sntp:2014 0.europe.pool.ntp.org 1.europe.pool.ntp.org 2.europe.pool.ntp.org 3.europe.pool.ntp.org',
    ]);
    // each loopcast /time URL answers with the pinned clock
    const head = await fetch(`${t.origin}/time/xsd?now=1740831002500`);
    assert.equal(await head.text(), '2025-03-01T12:10:02.500Z');
  });

  it('§12.16 time_value replaces the first element only; lists with repeats or none → 400 naming time', async (c) => {
    if (!requireShared(c)) return;
    const m = await mpd(`${STREAM}&time=xsd,head&time_value=http://192.0.2.1/time`);
    assert.deepEqual(utcTimings(m.xml), [
      'urn:mpeg:dash:utc:http-xsdate:2014 http://192.0.2.1/time',
      `urn:mpeg:dash:utc:http-head:2014 ${t.origin}/time/head?now=1740831002500`,
    ]);
    for (const bad of ['xsd,xsd', 'none,xsd', 'xsd,bogus', 'xsd,,head']) {
      const r = await refusal(`${STREAM}&time=${bad}`);
      assert.deepEqual([r.status, r.field], [400, 'time'], bad);
      assert.match(r.message, /^time: /);
    }
    // manifest_i always writes direct alone
    const i = await mpd(`${STREAM}&time=direct,xsd`, 'manifest_i');
    assert.deepEqual(utcTimings(i.xml), ['urn:mpeg:dash:utc:direct:2014 2025-03-01T12:10:02.500Z']);
    // an ended event's static MPD keeps the list (§7.14)
    const ended = await mpd(
      `start=2025-03-01T12:00:00Z&stop=2025-03-01T12:10:00Z&now=${NOW}&time=direct,xsd`,
    );
    assert.match(ended.xml, /type="static"/);
    assert.equal(utcTimings(ended.xml).length, 2);
  });

  it('§12.13 spd: PT12S, PT1.5S, none with -1, 400 outside the range, reset on manifest_a, none when ended', async (c) => {
    if (!requireShared(c)) return;
    const spd = (xml: string) => /<MPD\b[^>]*\bsuggestedPresentationDelay="([^"]+)"/.exec(xml)?.[1];
    const twelve = await mpd(`${STREAM}&spd=12`);
    assert.equal(spd(twelve.xml), 'PT12S');
    assert.match(
      twelve.xml,
      /<Location>[^<]*\?now=1740831002500&amp;spd=12&amp;start=2025-03-01T12:00:00Z<\/Location>/,
    );
    assert.doesNotMatch(/media="[^"]*"/.exec(twelve.xml)![0], /spd=/, 'segment URLs do not carry spd');
    assert.equal(spd((await mpd(`${STREAM}&spd=1.5`)).xml), 'PT1.5S');
    assert.equal(spd((await mpd(`${STREAM}&spd=0`)).xml), 'PT0S');
    assert.equal(spd((await mpd(`${STREAM}&spd=-1`)).xml), undefined);
    assert.equal(spd((await mpd(STREAM)).xml), 'PT30S');
    const r = await refusal(`${STREAM}&spd=4000`);
    assert.deepEqual([r.status, r.field], [400, 'spd']);
    assert.equal(r.message, 'spd: "4000" is not valid; expected -1, or seconds from 0 to 3600');
    assert.equal(spd((await mpd(`${STREAM}&spd=12`, 'manifest_a')).xml), undefined);
    assert.equal(spd((await mpd(`${STREAM}&spd=12`, 'manifest_e')).xml), 'PT12S');
    const ended = await mpd(`start=2025-03-01T12:00:00Z&stop=2025-03-01T12:10:00Z&now=${NOW}&spd=12`);
    assert.equal(spd(ended.xml), undefined);
  });

  it('§12.14 snr: numbers moved, mfhd = n, the window and its refusals follow the start number', async (c) => {
    if (!requireShared(c)) return;
    const zero = await mpd(`${STREAM}&snr=0`);
    assert.match(zero.xml, /<SegmentTemplate startNumber="0" timescale="240" duration="960"/);
    const s0 = await segment(`bbb_v6/0.m4v?${STREAM}&snr=0`);
    assert.equal(s0.status, 200);
    assert.deepEqual(sequenceOf(s0.bytes), { sequence: 0, decodeTime: 0n });
    const s150 = await segment(`bbb_v6/150.m4v?${STREAM}&snr=0`);
    assert.deepEqual([s150.status, s150.retryAfter], [425, '2']);

    const q = `${STREAM}&snr=1000&depth=30`;
    const num = await mpd(`${q}&timeline=number`);
    assert.match(num.xml, /<SegmentTemplate startNumber="1142" timescale="240"/);
    assert.equal((await segment(`bbb_v6/1137.m4v?${q}`)).status, 410);
    const s1141 = await segment(`bbb_v6/1141.m4v?${q}`);
    assert.equal(s1141.status, 200);
    assert.equal(sequenceOf(s1141.bytes).sequence, 1141);
    assert.equal((await segment(`bbb_v6/999.m4v?${q}`)).status, 404);
    const byTime = await segment(`bbb_v6/time/136320.m4v?${q}&timeline=1`);
    assert.equal(byTime.status, 200);
    assert.equal(sequenceOf(byTime.bytes).sequence, 1142);

    const minus = await mpd(`${STREAM}&snr=-1`);
    assert.doesNotMatch(minus.xml, /startNumber=/);
    assert.equal(sequenceOf((await segment(`bbb_v6/1.m4v?${STREAM}&snr=-1`)).bytes).sequence, 1);
    // a number reaching 2^32 fits neither xs:unsignedInt nor mfhd
    const big = await refusal(`${STREAM}&snr=4294967200`);
    assert.deepEqual([big.status, big.field], [400, 'snr']);
    assert.deepEqual(
      [(await refusal(`${STREAM}&snr=-2`)).status, (await refusal(`${STREAM}&snr=-2`)).field],
      [400, 'snr'],
    );
  });

  it('every variant is valid against the MPD schema', async (c) => {
    if (!requireShared(c) || !requireTool(c, 'xmllint', 'libxml2-utils')) return;
    const variants: [string, string][] = [
      [`${STREAM}&time=direct,xsd`, 'hand_made'],
      [`${STREAM}&time=http-ntp,xsd,head,iso,ntp,sntp`, 'hand_made'],
      [`${STREAM}&time=xsd,head&time_value=http://192.0.2.1/time`, 'hand_made'],
      [`${STREAM}&time=direct,xsd`, 'manifest_i'],
      [`${STREAM}&spd=1.5&snr=0`, 'hand_made'],
      [`${STREAM}&spd=-1&snr=-1`, 'hand_made'],
      [`${STREAM}&snr=1000&depth=30&timeline=number`, 'hand_made'],
      [`${STREAM}&spd=12`, 'manifest_e'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-utc-timing-'));
    const files: string[] = [];
    for (const [i, [query, template]] of variants.entries()) {
      const m = await mpd(query, template);
      assert.equal(m.status, 200, `${template} ${query}: ${m.xml}`);
      const file = join(dir, `${i}.mpd`);
      writeFileSync(file, m.xml);
      files.push(file);
    }
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const r = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => ({ stderr: e.stderr }),
    );
    assert.ok(!/fails to validate/.test(r.stderr), r.stderr);
  });
});
