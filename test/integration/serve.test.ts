/**
 * `loopcast serve` as a user runs it: a child process on a random loopback port with mDNS off,
 * health answers, a bad setting stops it with one line and exit 2, and SIGTERM lets an in-flight
 * request finish.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSettings } from '../../packages/server/src/config/load.js';
import { startServer } from '../../packages/server/src/server.js';
import { killTrackedChildren, trackChildGroup } from '../support/children.js';
import { LOOPCAST_BIN } from '../support/paths.js';
import { freePort } from '../support/ports.js';

after(killTrackedChildren);

function runLoopcast(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'loopcast-serve-'));
  const child = spawn(process.execPath, [LOOPCAST_BIN, ...args], {
    cwd,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOOPCAST_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChildGroup(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, cwd, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(url: string, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('loopcast serve', { timeout: 60_000 }, () => {
  it('starts with defaults in an empty folder, answers health, prints the URLs, stops on SIGTERM', async () => {
    const port = await freePort();
    const run = runLoopcast([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--no-daap',
      '--mdns',
      'off',
    ]);
    const health = await waitFor(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    assert.match(await home.text(), /loopcast/);
    assert.match(home.headers.get('x-request-id') ?? '', /.+/);
    const { stdout } = run.output();
    assert.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stdout, /first admin created: user "admin", password "[A-Za-z0-9]{16}"/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  });

  for (const [name, args, env, expected] of [
    [
      'a bad port flag',
      ['--port', '70000'],
      {},
      /^loopcast: invalid setting LOOPCAST_PORT="70000" \(from flag --port\): expected an integer from 1 to 65535$/,
    ],
    [
      'a bad environment value',
      [],
      { LOOPCAST_ACCESS_LOG: 'some' },
      /^loopcast: invalid setting LOOPCAST_ACCESS_LOG="some" \(from environment\): expected one of all, api, off$/,
    ],
    [
      'equal HTTP and DAAP ports',
      ['--port', '4000', '--daap-port', '4000'],
      {},
      /^loopcast: invalid setting LOOPCAST_DAAP_PORT="4000": must differ from the HTTP port$/,
    ],
  ] as const) {
    it(`stops with one clear line and exit 2 on ${name}`, { timeout: 20_000 }, async () => {
      const run = runLoopcast(['serve', '--mdns', 'off', ...args], env);
      assert.equal(await run.exited, 2);
      const lines = run.output().stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line, got: ${run.output().stderr}`);
      assert.match(lines[0] ?? '', expected);
    });
  }

  it('lets an in-flight request finish on shutdown and refuses new work', async () => {
    const data = mkdtempSync(join(tmpdir(), 'loopcast-graceful-'));
    const port = await freePort();
    const { settings } = loadSettings({
      env: {
        LOOPCAST_DATA: data,
        LOOPCAST_PORT: String(port),
        LOOPCAST_HOST: '127.0.0.1',
        LOOPCAST_MDNS: 'off',
        LOOPCAST_DAAP: 'off',
        LOOPCAST_LOG_LEVEL: 'silent',
        LOOPCAST_DEMO: 'off',
      },
      cwd: data,
    });
    let release: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startServer(settings, {
      print: () => {},
      configure: (app) =>
        app.get('/slow', async () => {
          release();
          await new Promise((r) => setTimeout(r, 700));
          return { done: true };
        }),
    });
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await started;
    const closing = server.close();
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503, '/readyz turns 503 during shutdown');
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { done: true });
    await closing;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the listener is closed');
  });
});
