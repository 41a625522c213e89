/**
 * Several BaseURLs and outages over HTTP (drm-events.md §10.8, §14.4) on the demo stream at a
 * pinned clock: the N BaseURLs of the MPD with their DVB attributes, the same bytes under every
 * `bu{i}/`, the 404 beyond N, down / hang / slow states in their wall-clock windows, the 400s
 * naming `outage` and `baseurls`, and a hang that leaves no timer once its client goes away.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const START = 'start=2026-01-01T00:00:00Z';
const at = (mm: number, ss: number) => `${START}&now=${Date.UTC(2026, 0, 1, 0, mm, ss)}`;
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

const get = (path: string, init?: RequestInit) => fetch(`${t.origin}${path}`, init);
const status = async (path: string) => {
  const r = await get(path);
  await r.arrayBuffer();
  return r.status;
};
const bytes = async (path: string) => Buffer.from(await (await get(path)).arrayBuffer());

/** A segment number inside the live window at `query`. */
async function liveNumber(query: string): Promise<number> {
  const xml = await (await get(`/dash/live/demo/hand_made.mpd?${query}&timeline=number`)).text();
  const m = /startNumber="(\d+)"/.exec(xml);
  assert.ok(m, xml.slice(0, 500));
  return Number(m[1]) + 2;
}

describe('BaseURLs and outages over HTTP', { timeout: 30_000 }, () => {
  it('writes N BaseURLs with serviceLocation, DVB priority and weight', async () => {
    const xml = await (await get(`/dash/live/demo/hand_made.mpd?baseurls=3&${at(10, 0)}`)).text();
    assert.match(xml, /xmlns:dvb="urn:dvb:dash:dash-extensions:2014"/);
    const bases = [...xml.matchAll(/<BaseURL([^>]*)>([^<]*)<\/BaseURL>/g)];
    assert.equal(bases.length, 3, xml.slice(0, 1500));
    bases.forEach((b, i) => {
      assert.equal(b[2], `${t.origin}/dash/live/demo/bu${i}/`);
      assert.match(b[1]!, new RegExp(`serviceLocation="bu${i}" dvb:priority="${i + 1}" dvb:weight="1"`));
    });
    // children carry baseurls, so every BaseURL reaches every segment under it
    assert.match(xml, /baseurls=3/);
    const one = await (await get(`/dash/live/demo/hand_made.mpd?${at(10, 0)}`)).text();
    assert.equal([...one.matchAll(/<BaseURL/g)].length, 1);
    assert.doesNotMatch(one, /xmlns:dvb|serviceLocation/);
    const bad = await get(`/dash/live/demo/hand_made.mpd?base=0&baseurls=2&${at(10, 0)}`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /baseurls/);
  });

  it('serves the same bytes under every prefix and 404s beyond N', async () => {
    const q = `baseurls=3&${at(10, 0)}`;
    const n = await liveNumber(at(10, 0));
    const plain = await bytes(`/dash/live/demo/demo_v1/${n}.m4v?${q}`);
    assert.ok(plain.length > 1000);
    for (const i of [0, 1, 2]) {
      assert.deepEqual(await bytes(`/dash/live/demo/bu${i}/demo_v1/${n}.m4v?${q}`), plain, `bu${i}`);
    }
    assert.equal(await status(`/dash/live/demo/bu3/demo_v1/${n}.m4v?${q}`), 404);
    assert.equal(await status(`/dash/live/demo/bu1/demo_v1/${n}.m4v?${at(10, 0)}`), 404);
    assert.equal(await status(`/dash/live/demo/bu1/demo_a1/init.m4a?${q}`), 200);
  });

  it('takes bu0 down from second 50 of each minute, bu1 always up, the MPD never', async () => {
    const outage = 'baseurls=2&outage=u50d10,-&outage__code=503';
    const down = `${outage}&${at(10, 55)}`;
    const up = `${outage}&${at(10, 45)}`;
    const n = await liveNumber(at(10, 45));
    for (const path of [`demo_v1/${n}.m4v`, 'demo_v1/init.m4v', `demo_a1/${n}.m4a`]) {
      const r = await get(`/dash/live/demo/bu0/${path}?${down}`, { headers: { origin: 'http://p.example' } });
      assert.equal(r.status, 503, path);
      assert.equal(await r.text(), `Synthetic 503 for ${path.endsWith('a') ? 'audio' : 'video'}`);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.ok(r.headers.get('access-control-allow-origin'));
      // no bu part is BaseURL 0 too
      assert.equal(await status(`/dash/live/demo/${path}?${down}`), 503, path);
      assert.equal(await status(`/dash/live/demo/bu1/${path}?${down}`), 200, path);
      assert.equal(await status(`/dash/live/demo/bu0/${path}?${up}`), 200, path);
      assert.equal(await status(`/dash/live/demo/bu1/${path}?${up}`), 200, path);
    }
    assert.equal(await status(`/dash/live/demo/hand_made.mpd?${down}`), 200);
    assert.equal(await status(`/dash/live/demo/hand_made.mpd?${up}`), 200);
    // default code 404 as livesim2
    const r = await get(`/dash/live/demo/bu0/demo_v1/${n}.m4v?baseurls=2&outage=d10&${at(10, 45)}`);
    assert.equal(r.status, 404);
    assert.equal(await r.text(), 'Synthetic 404 for video');
  });

  it('hangs without a status line for outage__hang, then 503', async () => {
    const n = await liveNumber(at(10, 0));
    const t0 = performance.now();
    const r = await get(`/dash/live/demo/demo_v1/${n}.m4v?outage=h10&outage__hang=300&${at(10, 0)}`);
    const ms = performance.now() - t0;
    assert.equal(r.status, 503);
    assert.equal(await r.text(), 'Synthetic 503 for video');
    assert.ok(ms >= 290 && ms < 400 + 200, `hang took ${ms.toFixed(0)} ms`);
  });

  it('answers a slow state after outage__slow', async () => {
    const n = await liveNumber(at(10, 0));
    const t0 = performance.now();
    const r = await get(`/dash/live/demo/demo_v1/${n}.m4v?outage=s10&outage__slow=500&${at(10, 0)}`);
    await r.arrayBuffer();
    const ms = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(ms >= 490, `slow answer after ${ms.toFixed(0)} ms`);
  });

  it('leaves no timer behind when a hanging client disconnects', async () => {
    const n = await liveNumber(at(10, 0));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const url = new URL(
      `${t.origin}/dash/live/demo/demo_v1/${n}.m4v?outage=h10&outage__hang=60000&${at(10, 0)}`,
    );
    const req = httpRequest(url);
    req.on('error', () => {});
    req.end();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(timers() > before, 'the hang holds a timer');
    req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(timers(), before);
  });

  it('refuses malformed patterns and out-of-range sub-options naming the parameter', async () => {
    const n = await liveNumber(at(10, 0));
    const nine = Array(9).fill('-').join(',');
    const seventeen = 'u1'.repeat(17);
    for (const [q, param] of [
      ['outage=x5', 'outage'],
      ['outage=u0', 'outage'],
      ['outage=u0d10', 'outage'],
      ['outage=u86401', 'outage'],
      [`outage=${nine}`, 'outage'],
      [`outage=${seventeen}`, 'outage'],
      ['outage=d5&outage__code=600', 'outage__code'],
      ['outage=d5&outage__hang=99', 'outage__hang'],
      ['outage=d5&outage__slow=30001', 'outage__slow'],
      ['baseurls=9', 'baseurls'],
    ] as const) {
      for (const path of [`demo_v1/${n}.m4v`, 'hand_made.mpd']) {
        const r = await get(`/dash/live/demo/${path}?${q}&${at(10, 0)}`);
        assert.equal(r.status, 400, `${q} ${path}`);
        const body = (await r.json()) as { error: { field?: string } };
        assert.equal(body.error.field, param, `${q} ${path}`);
      }
    }
  });
});
