// The Bonjour advert seen by an independent browser (python3-zeroconf), inside a network
// namespace this test creates and deletes (daap.md §13.6, testing.md §9.3). Never on the host
// network. Needs root and `ip`; skipped locally without them, failed when CI=true.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { have, IN_CI, killGroup, readLines, spawnGroup, waitExit } from '../support/daap/tools.js';

const ns = `loopcast-daap-mdns-${process.pid}`;
const serve = new URL('../support/daap/serve.ts', import.meta.url).pathname;
const browse = new URL('../support/daap/browse.py', import.meta.url).pathname;
const children: ChildProcess[] = [];
let created = false;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

after(() => {
  for (const c of children) killGroup(c, 'SIGKILL');
  if (created) spawnSync('ip', ['netns', 'del', ns]);
});

interface Event {
  event: string;
  name?: string;
  port?: number;
  txt?: Record<string, string>;
}

function parse(lines: string[]): Event[] {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
}

function startServer(): ChildProcess {
  const p = spawnGroup('ip', [
    'netns',
    'exec',
    ns,
    process.execPath,
    '--import',
    'tsx',
    serve,
    '--mdns',
    '--host',
    '0.0.0.0',
  ]);
  children.push(p);
  return p;
}

test('_daap._tcp advert with the full TXT set, stable ids across restarts, goodbye on SIGTERM', async (t) => {
  const root = process.getuid?.() === 0;
  const tools = have('ip', ['-V']) && have('/usr/bin/python3', ['-c', 'import zeroconf']);
  if (!root || !tools) {
    const why = !root
      ? 'needs root (network namespaces)'
      : 'missing tool: install the Debian packages iproute2 and python3-zeroconf';
    if (IN_CI) throw new Error(`${why} (CI=true: required)`);
    t.skip(why);
    return;
  }
  ip('netns', 'add', ns);
  created = true;
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
  ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');

  const browser = spawnGroup('ip', ['netns', 'exec', ns, '/usr/bin/python3', browse, '60']);
  children.push(browser);
  const lines: string[] = [];
  browser.stdout!.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  const waitFor = async (pred: (e: Event) => boolean, ms: number): Promise<Event> => {
    const until = Date.now() + ms;
    for (;;) {
      const e = parse(lines).find(pred);
      if (e) return e;
      if (Date.now() > until) throw new Error(`no such browser event; got:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await waitFor((e) => e.event === 'ready', 10_000);

  const server = startServer();
  const [first] = await readLines(server, (l) => l.startsWith('{"port"'), 30_000);
  const { port } = JSON.parse(first!) as { port: number };
  const added = await waitFor((e) => e.event === 'added' || e.event === 'updated', 15_000);
  assert.equal(added.name, 'Loopcast Music._daap._tcp.local.');
  assert.equal(added.port, port);
  const txt = added.txt!;
  assert.deepEqual(
    Object.keys(txt).sort(),
    [
      'Database ID',
      'MID',
      'Machine ID',
      'Machine Name',
      'Media Kinds Shared',
      'OSsi',
      'Password',
      'Version',
      'dmv',
      'ffid',
      'iTSh Version',
      'mtd-version',
      'txtvers',
    ].sort(),
  );
  assert.equal(txt.txtvers, '1');
  assert.equal(txt['Machine Name'], 'Loopcast Music');
  assert.match(txt['Machine ID']!, /^[0-9A-F]{12}$/);
  assert.match(txt['Database ID']!, /^[0-9A-F]{16}$/);
  assert.match(txt.MID!, /^0x[0-9A-F]{16}$/);
  assert.equal(txt['iTSh Version'], '131073');
  assert.equal(txt.Version, '196610');
  assert.equal(txt.dmv, '131082');
  assert.equal(txt.Password, '0');
  assert.equal(txt['Media Kinds Shared'], '1');
  assert.equal(txt.OSsi, '0x1F6');
  assert.match(txt.ffid!, /^[0-9a-f]{8}$/);
  assert.match(txt['mtd-version']!, /^loopcast-/);

  // SIGTERM: the browser sees the removal (goodbye packets) before the process exits
  killGroup(server, 'SIGTERM');
  await waitFor((e) => e.event === 'removed', 10_000);
  // closeOnSignals() withdraws, closes, then lets SIGTERM end the process
  assert.ok([0, 'SIGTERM'].includes((await waitExit(server, 10_000)) ?? -1));

  // restart: identical ids
  lines.length = 0;
  const again = startServer();
  await readLines(again, (l) => l.startsWith('{"port"'), 30_000);
  const re = await waitFor(
    (e) => (e.event === 'added' || e.event === 'updated') && e.txt !== undefined,
    15_000,
  );
  for (const k of ['Machine ID', 'Database ID', 'MID', 'ffid']) assert.equal(re.txt![k], txt[k], k);
  killGroup(again, 'SIGTERM');
  await waitExit(again, 10_000);
  killGroup(browser, 'SIGTERM');
});
