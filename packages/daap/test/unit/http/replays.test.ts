// Request-shape replays (daap.md §7, §13.5): each client's sequence of requests, with its
// headers, against the in-process handler, and the per-step expectations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaapHandler, type DaapRequestHandler } from '../../../src/http/handler.js';
import { ManualTimers } from '../../../src/http/clock.js';
import type { DmapNode } from '../../../src/dmap/decode.js';
import type { DmapType } from '../../../src/dmap/types.js';
import { all, call, find, start, val } from '../../support/invoke.js';
import { audioBytes, demoShare } from '../../support/fixtures.js';

const ITUNES12 = {
  'user-agent': 'iTunes/12.2.2 (Macintosh; OS X 10.10.5) AppleWebKit/600.8.9',
  'client-daap-version': '3.13',
  'client-itunes-sharing-version': '3.12',
  'accept-encoding': 'gzip',
  connection: 'keep-alive',
};
const CONTAINER_META =
  'dmap.itemid,dmap.itemname,dmap.persistentid,dmap.parentcontainerid,com.apple.itunes.is-podcast-playlist,com.apple.itunes.special-playlist,com.apple.itunes.smart-playlist,dmap.haschildcontainers,com.apple.itunes.saved-genius,dmap.objectextradata';

function setup(password?: string) {
  const { share, media } = demoShare();
  const h = createDaapHandler({
    share,
    media,
    timers: new ManualTimers(),
    ...(password ? { password } : {}),
  });
  return { share, h, db: share.database(1)! };
}

const ids = (root: DmapNode | undefined, code = 'miid'): unknown[] =>
  all(find(root, 'mlcl'), 'mlit').map((m) => val(m, code));
const mudl = (root: DmapNode | undefined): unknown[] => all(find(root, 'mudl'), 'miid').map((n) => n.value);

async function get(h: DaapRequestHandler, url: string, headers: Record<string, string>) {
  const r = await call(h, url, { headers });
  assert.ok(r.status < 400, `${url} → ${r.status}`);
  return r;
}

test('iTunes 12: full conversation, held update, multi-revision delta, absolute streaming URI', async () => {
  const { h, share, db } = setup();
  const H = ITUNES12;
  const si = await get(h, '/server-info', H);
  assert.equal(val(si.root, 'asgr'), 0);
  assert.deepEqual(val(si.root, 'apro'), { major: 3, minor: 0, patch: 12 });
  const S = val((await get(h, '/login', H)).root, 'mlid') as number;
  assert.ok(S >= 100 && S < 2 ** 31);
  const R = val(
    (await get(h, `/update?session-id=${S}&revision-number=1&delta=0`, H)).root,
    'musr',
  ) as number;
  assert.ok(R >= 2);
  const dbs = await get(h, `/databases?session-id=${S}&revision-number=${R}&delta=0`, H);
  assert.equal(val(dbs.root, 'muty'), 0);
  const items = await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R}&delta=0&type=music&meta=all`,
    H,
  );
  for (const m of all(find(items.root, 'mlcl'), 'mlit'))
    assert.equal((m.value as DmapNode[])[0]!.code, 'mikd');
  const withArt = all(find(items.root, 'mlcl'), 'mlit').find((m) => val(m, 'miid') === 11)!;
  assert.equal(val(withArt, 'asac'), 1);
  const cs = await get(
    h,
    `/databases/1/containers?session-id=${S}&revision-number=${R}&delta=0&meta=${CONTAINER_META}`,
    H,
  );
  assert.equal(val(find(cs.root, 'mlcl', 'mlit'), 'abpl'), 1);
  for (const c of ids(cs.root)) {
    await get(
      h,
      `/databases/1/containers/${c as number}/items?session-id=${S}&revision-number=${R}&delta=0&type=music&meta=dmap.itemkind,dmap.itemid,dmap.containeritemid`,
      H,
    );
  }
  // held update; the share changes: add 1, edit 1, remove 1
  const held = start(h, `/update?session-id=${S}&revision-number=${R}&delta=${R}`, { headers: H });
  await new Promise((r) => setImmediate(r));
  assert.equal(held.ended(), false);
  db.items.put({ id: 60, name: 'Added' });
  db.items.put({ ...db.items.get(12)!, name: 'Beta (edit)' });
  db.items.delete(13);
  const R2 = share.update();
  assert.equal(val((await held.done).root, 'musr'), R2);
  const delta = await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R2}&delta=${R}&type=music&meta=all`,
    H,
  );
  assert.equal(val(delta.root, 'muty'), 1);
  assert.deepEqual(ids(delta.root), [12, 60]);
  assert.deepEqual(mudl(delta.root), [13]);
  const baseDelta = await get(
    h,
    `/databases/1/containers/1/items?session-id=${S}&revision-number=${R2}&delta=${R}`,
    H,
  );
  assert.deepEqual(mudl(baseDelta.root), [13]);
  const favDelta = await get(
    h,
    `/databases/1/containers/2/items?session-id=${S}&revision-number=${R2}&delta=${R}`,
    H,
  );
  assert.deepEqual(mudl(favDelta.root).sort(), [1, 3]);
  // missed update: the old revision is answered at once
  assert.equal(
    val((await get(h, `/update?session-id=${S}&revision-number=${R}&delta=${R}`, H)).root, 'musr'),
    R2,
  );
  // a delta spanning three revisions lists every change
  db.items.put({ id: 61, name: 'Two' });
  share.update();
  db.items.put({ id: 62, name: 'Three' });
  const R3 = share.update();
  const span = await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R3}&delta=${R}&meta=all`,
    H,
  );
  assert.deepEqual(ids(span.root), [12, 60, 61, 62]);
  assert.deepEqual(mudl(span.root), [13]);
  const media = await call(h, `http://127.0.0.1:3689/databases/1/items/11.mp3?session-id=${S}`, {
    headers: { ...H, range: 'bytes=0-' },
  });
  assert.equal(media.status, 206);
  assert.equal(media.headers['content-range'], 'bytes 0-999/1000');
  assert.deepEqual(media.body, audioBytes(11));
  const art = await call(h, `/databases/1/items/11/extra_data/artwork?session-id=${S}&mw=55&mh=55`, {
    headers: H,
  });
  assert.equal(art.status, 200);
  assert.equal((await call(h, `/logout?session-id=${S}`, { headers: H })).status, 204);
  h.close();
});

test('Music.app: colon username, filtered container query keeps the base container', async () => {
  const { h } = setup('s3cret');
  const H = {
    'user-agent': 'Music/1.0.6 (Macintosh; OS X 10.15.7) AppleWebKit/609.4.1 build/10 (dt:1)',
    'accept-encoding': 'gzip',
  };
  assert.equal(val((await get(h, '/server-info', H)).root, 'asgr'), 0);
  const cred = Buffer.from('iTunes_Music/1.0.6 (Macintosh; OS X 10.15.7) (dt:1):s3cret').toString('base64');
  const S = val((await get(h, '/login', { ...H, authorization: `Basic ${cred}` })).root, 'mlid') as number;
  const R = val(
    (await get(h, `/update?session-id=${S}&revision-number=1&delta=0`, H)).root,
    'musr',
  ) as number;
  await get(h, `/databases?session-id=${S}&revision-number=${R}&delta=0`, H);
  await get(h, `/databases/1/items?session-id=${S}&revision-number=${R}&delta=0&type=music&meta=all`, H);
  const q =
    "('dmap.itemname:Loopcast%20Music','com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32','com.apple.itunes.extended-media-kind:128','com.apple.itunes.extended-media-kind:65537')".replace(
      /'/g,
      '%27',
    );
  const cs = await get(
    h,
    `/databases/1/containers?session-id=${S}&revision-number=${R}&delta=0&query=${q}&meta=${CONTAINER_META}`,
    H,
  );
  const base = all(find(cs.root, 'mlcl'), 'mlit').find((m) => val(m, 'abpl') === 1);
  assert.ok(base, 'base container present');
  assert.deepEqual(ids(cs.root), [1, 2, 3]);
  h.close();
});

test('Amarok: content-codes first, decoding with only that table; update without a revision', async () => {
  const { h } = setup();
  const cc = await get(h, '/content-codes', {});
  const table = new Map<string, DmapType>();
  for (const d of all(cc.root, 'mdcl')) table.set(val(d, 'mcnm') as string, val(d, 'mcty') as DmapType);
  const dec = { types: table, typesOnly: true };
  const lg = await call(h, '/login', { decode: dec });
  const S = val(lg.root, 'mlid') as number;
  const up = await call(h, `/update?session-id=${S}`, { decode: dec });
  const R = val(up.root, 'musr') as number;
  await call(h, `/databases?session-id=${S}&revision-number=${R}`, { decode: dec });
  const meta =
    'dmap.itemid,dmap.itemname,daap.songformat,daap.songartist,daap.songalbum,daap.songtime,daap.songtracknumber,daap.songcomment,daap.songyear,daap.songgenre';
  const items = await call(
    h,
    `/databases/1/items?type=music&meta=${meta}&session-id=${S}&revision-number=${R}`,
    {
      decode: dec,
      headers: { 'client-daap-validation': '0123456789abcdef' },
    },
  );
  assert.equal(items.status, 200);
  const first = find(items.root, 'mlcl', 'mlit')!;
  for (const n of first.value as DmapNode[])
    assert.notEqual(n.type, 'raw', `${n.code} unknown to /content-codes`);
  assert.equal(val(first, 'astn'), 1);
  h.close();
});

test('Banshee: trailing &, deltas with mudl, "delta as a difference" gets a full listing', async () => {
  const { h, share, db } = setup();
  await get(h, '/server-info', {});
  await get(h, '/content-codes', {});
  const S = val((await get(h, '/login', {})).root, 'mlid') as number;
  await get(h, `/databases?session-id=${S}&`, {});
  const R = share.revision;
  await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R}&delta=0&type=music&meta=dmap.itemid,dmap.itemname`,
    {},
  );
  assert.equal(val((await get(h, `/update?session-id=${S}`, {})).root, 'musr'), R);
  db.items.delete(11);
  db.items.put({ id: 70, name: 'New' });
  const R2 = share.update();
  const d = await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R2}&delta=${R}&type=music&meta=dmap.itemid`,
    {},
  );
  assert.equal(val(d.root, 'muty'), 1);
  assert.deepEqual(mudl(d.root), [11]);
  const c = await get(
    h,
    `/databases/1/containers/2/items?session-id=${S}&revision-number=${R2}&delta=${R}`,
    {},
  );
  assert.deepEqual(mudl(c.root), [2]);
  const diffAsDelta = await get(
    h,
    `/databases/1/items?session-id=${S}&revision-number=${R2}&delta=${R2 + 4}&type=music`,
    {},
  );
  assert.equal(val(diffAsDelta.root, 'muty'), 0);
  h.close();
});

test('Rhythmbox (libdmapsharing): no delta, no type, only core tags', async () => {
  const { h, share } = setup();
  const H = {
    'user-agent': 'iTunes/4.6 (Windows; N)',
    'client-daap-version': '3.0',
    'accept-encoding': 'gzip, deflate',
  };
  const si = await get(h, '/server-info', H);
  const codes = (si.root!.value as DmapNode[]).map((n) => n.code);
  assert.ok(codes.indexOf('apro') < codes.indexOf('ated'));
  const S = val((await get(h, '/login', H)).root, 'mlid') as number;
  const R = val((await get(h, `/update?session-id=${S}&revision-number=1`, H)).root, 'musr') as number;
  assert.equal(R, share.revision);
  await get(h, `/databases?session-id=${S}&revision-number=${R}`, H);
  const meta =
    'dmap.itemid,dmap.itemname,daap.songalbum,daap.songartist,daap.songgenre,daap.songsize,daap.songtime,daap.songtrackcount,daap.songtracknumber,daap.songyear,daap.songformat,daap.songbitrate,daap.songdiscnumber,daap.songdataurl,daap.sortartist,daap.sortalbum,com.apple.itunes.has-video';
  const items = await get(h, `/databases/1/items?session-id=${S}&revision-number=${R}&meta=${meta}`, H);
  for (const c of ['mstt', 'muty', 'mtco', 'mrco', 'mlcl']) assert.ok(find(items.root, c), c);
  const { codeInfo } = await import('../../../src/dmap/registry.js');
  const check = (n: DmapNode): void => {
    assert.ok(codeInfo(n.code)?.core, `${n.code} is not core`);
    if (Array.isArray(n.value)) n.value.forEach(check);
  };
  check(items.root!);
  const cs = await get(h, `/databases/1/containers?session-id=${S}&revision-number=${R}`, H);
  check(cs.root!);
  await get(h, `/databases/1/containers/2/items?session-id=${S}&revision-number=${R}&meta=dmap.itemid`, H);
  h.close();
});

test('Remote: groups with sort headers, container 0, browse, DACP 404', async () => {
  const { h } = setup();
  const H = { 'viewer-only-client': '1' };
  assert.equal(
    val((await get(h, '/login?pairing-guid=0x0000000000000001&request-session-id=41', H)).root, 'mlid'),
    41,
  );
  await get(h, '/update?revision-number=1&daap-no-disconnect=1&session-id=41', H);
  const q = encodeURIComponent(
    "('daap.songartist!:'+('com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32'))",
  );
  const g = await get(
    h,
    `/databases/1/groups?meta=dmap.itemname,dmap.itemid,dmap.persistentid,daap.songartist,daap.groupalbumcount,daap.songartistid&type=music&group-type=artists&sort=album&include-sort-headers=1&query=${q}&session-id=41`,
    H,
  );
  assert.equal(g.root!.code, 'agar');
  assert.deepEqual(
    all(find(g.root, 'mlcl'), 'mlit').map((m) => val(m, 'minm')),
    ['Ann', 'Bob', 'Cée'],
  );
  const kids = (g.root!.value as DmapNode[]).map((n) => n.code);
  assert.equal(kids.at(-1), 'mshl');
  assert.equal(val(all(find(g.root, 'mshl'), 'mlit').at(-1), 'mshc'), 48);
  const al = await get(
    h,
    '/databases/1/groups?meta=dmap.itemname,dmap.persistentid,daap.songalbumartist&type=music&group-type=albums&sort=artist&include-sort-headers=0&session-id=41',
    H,
  );
  for (const m of all(find(al.root, 'mlcl'), 'mlit'))
    for (const c of ['asaa', 'mimc', 'miid']) assert.ok(find(m, c), c);
  const c0 = await get(
    h,
    '/databases/1/containers/0/items?session-id=41&meta=dmap.itemname,daap.songartist&sort=album&include-sort-headers=1',
    H,
  );
  assert.equal(val(c0.root, 'mrco'), 4);
  const br = await get(h, '/databases/1/browse/artists?session-id=41&include-sort-headers=1', H);
  assert.deepEqual(
    all(find(br.root, 'abar'), 'mlit').map((n) => n.value),
    ['Ann', 'Bob', 'Cée'],
  );
  assert.equal((await call(h, '/ctrl-int/1/getspeakers?session-id=41')).status, 404);
  h.close();
});

test('iTunes 4: version 1.0 server-info, content codes, old meta lists', async () => {
  const { h, share } = setup();
  const H = {
    'user-agent': 'iTunes/4.0 (Macintosh; N; PPC)',
    'client-daap-version': '1.0',
    'accept-encoding': 'gzip',
  };
  const si = await get(h, '/server-info', H);
  assert.deepEqual(val(si.root, 'mpro'), { major: 1, minor: 0, patch: 0 });
  assert.deepEqual(val(si.root, 'apro'), { major: 1, minor: 0, patch: 0 });
  await get(h, '/content-codes', H);
  const S = val((await get(h, '/login', H)).root, 'mlid') as number;
  const R = val((await get(h, `/update?session-id=${S}&revision-number=1`, H)).root, 'musr') as number;
  assert.equal(R, share.revision);
  await get(h, `/databases?session-id=${S}&revision-number=${R}`, H);
  const meta = [
    'dmap.itemid',
    'dmap.itemname',
    'dmap.itemkind',
    'dmap.persistentid',
    'daap.songalbum',
    'daap.songartist',
    'daap.songbitrate',
    'daap.songbeatsperminute',
    'daap.songcomment',
    'daap.songcompilation',
    'daap.songcomposer',
    'daap.songdateadded',
    'daap.songdatemodified',
    'daap.songdisccount',
    'daap.songdiscnumber',
    'daap.songdisabled',
    'daap.songeqpreset',
    'daap.songformat',
    'daap.songgenre',
    'daap.songdescription',
    'daap.songrelativevolume',
    'daap.songsamplerate',
    'daap.songsize',
    'daap.songstarttime',
    'daap.songstoptime',
    'daap.songtime',
    'daap.songtrackcount',
    'daap.songtracknumber',
    'daap.songuserrating',
    'daap.songyear',
    'daap.songdatakind',
    'daap.songdataurl',
    'com.apple.itunes.norm-volume',
  ].join(',');
  const items = await get(
    h,
    `/databases/1/items?type=music&meta=${meta}&session-id=${S}&revision-number=${R}`,
    H,
  );
  const first = find(items.root, 'mlcl', 'mlit')!;
  assert.deepEqual(
    (first.value as DmapNode[]).slice(0, 3).map((n) => n.code),
    ['mikd', 'miid', 'minm'],
  );
  const cs = await get(
    h,
    `/databases/1/containers?session-id=${S}&meta=dmap.itemid,dmap.itemname,dmap.persistentid,com.apple.itunes.smart-playlist`,
    H,
  );
  assert.equal(val(cs.root, 'mrco'), 3);
  const ci = await get(
    h,
    `/databases/1/containers/2/items?session-id=${S}&type=music&meta=dmap.itemkind,dmap.itemid,dmap.containeritemid`,
    H,
  );
  assert.deepEqual(ids(ci.root, 'mcti'), [1, 2, 3]);
  h.close();
});
