/**
 * Fault injection over HTTP (drm-events.md §10.1–§10.7) on the demo stream at a pinned clock:
 * the synthetic answers and their headers, merr by update count, verr by number, time and
 * $Time$, the stateless failures cookie across requests, statuscode cycles, vcorrupt bytes and
 * the 400s for bad fault values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared } from '../support/tools.js';

/** 300 s after the availabilityStartTime: demo segment 150 is at the live edge. */
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;
let t: TestServer;

before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const get = (path: string, init?: RequestInit) => fetch(`${t.origin}${path}`, init);

/** A segment number well inside the live window of `query` (from the MPD's startNumber and timeline). */
async function liveNumber(query: string): Promise<number> {
  const xml = await (await get(`/dash/live/bbb/hand_made.mpd?${query}&timeline=number`)).text();
  const m = /startNumber="(\d+)"/.exec(xml);
  assert.ok(m, xml.slice(0, 500));
  return Number(m[1]) + 2;
}
const status = async (path: string) => (await get(path)).status;

describe('fault injection over HTTP', { timeout: 30_000 }, () => {
  it('answers a scheduled video 404 with the synthetic text, no-store and CORS', async () => {
    const r = await get(`/dash/live/demo/demo_v1/101.m4v?verr=404=101&${LIVE}`, {
      headers: { origin: 'http://player.example' },
    });
    assert.equal(r.status, 404);
    assert.equal(await r.text(), 'Synthetic 404 for video');
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.ok(r.headers.get('access-control-allow-origin'));
    assert.equal(await status(`/dash/live/demo/demo_v1/102.m4v?verr=404=101&${LIVE}`), 200);
    assert.equal(await status(`/dash/live/demo/demo_a1/101.m4a?verr=404=101&${LIVE}`), 200);
    assert.equal(await status(`/dash/live/demo/demo_v1/init.m4v?verr=404=0&${LIVE}`), 404);
    // $Time$: the decode time of segment 101 addresses the same segment
    const seg = Buffer.from(await (await get(`/dash/live/demo/demo_v1/101.m4v?${LIVE}`)).arrayBuffer());
    const tfdt = parseBoxes(seg)
      .find((b) => b.type === 'moof')!
      .find('traf/tfdt')!.fields as {
      baseMediaDecodeTime: bigint | number;
    };
    const time = `/dash/live/demo/demo_v1/time/${tfdt.baseMediaDecodeTime}.m4v`;
    assert.equal(await status(`${time}?${LIVE}`), 200);
    assert.equal(await status(`${time}?verr=503=101&${LIVE}`), 503);
  });

  it('converts time positions for verr, aerr and terr', async () => {
    assert.equal(await status(`/dash/live/demo/demo_v1/101.m4v?verr=404=00:03:20Z&${LIVE}`), 404);
    const a = await get(`/dash/live/demo/demo_a1/101.m4a?aerr=502=00:03:20Z&${LIVE}`);
    assert.equal(a.status, 502);
    assert.equal(await a.text(), 'Synthetic 502 for audio');
    const text = await get(`/dash/live/demo/demo_t1/51.mp4?terr=503=00:03:20Z&${LIVE}`);
    assert.equal(await text.text(), 'Synthetic 503 for text');
  });

  it('fails the manifest whose update count matches merr, and a time window', async () => {
    const m = await get(`/dash/live/demo/hand_made.mpd?merr=503=3&update=3&${LIVE}`);
    assert.equal(m.status, 503);
    assert.equal(await m.text(), 'Synthetic 503 for manifest');
    const ok = await get(`/dash/live/demo/hand_made.mpd?merr=503=3&update=2&${LIVE}`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /update=3/, 'Location carries update=N+1');
    assert.equal(await status(`/dash/live/demo/hand_made.mpd?merr=504=00:04:58&${LIVE}`), 504);
    assert.equal(await status(`/dash/live/demo/hand_made.mpd?merr=504=00:04:00&${LIVE}`), 200);
  });

  it('counts failures in a cookie: N failures, one success, N failures', async () => {
    const path = `/dash/live/demo/demo_v1/101.m4v?verr=503=101&failures=2&${LIVE}`;
    let cookie = '';
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await get(path, { headers: cookie ? { cookie } : {} });
      seen.push(r.status);
      await r.arrayBuffer();
      const set = r.headers.get('set-cookie');
      assert.ok(set, `request ${i} carries the counter cookie`);
      assert.match(set, /Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
      cookie = set.split(';')[0]!;
    }
    assert.deepEqual(seen, [503, 503, 200, 503, 503, 200]);
    // without the cookie (a client that does not return it) every attempt fails
    assert.equal(await status(path), 503);
    assert.equal(await status(path), 503);
  });

  it('cycles status codes with statuscode, per Representation type', async () => {
    const q = `statuscode=${encodeURIComponent('[{cycle:10,rsq:1,code:503,rep:video}]')}&${LIVE}`;
    const got: number[] = [];
    for (let n = 100; n <= 103; n++) got.push(await status(`/dash/live/demo/demo_v2/${n}.m4v?${q}`));
    assert.deepEqual(got, [200, 200, 503, 200]);
    assert.equal(await status(`/dash/live/demo/demo_a1/102.m4a?${q}`), 200);
  });

  it('corrupts reference slices of vcorrupt segments without changing sizes', async () => {
    const clean = Buffer.from(await (await get(`/dash/live/demo/demo_v1/101.m4v?${LIVE}`)).arrayBuffer());
    const r = await get(`/dash/live/demo/demo_v1/101.m4v?vcorrupt=101&frames=2&${LIVE}`);
    assert.equal(r.status, 200);
    const bad = Buffer.from(await r.arrayBuffer());
    assert.equal(bad.length, clean.length);
    assert.notDeepEqual(bad, clean);
    const junk = (b: Buffer) => b.toString('latin1').split('junkjunk').length - 1;
    assert.ok(junk(bad) > junk(clean));
    // header bytes are the same: only sample bytes changed
    const moof = parseBoxes(bad).find((b) => b.type === 'moof')!;
    assert.deepEqual(
      bad.subarray(0, moof.offset + moof.raw!.length),
      clean.subarray(0, moof.offset + moof.raw!.length),
    );
    const other = Buffer.from(
      await (await get(`/dash/live/demo/demo_v1/102.m4v?vcorrupt=101&${LIVE}`)).arrayBuffer(),
    );
    const cleanOther = Buffer.from(
      await (await get(`/dash/live/demo/demo_v1/102.m4v?${LIVE}`)).arrayBuffer(),
    );
    assert.deepEqual(other, cleanOther);
  });

  it('leaves saio uncorrected with bugs=saio when the moof grows (§10.7)', async (t2) => {
    if (!requireShared(t2)) return;
    // start=epoch: decode times pass 2^32 ticks, so tfdt grows to 64 bits and the moof by 4 bytes
    const q = `drm=clearkey&start=epoch&now=${Date.UTC(2026, 0, 1)}`;
    const saioGap = async (query: string) => {
      const r = await get(`/dash/live/bbb/bbb_v6_enc/${await liveNumber(query)}.m4v?${query}`);
      assert.equal(r.status, 200, await r.clone().text());
      const moof = parseBoxes(Buffer.from(await r.arrayBuffer())).find((b) => b.type === 'moof')!;
      const traf = moof.find('traf')!;
      const senc = traf.children.find((b) => b.type === 'senc')!;
      const saio = traf.find('saio')!.fields as { offsets: (number | bigint)[] };
      const tfdt = traf.find('tfdt')!.fields as { version: number };
      assert.equal(tfdt.version, 1);
      // the first senc entry: after the box header, version/flags and sample_count
      return Number(saio.offsets[0]) - (senc.offset - moof.offset + 8 + 4 + 4);
    };
    assert.equal(await saioGap(q), 0, 'saio points at the first senc entry');
    assert.equal(await saioGap(`${q}&bugs=saio`), -4, 'bugs=saio keeps the source offset');
  });

  it('refuses bad fault values with a 400 naming the option', async () => {
    for (const [q, field] of [
      ['verr=302=1', 'verr'],
      ['merr=503=xx', 'merr'],
      ['failures=0', 'failures'],
      ['statuscode=[{cycle:0,code:404}]', 'statuscode'],
      ['frames=0', 'frames'],
      ['bugs=nope', 'bugs'],
    ]) {
      const r = await get(`/dash/live/demo/demo_v1/101.m4v?${q}&${LIVE}`);
      assert.equal(r.status, 400, q);
      assert.equal(((await r.json()) as { error: { field: string } }).error.field, field);
    }
  });
});
