// More route semantics (daap.md §4.5, §4.8, §6.5, §6.10, §6.17, §6.19, §6.21).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createDaapHandler } from '../../../src/http/handler.js';
import { ManualTimers } from '../../../src/http/clock.js';
import { Share } from '../../../src/model/share.js';
import type { MediaProvider } from '../../../src/media/types.js';
import type { SessionEvent } from '../../../src/http/sessions.js';
import { all, call, find, val } from '../../support/invoke.js';
import { audioBytes, demoShare } from '../../support/fixtures.js';

const mlitIds = (r: { root?: unknown }): unknown[] =>
  all(find(r.root as never, 'mlcl'), 'mlit').map((m) => val(m, 'miid'));

test('lazy source failure: 503 with Retry-After and an msts body, retried on the next read', async () => {
  let fail = true;
  const share = new Share({ name: 'L', persistentId: 9n });
  const db = share.addDatabase({
    id: 1,
    name: 'L',
    items: {
      count: () => 2,
      load: () => {
        if (fail) throw new Error('disk on fire');
        return [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ];
      },
    },
  });
  share.update({ force: true });
  const h = createDaapHandler({
    share,
    media: { item: () => Promise.resolve(undefined) },
    timers: new ManualTimers(),
  });
  const sid = val((await call(h, '/login')).root, 'mlid') as number;
  const dbs = await call(h, `/databases?session-id=${sid}`);
  assert.equal(val(find(dbs.root, 'mlcl', 'mlit'), 'mimc'), 2, 'count() before loading');
  const r = await call(h, `/databases/1/items?session-id=${sid}`);
  assert.equal(r.status, 503);
  assert.equal(r.headers['retry-after'], '5');
  assert.equal(val(r.root, 'msts'), 'library loading failed');
  fail = false;
  const ok = await call(h, `/databases/1/items?session-id=${sid}`);
  assert.equal(ok.status, 200);
  assert.deepEqual(mlitIds(ok), [1, 2]);
  assert.equal(db.items.isLoaded, true);
  h.close();
});

test('media: non-seekable sources, unknown sizes (chunked, Range ignored), empty items', async () => {
  const bytes = audioBytes(1, 1000);
  const share = new Share({ name: 'M', persistentId: 9n });
  const db = share.addDatabase({ id: 1, name: 'M' });
  db.items.put({ id: 1, name: 'stream' });
  db.items.put({ id: 2, name: 'unknown size' });
  db.items.put({ id: 3, name: 'empty' });
  share.update();
  const media: MediaProvider = {
    item: (ctx) =>
      Promise.resolve(
        ctx.item.id === 1
          ? {
              mime: 'audio/mpeg',
              size: 1000,
              seekable: false,
              open: () => Readable.from([bytes.subarray(0, 300), bytes.subarray(300)]),
            }
          : ctx.item.id === 2
            ? { mime: 'audio/mpeg', seekable: true, open: (s: number) => Readable.from([bytes.subarray(s)]) }
            : { mime: 'audio/mpeg', size: 0, seekable: true, open: () => Readable.from([]) },
      ),
  };
  const h = createDaapHandler({ share, media, timers: new ManualTimers() });
  const ns = await call(h, '/databases/1/items/1.mp3', { headers: { range: 'bytes=250-399' } });
  assert.equal(ns.status, 206);
  assert.deepEqual(ns.body, bytes.subarray(250, 400));
  const unk = await call(h, '/databases/1/items/2.mp3', { headers: { range: 'bytes=10-20' } });
  assert.equal(unk.status, 200);
  assert.equal(unk.headers['content-length'], undefined);
  assert.equal(unk.headers['content-range'], undefined);
  assert.equal(unk.body.length, 1000);
  const empty = await call(h, '/databases/1/items/3.mp3');
  assert.equal(empty.status, 200);
  assert.equal(empty.headers['content-length'], '0');
  const emptyRange = await call(h, '/databases/1/items/3.mp3', { headers: { range: 'bytes=0-' } });
  assert.equal(emptyRange.status, 416);
  assert.equal(emptyRange.headers['content-range'], 'bytes */0');
  h.close();
});

test('deltas: databases and containers; empty delta for d = r; full listing below oldest', async () => {
  const { share, media } = demoShare();
  const db = share.database(1)!;
  const h = createDaapHandler({ share, media, timers: new ManualTimers() });
  const sid = val((await call(h, '/login')).root, 'mlid') as number;
  const R = share.revision;
  await call(h, `/databases/1/items?session-id=${sid}&revision-number=${R}`); // holds R
  db.addContainer({ id: 7, name: 'New list' }).entries.append(12);
  db.items.put({ id: 40, name: 'Fresh' });
  const R2 = share.update();
  const dbs = await call(h, `/databases?session-id=${sid}&revision-number=${R2}&delta=${R}`);
  assert.equal(val(dbs.root, 'muty'), 1);
  assert.equal(val(find(dbs.root, 'mlcl', 'mlit'), 'mimc'), 5);
  assert.equal(val(find(dbs.root, 'mlcl', 'mlit'), 'mctc'), 4);
  const cs = await call(h, `/databases/1/containers?session-id=${sid}&revision-number=${R2}&delta=${R}`);
  assert.equal(val(cs.root, 'muty'), 1);
  assert.deepEqual(mlitIds(cs), [1, 7]); // the base container's count changed, and the new list
  const same = await call(h, `/databases/1/items?session-id=${sid}&revision-number=${R2}&delta=${R2}`);
  assert.equal(val(same.root, 'muty'), 1);
  assert.deepEqual(mlitIds(same), []);
  assert.ok(find(same.root, 'mudl'));
  // a filtered request is always a full listing
  const q = await call(h, `/databases/1/items?session-id=${sid}&revision-number=${R2}&delta=${R}&index=0-1`);
  assert.equal(val(q.root, 'muty'), 0);
  // history is kept for the session's held revision
  assert.ok(share.oldest <= R);
  h.close();
  share.clean();
  const h2 = createDaapHandler({ share, media, timers: new ManualTimers() });
  const s2 = val((await call(h2, '/login')).root, 'mlid') as number;
  const old = await call(h2, `/databases/1/items?session-id=${s2}&revision-number=${R2}&delta=${R}`);
  assert.equal(val(old.root, 'muty'), 0, 'a delta from before oldest gets a full listing');
  h2.close();
});

test('items: sort, sort headers and index windows', async () => {
  const { share, media } = demoShare();
  const h = createDaapHandler({ share, media, timers: new ManualTimers() });
  const sid = val((await call(h, '/login')).root, 'mlid') as number;
  const r = await call(
    h,
    `/databases/1/items?session-id=${sid}&sort=name&include-sort-headers=1&meta=dmap.itemname`,
  );
  assert.deepEqual(
    all(find(r.root, 'mlcl'), 'mlit').map((m) => val(m, 'minm')),
    ['Alpha', 'Beta', 'Écho', 'Gamma'],
  );
  const kids = (r.root!.value as { code: string }[]).map((n) => n.code);
  assert.deepEqual(kids, ['mstt', 'muty', 'mtco', 'mrco', 'mlcl', 'mshl']);
  const w = await call(h, `/databases/1/items?session-id=${sid}&sort=name&index=1-2`);
  assert.equal(val(w.root, 'mtco'), 4);
  assert.equal(val(w.root, 'mrco'), 2);
  assert.deepEqual(mlitIds(w), [12, 14]);
  const last = await call(h, `/databases/1/items?session-id=${sid}&index=-1`);
  assert.deepEqual(mlitIds(last), [14]);
  h.close();
});

test('sessions: cap by least recently seen, events, keep-alive revision gives an empty delta', async () => {
  const { share, media } = demoShare();
  const timers = new ManualTimers();
  const h = createDaapHandler({ share, media, timers, maxSessions: 2, updateKeepAliveSeconds: 10 });
  const events: SessionEvent['type'][] = [];
  const off = h.on('session', (e) => events.push(e.type));
  const a = val((await call(h, '/login')).root, 'mlid') as number;
  timers.advance(1000);
  const b = val((await call(h, '/login')).root, 'mlid') as number;
  timers.advance(1000);
  await call(h, `/activity?session-id=${a}`);
  const c = val((await call(h, '/login')).root, 'mlid') as number;
  assert.deepEqual(h.sessions.map((s) => s.id).sort(), [a, c].sort());
  assert.ok(!h.sessions.some((s) => s.id === b));
  assert.deepEqual(events, ['created', 'created', 'created', 'destroyed']);
  off();
  // keep-alive: the held request gets an empty revision; the next delta is empty
  const R = share.revision;
  const { start } = await import('../../support/invoke.js');
  const held = start(h, `/update?session-id=${a}&revision-number=${R}`);
  await new Promise((r) => setImmediate(r));
  timers.advance(10_000);
  const R2 = val((await held.done).root, 'musr') as number;
  assert.equal(R2, R + 1);
  const d = await call(h, `/databases/1/items?session-id=${a}&revision-number=${R2}&delta=${R}`);
  assert.equal(val(d.root, 'muty'), 1);
  assert.deepEqual(mlitIds(d), []);
  h.close();
});

test("'request' events carry a route label and status for metrics", async () => {
  const { share, media } = demoShare();
  const h = createDaapHandler({ share, media, timers: new ManualTimers() });
  const seen: string[] = [];
  const off = h.on('request', (e) => seen.push(`${e.route} ${e.status}`));
  await call(h, '/server-info');
  await call(h, '/databases/1/items/11.mp3');
  await call(h, '/nope');
  off();
  assert.deepEqual(seen, ['/server-info 200', '/databases/{n}/items/{n}.{ext} 200', 'unknown 404']);
  h.close();
});

test('allowClient: addresses outside the policy get 403 on every route', async () => {
  const { share, media } = demoShare();
  const h = createDaapHandler({
    share,
    media,
    timers: new ManualTimers(),
    allowClient: (a) => a.startsWith('127.'),
  });
  assert.equal((await call(h, '/server-info', { address: '127.0.0.1' })).status, 200);
  assert.equal((await call(h, '/server-info', { address: '203.0.113.9' })).status, 403);
  h.close();
});

test('bulk item and entry encoders write the same bytes as the per-record ones', async () => {
  const { encodeEntryBlocks, encodeItemBlocks, entryBlock, itemBlock, parseItemMeta, ALL_ITEM_FIELDS } =
    await import('../../../src/http/fields.js');
  const { share } = demoShare();
  const db = share.database(1)!;
  db.items.put({
    id: 30,
    name: 'Extra',
    extra: { 'daap.songcategory': 'Demo' },
    hasArtwork: true,
    compilation: false,
  });
  const r = share.update();
  const items = db.items.list(r);
  for (const fs of [
    ALL_ITEM_FIELDS,
    parseItemMeta(undefined),
    parseItemMeta('dmap.itemname,daap.songcategory'),
    parseItemMeta(''),
  ]) {
    assert.deepEqual(
      Buffer.concat(encodeItemBlocks(items, fs)),
      Buffer.concat(items.map((it) => itemBlock(it, fs))),
    );
    const rows = items.map((it, i) => ({ e: { id: 100 + i }, it }));
    assert.deepEqual(
      Buffer.concat(encodeEntryBlocks(rows, fs)),
      Buffer.concat(rows.flatMap((x) => entryBlock(x.it, x.e.id, fs))),
    );
  }
});
