// The DAAP server over real sockets on 127.0.0.1 (daap.md §6.1, §6.9, §9.3): absolute-URI request
// lines, a held /update not cut by server timeouts and answered by close(), gzip on the wire, and
// 1,000 aborted ranged requests that leave no file descriptor behind (FileMedia).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaapClient, DaapServer, FileMedia, Share, type DmapNode } from '../../packages/daap/src/index.js';
import { audioBytes } from '../../packages/daap/test/support/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'loopcast-daap-http-'));
const share = new Share({ name: 'HTTP Test', persistentId: 77n });
const db = share.addDatabase({ id: 1, name: 'HTTP Test' });
const SIZE = 200_000;
for (let i = 1; i <= 3; i++) {
  const path = join(dir, `song${i}.mp3`);
  writeFileSync(path, audioBytes(i, SIZE));
  db.items.put({ id: i, name: `Song ${i}`, format: 'mp3', size: SIZE, source: path });
}
for (let i = 4; i <= 300; i++) db.items.put({ id: i, name: `Filler ${i}`, artist: 'Filler', album: 'Many' });
share.update();
const server = new DaapServer({
  share,
  media: new FileMedia(),
  host: '127.0.0.1',
  port: 0,
  mdns: false,
  updateKeepAliveSeconds: 0,
});
let client: DaapClient;
let sid = 0;

before(async () => {
  await server.listen();
  client = new DaapClient('127.0.0.1', server.port, { 'Accept-Encoding': 'gzip' });
  const lg = await client.request('/login');
  sid = (lg.root!.value as DmapNode[]).find((n) => n.code === 'mlid')!.value as number;
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const openFds = (): number => readdirSync('/proc/self/fd').length;

test('absolute-URI request lines over a raw socket', async () => {
  const r = await client.request(`daap://127.0.0.1:${server.port}/server-info`);
  assert.equal(r.status, 200);
  assert.equal(r.root?.code, 'msrv');
  const m = await client.request(
    `http://127.0.0.1:${server.port}/databases/1/items/2.mp3?session-id=${sid}`,
    {
      headers: { Range: 'bytes=0-' },
    },
  );
  assert.equal(m.status, 206);
  assert.deepEqual(m.body, audioBytes(2, SIZE));
});

test('gzip on the wire for large DMAP bodies, never for media', async () => {
  const r = await client.request(`/databases/1/items?session-id=${sid}&meta=all`);
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal((r.root!.value as DmapNode[]).find((n) => n.code === 'mrco')!.value, 300);
  const m = await client.request(`/databases/1/items/1.mp3?session-id=${sid}`);
  assert.equal(m.headers['content-encoding'], undefined);
});

test('1,000 aborted ranged requests leave no open file behind', async () => {
  const base = openFds();
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => {
        s.write(
          `GET /databases/1/items/${(i % 3) + 1}.mp3?session-id=${sid} HTTP/1.1\r\nHost: x\r\nRange: bytes=${i * 10}-\r\n\r\n`,
        );
      });
      s.once('data', () => s.destroy());
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
  for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => one(i + k)));
  // let the server notice the closed sockets and destroy its read streams
  for (let t = 0; t < 50 && openFds() > base + 2; t++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(openFds() <= base + 2, `open fds ${openFds()} vs baseline ${base}`);
});

test('a held /update survives beyond the server timeouts and is answered by a commit', async () => {
  const R = share.revision;
  const held = client.request(`/update?session-id=${sid}&revision-number=${R}`, { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 1500));
  db.items.put({ id: 999, name: 'Late' });
  const R2 = share.update();
  const r = await held;
  assert.equal((r.root!.value as DmapNode[]).find((n) => n.code === 'musr')!.value, R2);
});

test('close() ends held long-polls', async () => {
  const R = share.revision;
  const held = client.request(`/update?session-id=${sid}&revision-number=${R}`, { timeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, 300));
  const closing = server.close();
  const r = await held;
  assert.equal(r.status, 204);
  await closing;
});
