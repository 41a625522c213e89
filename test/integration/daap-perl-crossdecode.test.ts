// Every reply type cross-decoded by an independent decoder, Net::DAAP::DMAP (Perl), with the
// known differences of that module allowed for (daap.md §13.3, testing.md §9.2).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeInfo, DaapClient, DaapServer, type DmapNode } from '../../packages/daap/src/index.js';
import { demoShare } from '../../packages/daap/test/support/fixtures.js';
import { have, requireTool } from '../support/daap/tools.js';

const ok = have('perl', ['-MNet::DAAP::DMAP', '-MJSON::PP', '-e', '1']);
const script = new URL('../support/daap/dmap-to-json.pl', import.meta.url).pathname;
const { share, media } = demoShare();
const db = share.database(1)!;
db.items.put({
  id: 20,
  name: 'Rich',
  artist: 'Ann',
  album: 'One',
  persistentId: 0x0123456789abcdefn,
  dateAdded: new Date('2024-01-01T00:00:00Z'),
  compilation: true,
  rating: 200,
  bitrate: 320,
  sampleRate: 44100,
  codec: 'mp4a',
  dataKind: 0,
  sortName: 'Rich, The',
  extra: { 'daap.songcategory': 'Demo' },
});
share.update();
const server = new DaapServer({ share, media, host: '127.0.0.1', port: 0, mdns: false });
let dir = '';

before(async () => {
  await server.listen();
  dir = mkdtempSync(join(tmpdir(), 'loopcast-daap-perl-'));
});
after(async () => {
  await server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const BROWSE = new Set(['abar', 'abal', 'abgn', 'abcp']);

/** Our tree in the shape Net::DAAP::DMAP produces, with its documented differences applied. */
function expected(node: DmapNode, parent?: string): unknown[] | undefined {
  const info = codeInfo(node.code);
  if (!info || info.type === 'decode-only') return undefined; // unknown tags are dropped
  const t = info.type;
  if (t === 2 || t === 4 || t === 6 || t === 8) return undefined; // no decoder in the module
  const v = node.value;
  if (Array.isArray(v))
    return [info.name, v.map((c) => expected(c, node.code)).filter((x) => x !== undefined)];
  if (node.code === 'mlit' && parent !== undefined && BROWSE.has(parent)) return [info.name, []];
  if (t === 11 && typeof v === 'object' && 'major' in v) return [info.name, v.major];
  if (t === 10 && v instanceof Date) return [info.name, Math.floor(v.getTime() / 1000)];
  if (typeof v === 'bigint') return [info.name, v.toString()];
  if (node.code === 'ascd' && typeof v === 'string')
    return [info.name, Buffer.from(v, 'latin1').readUInt32BE(0)];
  if (t === 1 && typeof v === 'number') return [info.name, v > 127 ? v - 256 : v];
  return [info.name, v];
}

function perl(body: Buffer, ccPath: string): unknown {
  const r = spawnSync('perl', [script, ccPath], { input: body, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown;
}

test('Net::DAAP::DMAP decodes every reply type like our decoder', async (t) => {
  if (!requireTool(t, ok, 'libnet-daap-dmap-perl')) return;
  const c = new DaapClient('127.0.0.1', server.port, {
    'User-Agent': 'iTunes/12.2.2',
    'Accept-Encoding': 'gzip',
  });
  const cc = await c.request('/content-codes');
  const ccPath = join(dir, 'content-codes.dmap');
  writeFileSync(ccPath, cc.body);
  const sid = (await c.request('/login')).root!;
  const S = (sid.value as DmapNode[]).find((n) => n.code === 'mlid')!.value as number;
  const R = share.revision;
  const q = encodeURIComponent("'daap.songartist:Ann'");
  const targets = [
    '/server-info',
    '/content-codes',
    '/login',
    `/update?session-id=${S}&revision-number=1`,
    `/databases?session-id=${S}`,
    `/databases/1/items?session-id=${S}&meta=all`,
    `/databases/1/items?session-id=${S}&meta=all&sort=name&include-sort-headers=1`,
    `/databases/1/items?session-id=${S}&query=${q}&index=0-1`,
    `/databases/1/containers?session-id=${S}&meta=dmap.itemid,dmap.itemname,dmap.persistentid,dmap.parentcontainerid,com.apple.itunes.smart-playlist,dmap.haschildcontainers`,
    `/databases/1/containers/2/items?session-id=${S}&meta=dmap.itemkind,dmap.itemid,dmap.containeritemid`,
    `/databases/1/groups?session-id=${S}&group-type=albums&meta=dmap.itemname,dmap.persistentid,daap.songalbumartist,daap.songalbumid`,
    `/databases/1/groups?session-id=${S}&group-type=artists&meta=dmap.itemname,daap.groupalbumcount,daap.songartistid&include-sort-headers=1`,
    `/databases/1/browse/artists?session-id=${S}&include-sort-headers=1`,
    `/databases/1/browse/genres?session-id=${S}`,
    `/databases/1/items?session-id=${S}&revision-number=x`,
  ];
  // a delta reply: change the share, then ask for muty=1
  const seen: string[] = [];
  for (const target of targets) {
    const r = await c.request(target);
    assert.ok(r.root, `${target}: DMAP body`);
    const ours = [expected(r.root)];
    assert.deepEqual(perl(r.body, ccPath), ours, target);
    seen.push(r.root.code);
  }
  db.items.put({ id: 21, name: 'Later' });
  db.items.delete(13);
  const R2 = share.update();
  for (const target of [
    `/databases/1/items?session-id=${S}&revision-number=${R2}&delta=${R}&meta=all`,
    `/databases/1/containers/2/items?session-id=${S}&revision-number=${R2}&delta=${R}`,
  ]) {
    const r = await c.request(target);
    assert.deepEqual(perl(r.body, ccPath), [expected(r.root!)], target);
    seen.push(r.root!.code);
  }
  for (const top of [
    'msrv',
    'mccr',
    'mlog',
    'mupd',
    'avdb',
    'adbs',
    'aply',
    'apso',
    'agal',
    'agar',
    'abro',
  ]) {
    assert.ok(seen.includes(top), top);
  }
});
