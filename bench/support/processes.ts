/**
 * Child processes of a benchmark: each in its own process group (so a server's own children go
 * with it), remembered until stopped, and stopped whatever happens — at the end, on an exception,
 * on SIGINT/SIGTERM, and as a last resort with SIGKILL when the bench process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface GroupProcess {
  name: string;
  child: ChildProcess;
  /** stdout and stderr so far (capped), for error messages. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<GroupProcess>();
const tempDirs = new Set<string>();
let interruptedBy: NodeJS.Signals | null = null;

/** The signal that interrupted the bench, if any (errors after it are consequences, not findings). */
export const interruption = (): NodeJS.Signals | null => interruptedBy;

/** Temp folders that go when the process exits, however it exits. */
export function removeOnExit(dir: string): void {
  tempDirs.add(dir);
}
const OUTPUT_CAP = 64 * 1024;

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || exited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

export function startGroup(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): GroupProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < OUTPUT_CAP) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const handle: GroupProcess = {
    name,
    child,
    output: () => output,
    async stop(graceMs = 5000) {
      running.delete(handle);
      if (!exited(child)) {
        signalGroup(child, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
        await gone;
        clearTimeout(timer);
      }
      // Whatever the leader left behind in its group goes too.
      signalGroup(child, 'SIGKILL');
    },
  };
  running.add(handle);
  return handle;
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
export function waitForLine(
  proc: GroupProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', onData);
      proc.child.off('exit', onExit);
      fn();
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        const match = line.match(pattern);
        if (match) return finish(() => resolve(match));
      }
    };
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`${proc.name} exited (${code}) before ready: ${proc.output()}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${proc.name} not ready after ${timeoutMs} ms: ${proc.output()}`))),
      timeoutMs,
    );
    proc.child.stdout?.on('data', onData);
    proc.child.once('exit', onExit);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/**
 * SIGINT/SIGTERM stop every child and exit; a synchronous SIGKILL on exit covers paths where
 * nothing could be awaited (process.exit from elsewhere, an uncaught exception).
 */
export function stopChildrenOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interruptedBy = signal;
      console.log(`\n${signal}: stopping child processes`);
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  process.once('exit', () => {
    for (const p of running) signalGroup(p.child, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}
