// A real DAAP client against loopcast's DAAP library: Debian's libdmapsharing-3.0 (Rhythmbox's
// engine), through a small C program built by this test (daap.md §13.4, testing.md §9.1).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { DaapServer } from '../../packages/daap/src/index.js';
import type { Logger } from '../../packages/daap/src/index.js';
import { audioBytes, demoShare } from '../../packages/daap/test/support/fixtures.js';
import {
  buildClient,
  haveLibdmapsharing,
  killGroup,
  readLines,
  requireTool,
  spawnGroup,
  waitExit,
} from '../support/daap/tools.js';
import type { ChildProcess } from 'node:child_process';

const SIZE = 5000;
const log: { url: string; status: number; encoding?: string }[] = [];
const logger: Logger = {
  info: (o: object) => {
    const e = o as { url?: string; status?: number; encoding?: string };
    if (e.url !== undefined && e.status !== undefined) {
      log.push({ url: e.url, status: e.status, ...(e.encoding ? { encoding: e.encoding } : {}) });
    }
  },
  warn: () => {},
  error: () => {},
};
const ok = haveLibdmapsharing();
const { share, media } = demoShare('Loopcast Music', SIZE);
const server = new DaapServer({
  share,
  media,
  host: '127.0.0.1',
  port: 0,
  mdns: false,
  logger,
  gzip: { minBytes: 64 },
});
let built: { bin: string; dir: string } | undefined;
const children: ChildProcess[] = [];

before(async () => {
  await server.listen();
  if (ok) built = buildClient();
});

after(async () => {
  for (const c of children) killGroup(c, 'SIGKILL');
  await server.close();
  if (built) rmSync(built.dir, { recursive: true, force: true });
});

function fetchBytes(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }),
      );
    })
      .on('error', reject)
      .end();
  });
}

async function runClient(): Promise<{ lines: string[]; proc: ChildProcess }> {
  const proc = spawnGroup(built!.bin, ['127.0.0.1', String(server.port)]);
  children.push(proc);
  const lines = await readLines(proc, (l) => l === 'LISTED', 30_000);
  return { lines, proc };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('libdmapsharing lists items and playlists and plays a URL with the right bytes', async (t) => {
  if (!requireTool(t, ok, 'libdmapsharing-3.0-dev, gcc and pkg-config')) return;
  const { lines, proc } = await runClient();
  assert.match(lines.find((l) => l.startsWith('CONNECTED')) ?? '', /^CONNECTED\t1/);
  const songs = lines.filter((l) => l.startsWith('SONG\t')).map((l) => l.split('\t'));
  const db = share.database(1)!;
  assert.equal(songs.length, db.items.size(share.revision));
  const byTitle = new Map(songs.map((s) => [s[2], s]));
  for (const it of db.items.values(share.revision)) {
    const s = byTitle.get(it.name);
    assert.ok(s, `title ${it.name}`);
    assert.equal(s[3], it.artist);
    assert.equal(s[4], it.album);
    assert.equal(s[5], it.format);
    // a 4-byte astn would read as track 0 (§2.2)
    assert.equal(Number(s[6]), it.trackNumber);
    assert.equal(Number(s[7]), it.year);
  }
  const playlists = lines.filter((l) => l.startsWith('PLAYLIST\t')).map((l) => l.split('\t'));
  assert.deepEqual(playlists.map((p) => [p[2], Number(p[3])]).sort(), [
    ['Empty', 0],
    ['Favourites', 3],
  ]);
  // play the location while the session lives
  const alpha = byTitle.get('Alpha')!;
  const url = alpha[8]!.replace(/^daap:/, 'http:');
  const full = await fetchBytes(url);
  assert.equal(full.status, 200);
  assert.equal(sha(full.body), sha(audioBytes(11, SIZE)));
  const tail = await fetchBytes(url, { Range: 'bytes=1000-' });
  assert.equal(tail.status, 206);
  assert.equal(tail.headers['content-range'], `bytes 1000-${SIZE - 1}/${SIZE}`);
  assert.equal(sha(tail.body), sha(audioBytes(11, SIZE).subarray(1000)));
  proc.stdin?.end();
  await readLines(proc, (l) => l === 'DONE', 10_000);
  await waitExit(proc, 10_000);
  // the §7.4 request shapes, and no 4xx
  assert.ok(
    log.some((e) => /^\/update\?session-id=\d+&revision-number=1$/.test(e.url)),
    'update without delta',
  );
  assert.ok(
    log.some((e) =>
      /^\/databases\/1\/items\?session-id=\d+&revision-number=\d+&meta=dmap\.itemid,/.test(e.url),
    ),
  );
  assert.ok(log.some((e) => /^\/databases\/1\/containers\/2\/items\?/.test(e.url)));
  assert.deepEqual(
    log.filter((e) => e.status >= 400),
    [],
  );
});

test('a second connection after a change sees the new state', async (t) => {
  if (!requireTool(t, ok, 'libdmapsharing-3.0-dev, gcc and pkg-config')) return;
  const db = share.database(1)!;
  db.items.put({
    id: 15,
    name: 'Delta Song',
    artist: 'Dee',
    album: 'Four',
    trackNumber: 9,
    year: 2024,
    format: 'mp3',
    size: SIZE,
  });
  db.items.delete(12);
  share.update();
  const { lines, proc } = await runClient();
  const titles = lines
    .filter((l) => l.startsWith('SONG\t'))
    .map((l) => l.split('\t')[2])
    .sort();
  assert.deepEqual(titles, ['Alpha', 'Delta Song', 'Gamma', 'Écho'].sort());
  proc.stdin?.end();
  await waitExit(proc, 10_000);
});
