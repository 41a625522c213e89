/**
 * Low-latency chunked delivery over real HTTP (dash.md §10.3, §12.17): with a pinned clock the
 * complete chunks and nothing else; on the real clock a raw HTTP client sees each chunk of an
 * unfinished segment within 50 ms of its availability time; held requests, 425 past the hold, the
 * held-response limit (503) and its release when a client goes away; the MPD stays schema-valid.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseBoxes, saio, senc } from '@loopcast/bmff';
import { clientKey, HeldResponses } from '../../packages/server/src/streaming/held.js';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
const NOW = 1740831002500; // §12: 2025-03-01T12:10:02.500Z
const Q = 'start=2025-03-01T12:00:00Z&chunkdur=0.5';
let t: TestServer;

before(async () => {
  // one held response per client, so the limit is reachable with two requests
  t = await startTestServer({ env: { LOOPCAST_MAX_HELD_PER_CLIENT: '1' } });
  if (sharedAvailable()) await addBbbStream(t);
});
after(() => t.stop());

const get = (path: string, init?: RequestInit) => fetch(`${t.origin}${path}`, init);
const types = (bytes: Buffer): string[] => parseBoxes(bytes).map((b) => b.type);

interface RawResponse {
  head: string;
  /** When each top-level moof of the body was complete at the client (epoch ms). */
  moofAt: number[];
  body: Buffer;
}

/**
 * A raw HTTP/1.1 GET over a socket: decodes chunked transfer encoding itself and notes the
 * arrival time of every moof, so nothing between the server and the clock buffers the body.
 */
function rawGet(path: string, onSocket?: (destroy: () => void) => void): Promise<RawResponse> {
  const url = new URL(t.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    onSocket?.(() => socket.destroy());
    let raw = Buffer.alloc(0);
    let head: string | null = null;
    let body = Buffer.alloc(0);
    let scanned = 0; // top-level boxes of `body` already walked
    const moofAt: number[] = [];
    const decode = (): boolean => {
      // returns true at the terminating zero-length chunk
      for (;;) {
        const eol = raw.indexOf('\r\n');
        if (eol < 0) return false;
        const size = parseInt(raw.toString('latin1', 0, eol), 16);
        if (raw.length < eol + 2 + size + 2) return false;
        body = Buffer.concat([body, raw.subarray(eol + 2, eol + 2 + size)]);
        raw = raw.subarray(eol + 2 + size + 2);
        if (size === 0) return true;
      }
    };
    socket.on('data', (d: Buffer) => {
      const at = Date.now();
      raw = Buffer.concat([raw, d]);
      if (head === null) {
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = raw.toString('latin1', 0, end);
        raw = raw.subarray(end + 4);
        if (!/transfer-encoding: chunked/i.test(head)) {
          socket.destroy();
          return resolve({ head, moofAt, body: raw });
        }
      }
      const done = decode();
      while (scanned + 8 <= body.length) {
        const size = body.readUInt32BE(scanned);
        if (scanned + size > body.length) break;
        if (body.toString('latin1', scanned + 4, scanned + 8) === 'moof') moofAt.push(at);
        scanned += size;
      }
      if (done) {
        socket.destroy();
        resolve({ head, moofAt, body });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ head: head ?? '', moofAt, body }));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('low-latency chunked delivery', { timeout: 60_000 }, () => {
  it('§12.17 with a pinned clock: the complete chunks only, then the end; 425 for the next', async (c) => {
    if (!requireShared(c)) return;
    const r = await get(`/dash/live/bbb/bbb_v6/151.m4v?${Q}&now=${NOW}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.deepEqual(types(bytes), ['styp', 'prft', ...Array<string[]>(5).fill(['moof', 'mdat']).flat()]);
    const next = await get(`/dash/live/bbb/bbb_v6/152.m4v?${Q}&now=${NOW}`);
    assert.equal(next.status, 425);
    assert.equal(next.headers.get('retry-after'), '2');
    // a complete segment: every chunk at once with a length, cacheable
    const whole = await get(`/dash/live/bbb/bbb_v6/150.m4v?${Q}&now=${NOW}`);
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    const wb = Buffer.from(await whole.arrayBuffer());
    assert.equal(Number(whole.headers.get('content-length')), wb.length);
    assert.equal(types(wb).filter((x) => x === 'moof').length, 8);
    // ffmpeg, a second client, decodes every frame of the chunked segment after the init segment
    if (requireTool(c, 'ffprobe', 'ffmpeg')) {
      const init = Buffer.from(await (await get(`/dash/live/bbb/bbb_v6/init.m4v?${Q}`)).arrayBuffer());
      const file = join(mkdtempSync(join(tmpdir(), 'loopcast-ll-')), 'chunked.mp4');
      writeFileSync(file, Buffer.concat([init, wb]));
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames'],
        ...['-of', 'csv=p=0', file],
      ]);
      assert.equal(stdout.trim(), '96');
    }
    // ranges are honoured on a complete segment
    const part = await get(`/dash/live/bbb/bbb_v6/150.m4v?${Q}&now=${NOW}`, {
      headers: { range: 'bytes=0-99' },
    });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), wb.subarray(0, 100));
  });

  it('a raw client sees every chunk of an unfinished segment within 50 ms of its availability', async (c) => {
    if (!requireShared(c)) return;
    // AST so that the clock is 603–604 s in: segment 152 (604–608 s) is requested ahead of its
    // first chunk (604.5 s) and held; its chunks then complete every 0.5 s
    const ast = Math.floor(Date.now() / 1000) * 1000 - 603_000;
    const start = new Date(ast).toISOString().replace('.000Z', 'Z');
    const r = await rawGet(`/dash/live/bbb/bbb_v6/152.m4v?start=${start}&chunkdur=0.5`);
    assert.match(r.head, /^HTTP\/1\.1 200/);
    assert.match(r.head, /transfer-encoding: chunked/i);
    assert.doesNotMatch(r.head, /^content-length:/im);
    assert.match(r.head, /cache-control: no-store/i);
    assert.match(r.head, /x-accel-buffering: no/i);
    assert.equal(r.moofAt.length, 8);
    const delays = r.moofAt.map((at, j) => at - (ast + 604_500 + 500 * j));
    for (const [j, d] of delays.entries()) {
      assert.ok(d >= 0 && d < 50, `chunk ${j + 1} arrived ${d} ms after its availability time`);
    }
    c.diagnostic(`chunk delays after availability: ${delays.join(', ')} ms`);
    assert.deepEqual(types(r.body).slice(0, 4), ['styp', 'prft', 'moof', 'mdat']);
  });

  it('delay shifts the whole chunk schedule; rate paces each chunk (drm-events.md §10.9)', async (c) => {
    if (!requireShared(c)) return;
    const ast = Math.floor(Date.now() / 1000) * 1000 - 603_000;
    const start = new Date(ast).toISOString().replace('.000Z', 'Z');
    const delayed = await rawGet(`/dash/live/bbb/bbb_v6/152.m4v?start=${start}&chunkdur=0.5&delay=video:300`);
    assert.equal(delayed.moofAt.length, 8);
    const delays = delayed.moofAt.map((at, j) => at - (ast + 604_500 + 500 * j));
    for (const [j, d] of delays.entries())
      assert.ok(d >= 300 && d < 350, `delayed chunk ${j + 1} arrived ${d} ms after its availability`);
    // the next segment, paced much slower than it is produced (about 8 s for its 4 s): the bytes follow
    // the pacer from the first chunk's completion on, not the chunk schedule
    const segment152 = Buffer.from(
      await (await get(`/dash/live/bbb/bbb_v6/152.m4v?start=${start}`)).arrayBuffer(),
    );
    const rate = Math.round(segment152.length / 8);
    const paced = await rawGet(
      `/dash/live/bbb/bbb_v6/153.m4v?start=${start}&chunkdur=0.5&rate=video:${rate}`,
    );
    const lastByteAt = Date.now();
    assert.equal(paced.moofAt.length, 8);
    const firstComplete = ast + 608_500;
    assert.ok(paced.moofAt[0]! >= firstComplete, 'no byte before the first chunk is complete');
    const took = lastByteAt - firstComplete;
    const expected = (paced.body.length / rate) * 1000;
    assert.ok(
      took >= expected * 0.9 - 100 && took <= expected + 1000,
      `${paced.body.length} bytes at ${rate} B/s took ${took} ms from the first chunk (expected about ${expected.toFixed(0)})`,
    );
    // complete by now: every chunk at once, unpaced
    const whole = await get(`/dash/live/bbb/bbb_v6/153.m4v?start=${start}&chunkdur=0.5`);
    assert.deepEqual(paced.body, Buffer.from(await whole.arrayBuffer()), 'pacing changes no byte');
    c.diagnostic(`delayed chunk arrivals: ${delays.join(', ')} ms; paced segment ${took} ms`);
  });

  it('past the hold a request is 425; over the per-client limit 503; a gone client frees its slot', async (c) => {
    if (!requireShared(c)) return;
    const ast = Math.floor(Date.now() / 1000) * 1000 - 603_000;
    const start = new Date(ast).toISOString().replace('.000Z', 'Z');
    const far = await get(`/dash/live/bbb/bbb_v6/154.m4v?start=${start}&chunkdur=0.5`);
    assert.equal(far.status, 425, 'first chunk 9.5 s or more away: beyond the 4-s hold');
    assert.ok(Number(far.headers.get('retry-after')) >= 5);
    // two held requests from one client with one slot: whichever arrives second is 503 at once
    const url = `/dash/live/bbb/bbb_v6/152.m4v?start=${start}&chunkdur=0.5`;
    const aborts = [new AbortController(), new AbortController()];
    const answers = aborts.map((a) => get(url, { signal: a.signal }).then((r) => ({ r, a })));
    const over = await Promise.race(answers);
    assert.equal(over.r.status, 503);
    assert.equal(over.r.headers.get('retry-after'), '1');
    const err = (await over.r.json()) as { error: { code: string } };
    assert.equal(err.error.code, 'unavailable');
    // the other client goes away while held: its slot comes back
    for (const a of aborts) if (a !== over.a) a.abort();
    await Promise.allSettled(answers);
    await new Promise((r) => setTimeout(r, 100));
    const again = new AbortController();
    const next = await get(url, { signal: again.signal });
    assert.equal(next.status, 200, 'the slot came back when the client went away');
    assert.equal(next.headers.get('x-accel-buffering'), 'no');
    again.abort();
  });

  it('chunks of an encrypted segment carry their own senc, saiz and saio', async (c) => {
    if (!requireShared(c)) return;
    const r = await get(`/dash/live/bbb/bbb_v6_enc/151.m4v?${Q}&drm=clearkey&now=${NOW}`);
    assert.equal(r.status, 200);
    const boxes = parseBoxes(Buffer.from(await r.arrayBuffer()));
    const moofs = boxes.filter((b) => b.type === 'moof');
    assert.equal(moofs.length, 5);
    for (const moof of moofs) {
      const traf = moof.child('traf')!;
      const samples = traf.child('trun')!.fields as { sampleCount: number };
      assert.equal(traf.child('senc')!.get(senc).samples.length, samples.sampleCount);
      const offset = traf.child('saio')!.get(saio).offsets[0]!;
      assert.equal(offset, traf.child('senc')!.offset - moof.offset + 16, 'saio points into this chunk');
    }
  });

  it('held-response limits count per node and per client, IPv6 by /64', () => {
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(clientKey('::ffff:10.0.0.7'), '10.0.0.7');
    const held = new HeldResponses(3, 2);
    const a = held.acquire('2001:db8:1:2::1');
    const b = held.acquire('2001:db8:1:2::2');
    assert.ok(a && b);
    assert.equal(held.acquire('2001:db8:1:2::3'), null, 'a third from the same /64');
    const other = held.acquire('10.0.0.1');
    assert.ok(other);
    assert.equal(held.acquire('10.0.0.2'), null, 'the node limit');
    a();
    a(); // a second release gives back nothing more
    assert.equal(held.count, 2);
    assert.ok(held.acquire('10.0.0.2'));
  });

  it('the low-latency MPD validates against the schema', async (c) => {
    if (!requireShared(c) || !requireTool(c, 'xmllint', 'libxml2-utils')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-ll-'));
    for (const q of [`${Q}&now=${NOW}`, `${Q}&timeline=1&now=${NOW}`, `${Q}&timeline=number&now=${NOW}`]) {
      const r = await get(`/dash/live/bbb/hand_made.mpd?${q}`);
      assert.equal(r.status, 200, q);
      const xml = await r.text();
      assert.match(xml, /availabilityTimeOffset="3\.5"/);
      assert.match(xml, /availabilityTimeComplete="false"/);
      assert.match(xml, /<ServiceDescription id="0"><Latency referenceId="0" target="3500"/);
      assert.match(xml, /<ProducerReferenceTime id="0" type="encoder" inband="true"/);
      const file = join(dir, `ll-${q.length}.mpd`);
      writeFileSync(file, xml);
      await run('xmllint', ['--nonet', '--noout', '--schema', join(SHARED, 'schema', 'DASH-MPD.xsd'), file]);
    }
  });
});
