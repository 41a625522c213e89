/**
 * Slow responses and throttling over HTTP (drm-events.md §10.9, §14.4) on the demo stream:
 * `rate` paces the body within tolerance with the same bytes and Content-Length, per content
 * type, on a range's bytes and on an on-demand file; `delay` moves the status line, also of 404s and faults; held
 * responses count against 32 per client address (the 33rd is a 503 at once) and give their slot
 * back when the client goes away.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/loopcast.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

const SEG = '/dash/vod/demo/demo_v1/1.m4v';

interface Timed {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** ms from sending the request to the status line. */
  head: number;
  /** ms from the first body byte to the last. */
  spread: number;
}

/** A GET with the instants of its status line and of its first and last body bytes. */
function timed(path: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest(new URL(`${t.origin}${path}`), { headers }, (res) => {
      const head = performance.now() - t0;
      const parts: Buffer[] = [];
      let first = 0;
      res.on('data', (b: Buffer) => {
        if (parts.length === 0) first = performance.now();
        parts.push(b);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts),
          headers: res.headers,
          head,
          spread: parts.length === 0 ? 0 : performance.now() - first,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('delay and rate over HTTP', { timeout: 30_000 }, () => {
  it('paces a video body at rate with the same bytes and Content-Length', async () => {
    const plain = await timed(SEG);
    assert.equal(plain.status, 200);
    const size = plain.body.length;
    // about 2 s at this rate
    const rate = Math.max(1000, Math.round(size / 2));
    const paced = await timed(`${SEG}?rate=video:${rate}`);
    assert.equal(paced.status, 200);
    assert.equal(Number(paced.headers['content-length']), size);
    assert.deepEqual(paced.body, plain.body);
    const expected = (size / rate) * 1000;
    assert.ok(
      paced.spread >= expected * 0.9 - 100 && paced.spread <= expected + 500,
      `${size} B at ${rate} B/s took ${paced.spread.toFixed(0)} ms, expected ${expected.toFixed(0)}`,
    );
    // audio items leave video alone
    const other = await timed(`${SEG}?rate=audio:${rate}`);
    assert.ok(other.spread < 300, `video with an audio rate took ${other.spread.toFixed(0)} ms`);
  });

  it('paces a range on the range bytes', async () => {
    const size = (await timed(SEG)).body.length;
    const half = Math.floor(size / 2);
    const rate = Math.max(1000, Math.round(size / 2));
    const r = await timed(`${SEG}?rate=${rate}`, { range: `bytes=0-${half - 1}` });
    assert.equal(r.status, 206);
    assert.equal(r.body.length, half);
    const expected = (half / rate) * 1000;
    assert.ok(
      r.spread >= expected * 0.9 - 100 && r.spread <= expected + 500,
      `range took ${r.spread.toFixed(0)} ms, expected ${expected.toFixed(0)}`,
    );
  });

  it('paces an on-demand file range, slice by slice, with the same bytes', async () => {
    const FILE = '/dash/odvod/demo/demo_v1.m4v';
    const range = { range: 'bytes=1000-100999' };
    const plain = await timed(FILE, range);
    assert.equal(plain.status, 206);
    assert.equal(plain.body.length, 100_000);
    const paced = await timed(`${FILE}?rate=video:50000`, range);
    assert.equal(paced.status, 206);
    assert.equal(paced.headers['content-range'], plain.headers['content-range']);
    assert.deepEqual(paced.body, plain.body);
    // 100,000 bytes at 50,000 B/s: the last 5,000-byte slice leaves 1.9 s after the first
    assert.ok(
      paced.spread >= 1900 * 0.9 - 100 && paced.spread <= 1900 + 500,
      `on-demand range at 50000 B/s took ${paced.spread.toFixed(0)} ms, expected about 1900`,
    );
  });

  it('delays the status line by delay, also on a 404 and a fault', async () => {
    for (const [path, code] of [
      [`${SEG}?delay=video:800`, 200],
      ['/dash/vod/demo/demo_v1/9999.m4v?delay=video:800', 404],
      [`${SEG}?delay=video:800&verr=503=1`, 503],
    ] as const) {
      const r = await timed(path);
      assert.equal(r.status, code, path);
      // the upper bound only has to catch a delay applied twice (1,600 ms) on a busy machine
      assert.ok(r.head >= 790 && r.head <= 1500, `${path}: status line after ${r.head.toFixed(0)} ms`);
    }
    const audio = await timed('/dash/vod/demo/demo_a1/1.m4a?delay=video:800');
    assert.ok(audio.head < 400, `audio with a video delay after ${audio.head.toFixed(0)} ms`);
    // the manifest is never delayed
    const mpd = await timed('/dash/vod/demo/hand_made.mpd?delay=800');
    assert.equal(mpd.status, 200);
    assert.ok(mpd.head < 400, `manifest after ${mpd.head.toFixed(0)} ms`);
  });

  it('answers the 33rd held request of one client 503 at once and frees slots on disconnect', async () => {
    const held: ClientRequest[] = [];
    const settled: Promise<void>[] = [];
    for (let i = 0; i < 32; i++) {
      const req = httpRequest(new URL(`${t.origin}${SEG}?delay=20000`));
      settled.push(new Promise((r) => req.on('close', () => r())));
      req.on('error', () => {});
      req.end();
      held.push(req);
    }
    // wait until the server holds all 32 (each answers nothing yet)
    const deadline = performance.now() + 5000;
    let over: Timed | null = null;
    while (performance.now() < deadline) {
      over = await timed(`${SEG}?delay=100`);
      if (over.status === 503) break;
    }
    assert.ok(over);
    assert.equal(over.status, 503, 'the 33rd held request is refused');
    assert.ok(over.head < 300, `503 after ${over.head.toFixed(0)} ms`);
    assert.equal(over.headers['retry-after'], '1');
    assert.equal(over.headers['cache-control'], 'no-store');
    for (const req of held) req.destroy();
    await Promise.all(settled);
    await new Promise((r) => setTimeout(r, 100));
    const again = await timed(`${SEG}?delay=100`);
    assert.equal(again.status, 200, 'slots come back when their clients go away');
  });

  it('refuses bad delay and rate lists naming the parameter', async () => {
    for (const [q, param] of [
      ['delay=30001', 'delay'],
      ['delay=video:1,video:2', 'delay'],
      ['delay=1,2', 'delay'],
      ['rate=999', 'rate'],
      ['rate=image:5000', 'rate'],
    ] as const) {
      for (const path of [SEG, '/dash/vod/demo/hand_made.mpd']) {
        const r = await fetch(`${t.origin}${path}?${q}`);
        assert.equal(r.status, 400, `${q} ${path}`);
        assert.equal(((await r.json()) as { error: { field?: string } }).error.field, param);
      }
    }
  });
});
