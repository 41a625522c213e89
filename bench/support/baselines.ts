/**
 * The two baselines of the segment benchmark (README §6, testing.md §8.1): a bare `node:http`
 * server sending the bytes from memory, and nginx (Debian's binary, one worker, sendfile)
 * serving them from a file, with its own config and prefix in a temp folder — the system
 * configuration is never read or touched.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.js';
import { waitForOk } from './loopcast-process.js';
import { removeOnExit, startGroup, waitForLine } from './processes.js';

export interface Baseline {
  origin: string;
  /** Path that serves the bytes (the query is ignored). */
  path: string;
  stop(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));

export async function startBareNode(bodyFile: string): Promise<Baseline> {
  const proc = startGroup('bare node:http', process.execPath, [
    '--import',
    'tsx',
    join(HERE, 'bare-node-server.ts'),
    bodyFile,
  ]);
  try {
    const [, port] = await waitForLine(proc, /^listening (\d+)$/, 20_000);
    return { origin: `http://127.0.0.1:${port}`, path: '/seg.m4s', stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

export async function startNginx(bodyFile: string): Promise<Baseline> {
  const dir = mkdtempSync(join(tmpdir(), 'loopcast-nginx-'));
  removeOnExit(dir);
  // As root the worker runs as nobody: the folder and the file must be readable by it.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'www'));
  mkdirSync(join(dir, 'temp'));
  chmodSync(join(dir, 'www'), 0o755);
  copyFileSync(bodyFile, join(dir, 'www', 'seg.m4s'));
  chmodSync(join(dir, 'www', 'seg.m4s'), 0o644);
  const port = await freePort();
  const temp = join(dir, 'temp');
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      'daemon off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      '  sendfile on; tcp_nopush on; keepalive_requests 100000;',
      `  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp};`,
      `  uwsgi_temp_path ${temp}; scgi_temp_path ${temp};`,
      '  types { video/iso.segment m4s; }',
      `  server { listen 127.0.0.1:${port}; root ${join(dir, 'www')}; }`,
      '}',
      '',
    ].join('\n'),
  );
  // -e: nothing is written to the system's error log at start-up.
  const proc = startGroup('nginx', 'nginx', [
    '-e',
    join(dir, 'error.log'),
    '-p',
    dir,
    '-c',
    join(dir, 'nginx.conf'),
  ]);
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${origin}/seg.m4s`, proc, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin, path: '/seg.m4s', stop };
}
