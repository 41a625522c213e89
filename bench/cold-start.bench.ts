/**
 * Cold start (spec README §6): process spawn to the first 200 on a live manifest, first start
 * with the demo installation included. Goal ≤ 1.5 s. Compared with spawning a bare `node -e`
 * that answers one HTTP request, measured in the same run (the floor any Node server pays).
 * `--quick` runs each variant twice, the full run five times; the median is printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPCAST_BIN } from '../test/support/paths.js';
import { freePort } from '../test/support/ports.js';

const quick = process.argv.includes('--quick');
const runs = quick ? 2 : 5;
const GOAL_MS = 1500;

async function firstOk(url: string, started: number, deadlineMs: number): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status === 200) {
        await response.arrayBuffer();
        return performance.now() - started;
      }
      throw new Error(`status ${response.status}`);
    } catch (err) {
      if (performance.now() - started > deadlineMs)
        throw new Error(`no 200 from ${url} within ${deadlineMs} ms`, { cause: err });
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function timeSpawn(args: string[], path: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'loopcast-cold-'));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    args.map((a) => a.replace('PORT', String(port)).replace('DATA', data)),
    {
      cwd: data,
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, LOOPCAST_LOG_LEVEL: 'warn', ...env },
    },
  );
  try {
    return await firstOk(`http://127.0.0.1:${port}${path}`, started, 20_000);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bare: number[] = [];
const loopcast: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(
    await timeSpawn(['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(PORT,'127.0.0.1')"], '/'),
  );
  loopcast.push(
    await timeSpawn(
      [
        LOOPCAST_BIN,
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        'PORT',
        '--data',
        'DATA',
        '--no-daap',
        '--mdns',
        'off',
      ],
      '/dash/live/demo/hand_made.mpd',
    ),
  );
}
const l = median(loopcast);
const b = median(bare);
console.log(
  `cold start to first live manifest (demo installed on first start): ${l.toFixed(0)} ms median of ${runs}`,
);
console.log(
  `bare node:http spawn to first 200:                               ${b.toFixed(0)} ms  (ratio ${(l / b).toFixed(1)}×)`,
);
console.log(l <= GOAL_MS ? `goal ≤ ${GOAL_MS} ms: met` : `goal ≤ ${GOAL_MS} ms: below goal`);
