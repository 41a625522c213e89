/**
 * `loopcast daap serve --library DIR` (daap.md §11.6) as a user runs it, mDNS off: a folder with
 * sub-folders shares its audio, skips a symbolic link out of the folder and a file whose bytes are
 * not its format, follows a copied-in file as a new revision, keeps ids across restarts and exits
 * cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { child, children, DaapClient } from '@loopcast/daap';
import { DEMO_DIR } from '../../packages/server/src/demo/install.js';
import { killTrackedChildren, trackChildGroup } from '../support/children.js';
import { daapServeArgv } from '../support/daap-serve.js';
import { freePort } from '../support/ports.js';

after(killTrackedChildren);

function serve(library: string, data: string, port: number) {
  const proc = spawn(process.execPath, daapServeArgv(library, data, port), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChildGroup(proc.pid);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const ready = async () => {
    for (let i = 0; i < 200 && !out.includes('sharing'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /sharing "/, `no start line; stderr: ${err}`);
  };
  return { proc, exited, ready, output: () => ({ out, err }) };
}

async function listing(port: number) {
  const client = new DaapClient('127.0.0.1', port);
  const login = await client.request('/login');
  const sid = Number(child(login.root!, 'mlid')!.value);
  const items = await client.request(
    `/databases/1/items?session-id=${sid}&meta=dmap.itemid,dmap.itemname,dmap.persistentid`,
  );
  const containers = await client.request(
    `/databases/1/containers?session-id=${sid}&meta=dmap.itemid,dmap.itemname,dmap.parentcontainerid`,
  );
  return {
    items: children(child(items.root!, 'mlcl')!, 'mlit').map((n) => ({
      id: Number(child(n, 'miid')!.value),
      name: child(n, 'minm')!.value as string,
    })),
    containers: children(child(containers.root!, 'mlcl')!, 'mlit').map(
      (n) => child(n, 'minm')!.value as string,
    ),
  };
}

describe('loopcast daap serve', { timeout: 60_000 }, () => {
  it('shares a folder, skips what must not be shared, follows changes and keeps ids', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loopcast-daaplib-'));
    const library = join(root, 'Music');
    mkdirSync(join(library, 'Albums'), { recursive: true });
    const demo = join(DEMO_DIR, 'music');
    const mp3s = readdirSync(demo).filter((f) => f.endsWith('.mp3'));
    const m4as = readdirSync(demo).filter((f) => f.endsWith('.m4a'));
    for (const f of mp3s) copyFileSync(join(demo, f), join(library, f));
    for (const f of m4as.slice(1)) copyFileSync(join(demo, f), join(library, 'Albums', f));
    symlinkSync('/etc/hostname', join(library, 'escape.mp3'));
    writeFileSync(join(library, 'not-really.mp3'), 'plain text, not MPEG audio');
    const data = join(root, 'data');
    const port = await freePort();

    const first = serve(library, data, port);
    await first.ready();
    const before = await listing(port);
    assert.equal(before.items.length, mp3s.length + m4as.length - 1);
    assert.deepEqual(before.containers.slice(1), ['Music', 'Albums']);
    const { err } = first.output();
    assert.match(err, /escape\.mp3: links outside the music folder/);
    assert.match(err, /not-really\.mp3: its bytes are not mp3/);

    copyFileSync(join(demo, m4as[0]!), join(library, 'Albums', m4as[0]!));
    let after = before;
    for (let i = 0; i < 150 && after.items.length === before.items.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await listing(port);
    }
    assert.equal(after.items.length, before.items.length + 1, 'the copied file appears within 15 s');

    first.proc.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const second = serve(library, data, port);
    await second.ready();
    const again = await listing(port);
    const byName = (l: typeof again) => Object.fromEntries(l.items.map((i) => [i.name, i.id]));
    assert.deepEqual(byName(again), byName(after), 'ids survive a restart');
    second.proc.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
