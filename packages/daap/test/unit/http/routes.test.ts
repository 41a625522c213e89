// Route semantics through the in-process handler with a pinned clock (daap.md §6, §13.2).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaapHandler, type DaapRequestHandler } from '../../../src/http/handler.js';
import { ManualTimers } from '../../../src/http/clock.js';
import type { ArtworkScaler } from '../../../src/media/types.js';
import { all, call, find, start, val } from '../../support/invoke.js';
import { audioBytes, demoShare, PNG_1x1 } from '../../support/fixtures.js';

function setup(o: { password?: string; keepAlive?: number; scaler?: ArtworkScaler; gzip?: false } = {}) {
  const { share, media } = demoShare();
  const timers = new ManualTimers();
  const h = createDaapHandler({
    share,
    media,
    timers,
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.keepAlive !== undefined ? { updateKeepAliveSeconds: o.keepAlive } : {}),
    ...(o.scaler ? { artworkScaler: o.scaler } : {}),
    ...(o.gzip === false ? { gzip: false as const } : {}),
  });
  return { share, h, timers, db: share.database(1)! };
}

async function login(h: DaapRequestHandler, headers: Record<string, string> = {}): Promise<number> {
  const r = await call(h, '/login', { headers });
  assert.equal(r.status, 200);
  return val(r.root, 'mlid') as number;
}

test('server-info: field order, asgr by user agent, no session needed', async () => {
  const { h } = setup();
  const r = await call(h, '/server-info', {
    headers: { 'user-agent': 'Music/1.0.6 (Macintosh; OS X 10.15.7)' },
  });
  const codes = (r.root!.value as { code: string }[]).map((n) => n.code);
  assert.deepEqual(codes, [
    'mstt',
    'mpro',
    'minm',
    'apro',
    'aeSV',
    'ated',
    'asgr',
    'aeMQ',
    'aeTr',
    'aeSL',
    'aeSR',
    'msed',
    'mslr',
    'mstm',
    'msal',
    'msau',
    'msup',
    'mspi',
    'msex',
    'msbr',
    'msqy',
    'msix',
    'msdc',
  ]);
  assert.equal(val(r.root, 'asgr'), 0);
  assert.equal(find(r.root, 'asgr')!.length, 2);
  assert.equal(val((await call(h, '/server-info')).root, 'asgr'), 3);
  assert.equal(
    val((await call(h, '/server-info', { headers: { 'user-agent': 'iTunes/12.2.2' } })).root, 'asgr'),
    0,
  );
  const old = await call(h, '/server-info', { headers: { 'client-daap-version': '1.0' } });
  assert.deepEqual(val(old.root, 'apro'), { major: 1, minor: 0, patch: 0 });
  h.close();
});

test('errors: 403 bad session, 404 unknown ids and routes, 400 bad revision, 405', async () => {
  const { h } = setup();
  const sid = await login(h);
  assert.equal((await call(h, '/databases')).status, 403);
  assert.equal((await call(h, '/databases?session-id=77')).status, 403);
  assert.equal((await call(h, '/databases?session-id=abc')).status, 403);
  assert.equal((await call(h, `/databases/9/items?session-id=${sid}`)).status, 404);
  assert.equal((await call(h, `/databases/1/containers/99/items?session-id=${sid}`)).status, 404);
  assert.equal((await call(h, `/databases/x/items?session-id=${sid}`)).status, 404);
  assert.equal((await call(h, `/databases/1/items/999.mp3?session-id=${sid}`)).status, 404);
  assert.equal((await call(h, `/databases/1/browse/moods?session-id=${sid}`)).status, 404);
  for (const p of ['/resolve', '/fp-setup', '/ctrl-int/1/getspeakers', '/databases/1/edit', '/dmap-test']) {
    assert.equal((await call(h, `${p}?session-id=${sid}`)).status, 404, p);
  }
  const bad = await call(h, `/databases/1/items?session-id=${sid}&revision-number=x`);
  assert.equal(bad.status, 400);
  assert.equal(val(bad.root, 'msts'), 'bad revision-number');
  assert.equal(bad.root!.code, 'adbs');
  const post = await call(h, '/server-info', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  // a missing delta is not an error
  assert.equal((await call(h, `/databases/1/items?session-id=${sid}&revision-number=2`)).status, 200);
  assert.equal((await call(h, `/logout?session-id=${sid}`)).status, 204);
  assert.equal((await call(h, `/logout?session-id=123456`)).status, 204);
  assert.equal((await call(h, `/databases?session-id=${sid}`)).status, 403);
  h.close();
});

test('password: 401 with realm, Basic accepted instead of a session, colon usernames', async () => {
  const { h } = setup({ password: 's3cret' });
  const r = await call(h, '/login');
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Basic realm="Loopcast Music"');
  const auth = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString('base64')}` });
  assert.equal((await call(h, '/login', { headers: auth('user:nope') })).status, 401);
  const sid = await login(h, auth('iTunes_Music/1.0.6 (Macintosh; OS X 10.15.7) (dt:1):s3cret'));
  assert.equal(val((await call(h, '/server-info')).root, 'msau'), 2);
  assert.equal((await call(h, `/databases?session-id=${sid}`)).status, 200);
  assert.equal((await call(h, '/databases')).status, 401);
  assert.equal((await call(h, '/databases', { headers: auth(':s3cret') })).status, 200);
  assert.equal((await call(h, '/databases?session-id=5')).status, 403);
  // a session is accepted only from the address that created it
  assert.equal((await call(h, `/databases?session-id=${sid}`, { address: '10.9.9.9' })).status, 403);
  // media routes need credentials too when a password is set
  assert.equal((await call(h, '/databases/1/items/11.mp3')).status, 401);
  h.close();
});

test('throttling: more than 10 failures a minute lock the address out', async () => {
  const { h, timers } = setup();
  for (let i = 0; i < 11; i++) await call(h, `/databases?session-id=${1000 + i}`, { address: '10.0.0.7' });
  const r = await call(h, '/server-info', { address: '10.0.0.7' });
  assert.equal(r.status, 503);
  assert.equal(r.headers['retry-after'], '60');
  assert.equal((await call(h, '/server-info', { address: '10.0.0.8' })).status, 200);
  timers.advance(61_000);
  assert.equal((await call(h, '/server-info', { address: '10.0.0.7' })).status, 200);
  h.close();
});

test('/update: at once when revisions differ, held otherwise, woken in the same turn as update()', async () => {
  const { h, share, db } = setup();
  const sid = await login(h);
  const R = share.revision;
  for (const q of ['', '&revision-number=1', `&revision-number=${R + 5}`]) {
    const r = await call(h, `/update?session-id=${sid}${q}`);
    assert.equal(val(r.root, 'musr'), R);
  }
  const held = start(h, `/update?session-id=${sid}&revision-number=${R}&delta=${R}`);
  await new Promise((r) => setImmediate(r));
  assert.equal(held.ended(), false);
  db.items.put({ id: 50, name: 'New' });
  const R2 = share.update();
  const got = await held.done;
  assert.equal(val(got.root, 'musr'), R2);
  assert.notEqual(R2, R);
  h.close();
});

test('/update keep-alive: an empty revision exactly when the oldest held request times out', async () => {
  const { h, share, timers } = setup({ keepAlive: 1200 });
  const sid = await login(h);
  const R = share.revision;
  const held = start(h, `/update?session-id=${sid}&revision-number=${R}`);
  await new Promise((r) => setImmediate(r));
  timers.advance(1_199_999);
  assert.equal(held.ended(), false);
  timers.advance(1);
  const got = await held.done;
  assert.equal(val(got.root, 'musr'), R + 1);
  assert.equal(share.revision, R + 1);
  h.close();
});

test('/update: disconnect cleanup leaves no waiter; a third held request closes the first', async () => {
  const { h, share } = setup({ keepAlive: 1200 });
  const sids: number[] = [];
  for (let i = 0; i < 10; i++) sids.push(await login(h));
  const R = share.revision;
  const pend = [];
  for (let i = 0; i < 1000; i++)
    pend.push(start(h, `/update?session-id=${sids[i % 10]}&revision-number=${R}`));
  await new Promise((r) => setImmediate(r));
  // two per session survive; the rest were closed as the third of their session
  assert.equal(h.state.hub.size, 20);
  for (const p of pend) p.disconnect();
  await Promise.all(pend.map((p) => p.done));
  assert.equal(h.state.hub.size, 0);
  for (const s of h.state.sessions.list()) assert.equal(s.waiters.length, 0);
  const a = start(h, `/update?session-id=${sids[0]}&revision-number=${R}`);
  const b = start(h, `/update?session-id=${sids[0]}&revision-number=${R}`);
  const c = start(h, `/update?session-id=${sids[0]}&revision-number=${R}`);
  const first = await a.done;
  assert.equal(first.body.length, 0);
  assert.equal(b.ended(), false);
  h.close();
  await Promise.all([b.done, c.done]);
});

test('close() answers held long-polls', async () => {
  const { h, share } = setup();
  const sid = await login(h);
  const held = start(h, `/update?session-id=${sid}&revision-number=${share.revision}`);
  await new Promise((r) => setImmediate(r));
  h.close();
  const r = await held.done;
  assert.ok(r.status === 204 || r.status === 200);
});

test('sessions expire when idle; a held request keeps them alive', async () => {
  const { h, timers } = setup();
  const sid = await login(h);
  timers.advance(86_400_000 - 1000);
  assert.equal((await call(h, `/databases?session-id=${sid}`)).status, 200);
  timers.advance(86_400_000 + 1);
  assert.equal((await call(h, `/databases?session-id=${sid}`)).status, 403);
});

test('request-session-id is honoured (Remote)', async () => {
  const { h } = setup();
  const r = await call(h, '/login?pairing-guid=0x0000000000000001&request-session-id=41');
  assert.equal(val(r.root, 'mlid'), 41);
  h.close();
});

test('gzip on and off; HEAD on every route has headers and no body', async () => {
  const { h } = setup();
  const sid = await login(h);
  const gz = await call(h, '/content-codes', { headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  const plain = await call(h, '/content-codes');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(gz.body, plain.body);
  const { h: h2 } = setup({ gzip: false });
  const s2 = await login(h2);
  const off = await call(h2, `/content-codes?session-id=${s2}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(off.headers['content-encoding'], undefined);
  h2.close();
  const routes = [
    '/server-info',
    '/content-codes',
    '/databases',
    '/databases/1/items',
    '/databases/1/containers',
    '/databases/1/containers/2/items',
    '/databases/1/groups',
    '/databases/1/browse/genres',
    '/databases/1/items/11.mp3',
    '/databases/1/items/11/extra_data/artwork',
  ];
  for (const p of routes) {
    const get = await call(h, `${p}?session-id=${sid}`);
    const head = await call(h, `${p}?session-id=${sid}`, { method: 'HEAD' });
    assert.equal(head.status, get.status, p);
    assert.equal(head.body.length, 0, p);
    assert.equal(head.headers['content-length'], get.headers['content-length'], p);
    assert.equal(head.headers['daap-server'], 'loopcast/0.1.0');
  }
  h.close();
});

test('streaming: ranges, 416, exact bytes, absolute URI targets', async () => {
  const { h } = setup();
  const sid = await login(h);
  const bytes = audioBytes(11);
  const full = await call(h, `http://127.0.0.1:3689/databases/1/items/11.mp3?session-id=${sid}`);
  assert.equal(full.status, 200);
  assert.deepEqual(full.body, bytes);
  assert.equal(full.headers['accept-ranges'], 'bytes');
  assert.equal(full.headers['content-type'], 'audio/mpeg');
  const part = await call(h, `/databases/1/items/11.wrongext?session-id=${sid}`, {
    headers: { range: 'bytes=0-99' },
  });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], 'bytes 0-99/1000');
  assert.deepEqual(part.body, bytes.subarray(0, 100));
  const tail = await call(h, `/databases/1/items/11.mp3?session-id=${sid}`, {
    headers: { range: 'bytes=-100' },
  });
  assert.deepEqual(tail.body, bytes.subarray(900));
  const bad = await call(h, `/databases/1/items/11.mp3?session-id=${sid}`, {
    headers: { range: 'bytes=1000-' },
  });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], 'bytes */1000');
  // unknown session, no password: still served (play URLs survive restarts)
  assert.equal((await call(h, '/databases/1/items/11.mp3?session-id=5')).status, 200);
  const s = h.state.sessions.get(sid)!;
  assert.equal(s.itemsStreamed, 3);
  assert.equal(s.bytesStreamed, 1000 + 100 + 100);
  h.close();
});

test('artwork: MIME from magic bytes, scaled through the injected scaler, 204 without art', async () => {
  const calls: [number | undefined, number | undefined][] = [];
  const scaler: ArtworkScaler = {
    scale: (img, w, hh) => {
      calls.push([w, hh]);
      return Promise.resolve(img);
    },
  };
  const { h } = setup({ scaler });
  const sid = await login(h);
  const r = await call(h, `/databases/1/items/11/extra_data/artwork?session-id=${sid}&mw=55&mh=55`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'image/png');
  assert.deepEqual(r.body, PNG_1x1);
  assert.deepEqual(calls, [[55, 55]]);
  const etag = r.headers.etag!;
  const again = await call(h, `/databases/1/items/11/extra_data/artwork?session-id=${sid}&mw=55&mh=55`, {
    headers: { 'if-none-match': etag },
  });
  assert.equal(again.status, 304);
  assert.equal((await call(h, `/databases/1/items/12/extra_data/artwork?session-id=${sid}`)).status, 204);
  assert.equal((await call(h, `/databases/1/items/999/extra_data/artwork?session-id=${sid}`)).status, 404);
  const groups = await call(h, `/databases/1/groups?session-id=${sid}`);
  const one = all(find(groups.root, 'mlcl'), 'mlit').find((g) => val(g, 'minm') === 'One')!;
  const ga = await call(
    h,
    `/databases/1/groups/${val(one, 'miid') as number}/extra_data/artwork?session-id=${sid}`,
  );
  assert.equal(ga.status, 200);
  assert.equal((await call(h, `/databases/1/groups/4/extra_data/artwork?session-id=${sid}`)).status, 404);
  h.close();
});

test('items: meta honoured and canonicalised, mikd first, default set core only', async () => {
  const { h } = setup();
  const sid = await login(h);
  const a = await call(
    h,
    `/databases/1/items?session-id=${sid}&meta=daap.songtracknumber,dmap.itemname,nonsense,daap.songartist`,
  );
  const b = await call(
    h,
    `/databases/1/items?session-id=${sid}&meta=daap.songartist,dmap.itemname,daap.songtracknumber`,
  );
  assert.deepEqual(a.body, b.body);
  const first = find(a.root, 'mlcl', 'mlit')!;
  assert.deepEqual(
    (first.value as { code: string }[]).map((n) => n.code),
    ['mikd', 'miid', 'minm', 'asar', 'astn'],
  );
  const def = await call(h, `/databases/1/items?session-id=${sid}`);
  const codes = new Set(
    all(find(def.root, 'mlcl'), 'mlit').flatMap((m) => (m.value as { code: string }[]).map((n) => n.code)),
  );
  for (const c of ['asac', 'ased', 'ascd', 'aeMk']) assert.ok(!codes.has(c), c);
  assert.ok(codes.has('asgn'));
});

test('containers: base first with abpl, f?ch on folders only, no mext', async () => {
  const { h } = setup();
  const sid = await login(h);
  const meta =
    'dmap.itemid,dmap.itemname,dmap.persistentid,dmap.parentcontainerid,com.apple.itunes.is-podcast-playlist,com.apple.itunes.special-playlist,com.apple.itunes.smart-playlist,dmap.haschildcontainers,com.apple.itunes.saved-genius,dmap.objectextradata';
  const r = await call(h, `/databases/1/containers?session-id=${sid}&meta=${meta}`);
  const lits = all(find(r.root, 'mlcl'), 'mlit');
  assert.equal(val(lits[0], 'abpl'), 1);
  assert.equal(val(lits[1], 'f?ch'), 1);
  assert.equal(find(lits[2], 'f?ch'), undefined);
  assert.ok(
    !JSON.stringify(lits.map((l) => (l.value as { code: string }[]).map((n) => n.code))).includes('mext'),
  );
  const entries = await call(h, `/databases/1/containers/2/items?session-id=${sid}`);
  assert.deepEqual(
    all(find(entries.root, 'mlcl'), 'mlit').map((m) => val(m, 'miid')),
    [13, 11, 13],
  );
  const base = await call(h, `/databases/1/containers/0/items?session-id=${sid}`);
  assert.equal(val(base.root, 'mrco'), 4);
});
