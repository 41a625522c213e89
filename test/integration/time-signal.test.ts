/**
 * SCTE-35 `time_signal` over HTTP (drm-events.md §9.8, §14.4): with
 * `events=scte35&scte35__command=time_signal` the in-band `emsg` of events 0 and 1 and the MPD
 * Events carry §9.8's worked sections byte for byte (literal here, not re-encoded), at a pinned
 * clock 30 s after the availabilityStartTime on the demo stream (video segments of 2 s); the MPD
 * validates against the schema; a bad command is a 400 naming `scte35__command`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoxes, type EmsgFields } from '@loopcast/bmff';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED } from '../support/paths.js';
import { requireShared, requireTool } from '../support/tools.js';

const START = '/DAuAAAAAAAA///wBQb+AAAAAAAYAhZDVUVJAAAAAX//AAACvyAAADQAAAAAaNRp0g==';
const END = '/DAnAAAAAAAA///wBQb+AA27oAARAg9DVUVJAAAAAX+/AAA1AAAqAz0b';
const CLOCK = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 0, 30)}`;
const TS = 'events=scte35&scte35__command=time_signal';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

async function ok(path: string): Promise<Buffer> {
  const res = await fetch(`${t.origin}${path}`);
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, `${path}: ${body.toString().slice(0, 300)}`);
  return body;
}

const emsgOf = async (path: string): Promise<EmsgFields[]> =>
  parseBoxes(await ok(path))
    .filter((b) => b.type === 'emsg')
    .map((b) => b.fields as EmsgFields);

describe('SCTE-35 time_signal over HTTP (drm-events.md §9.8)', () => {
  it('carries the worked sections in band, in the video segments holding events 0 and 1', async () => {
    // event 0 at 0 s is in segment 1, event 1 at 10 s in segment 6
    const [e0] = await emsgOf(`/dash/live/demo/demo_v1/1.m4v?${TS}&${CLOCK}`);
    const [e1] = await emsgOf(`/dash/live/demo/demo_v1/6.m4v?${TS}&${CLOCK}`);
    assert.ok(e0 && e1);
    for (const [e, id, time, b64] of [
      [e0, 0, 0n, START],
      [e1, 1, 1000n, END],
    ] as const) {
      assert.equal(e.version, 1);
      assert.equal(e.schemeIdUri, 'urn:scte:scte35:2013:bin');
      assert.equal(e.timescale, 100);
      assert.equal(e.id, id);
      assert.equal(e.presentationTime, time);
      assert.equal(e.eventDuration, 200);
      assert.equal(e.messageData.toString('base64'), b64);
      assert.equal(e.messageData[13], 6, 'splice_command_type time_signal');
    }
    assert.deepEqual(await emsgOf(`/dash/live/demo/demo_v1/2.m4v?${TS}&${CLOCK}`), []);
    // splice_insert stays the default
    const [insert] = await emsgOf(`/dash/live/demo/demo_v1/1.m4v?events=scte35&${CLOCK}`);
    assert.equal(insert?.messageData[13], 5);
  });

  it('lists the same sections as MPD Events, valid against the schema', async (ctx) => {
    if (!requireShared(ctx) || !requireTool(ctx, 'xmllint', 'libxml2-utils')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-ts-'));
    for (const [mode, template] of [
      ['live', 'hand_made'],
      ['live', 'manifest_n'],
      ['vod', 'hand_made'],
    ] as const) {
      const mpd = (await ok(`/dash/${mode}/demo/${template}.mpd?${TS}&scte35__inband=0&${CLOCK}`)).toString();
      const stream =
        /<EventStream [^>]*schemeIdUri="urn:scte:scte35:2014:xml\+bin"[\s\S]*?<\/EventStream>/.exec(mpd);
      assert.ok(stream, `${mode} ${template}\n${mpd}`);
      assert.match(stream[0], /xmlns:scte35="http:\/\/www\.scte\.org\/schemas\/35\/2016"/);
      const events = [
        ...stream[0].matchAll(
          /<Event presentationTime="(\d+)" duration="200" id="(\d+)">\s*<scte35:Signal>\s*<scte35:Binary>([^<]+)<\/scte35:Binary>/g,
        ),
      ].map((m) => [m[1], m[2], m[3]]);
      assert.deepEqual(events.slice(0, 2), [
        ['0', '0', START],
        ['1000', '1', END],
      ]);
      assert.doesNotMatch(mpd, /InbandEventStream/);
      const file = join(dir, `${mode}-${template}.mpd`);
      writeFileSync(file, mpd);
      const lint = spawnSync(
        'xmllint',
        ['--nonet', '--noout', '--schema', join(SHARED, 'schema', 'DASH-MPD.xsd'), file],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(lint.status, 0, lint.stderr);
    }
  });

  it('refuses an unknown command with a 400 naming scte35__command', async () => {
    const res = await fetch(
      `${t.origin}/dash/live/demo/hand_made.mpd?events=scte35&scte35__command=splice_null&${CLOCK}`,
    );
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.match(body, /scte35__command/);
    assert.match(body, /time_signal/);
  });
});
