/**
 * loopcast for load runs: the data folder is prepared in-process (demo installed on first start,
 * then whatever extra streams the bench adds), and the server under load is the real
 * `loopcast serve` in a child process, so it has a core's event loop to itself and runs exactly
 * as shipped (LOOPCAST_LOG_LEVEL=warn).
 */
import { loadSettings } from '../../packages/server/src/config/load.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import { LOOPCAST_BIN } from '../../test/support/paths.js';
import { freePort } from '../../test/support/ports.js';
import { startGroup, type GroupProcess } from './processes.js';

const baseEnv = (data: string, port: number): Record<string, string> => ({
  LOOPCAST_DATA: data,
  LOOPCAST_HOST: '127.0.0.1',
  LOOPCAST_PORT: String(port),
  LOOPCAST_MDNS: 'off',
  LOOPCAST_DAAP: 'off',
});

/** Starts loopcast in-process on `data` (installing the demo), runs `setup`, stops it again. */
export async function prepareLoopcastData<T>(
  data: string,
  setup: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const { settings } = loadSettings({
    env: { ...baseEnv(data, await freePort()), LOOPCAST_LOG_LEVEL: 'silent', LOOPCAST_DEMO: 'on' },
    cwd: data,
    isTerminal: false,
  });
  const server = await startServer(settings, { print: () => {} });
  try {
    return await setup(server);
  } finally {
    await server.close();
  }
}

export interface LoopcastProcess {
  origin: string;
  process: GroupProcess;
}

/** `loopcast serve` on a free loopback port; resolves once `/healthz` answers 200. */
export async function startLoopcastProcess(data: string, timeoutMs = 30_000): Promise<LoopcastProcess> {
  const port = await freePort();
  const proc = startGroup(
    'loopcast',
    process.execPath,
    [
      LOOPCAST_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data',
      data,
      '--no-daap',
      '--mdns',
      'off',
    ],
    // cwd = the data folder, so no settings file (.env) of the working copy is picked up.
    { cwd: data, env: { ...process.env, LOOPCAST_LOG_LEVEL: 'warn' } },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitForOk(`${origin}/healthz`, proc, timeoutMs);
  return { origin, process: proc };
}

/** Polls `url` until it answers 200 (bounded by `timeoutMs`), failing early if `proc` exits. */
export async function waitForOk(url: string, proc: GroupProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`${proc.name} exited before answering ${url}: ${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name}: no 200 from ${url} within ${timeoutMs} ms: ${proc.output()}`);
}
