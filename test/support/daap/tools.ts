// Helpers for the DAAP integration tests: tool detection (skip locally, fail in CI), building
// the libdmapsharing client, and process-group handling so that everything a test starts stops.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const IN_CI = process.env.CI === 'true';

export function have(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Skip (locally) or fail (CI=true) when a tool is missing; returns true when the test can run.
 * `pkg` names the Debian package that provides it.
 */
export function requireTool(t: TestContext, ok: boolean, pkg: string): boolean {
  if (ok) return true;
  const msg = `missing tool: install the Debian package ${pkg}`;
  if (IN_CI) throw new Error(`${msg} (CI=true: required)`);
  t.skip(msg);
  return false;
}

export function haveLibdmapsharing(): boolean {
  return have('gcc') && spawnSync('pkg-config', ['--exists', 'libdmapsharing-3.0']).status === 0;
}

/** Build test/support/daap/daap-client.c into a fresh temporary folder. */
export function buildClient(): { bin: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loopcast-daap-client-'));
  const bin = join(dir, 'daap-client');
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'libdmapsharing-3.0'], { encoding: 'utf8' });
  if (flags.status !== 0) throw new Error(`pkg-config failed: ${flags.stderr}`);
  const src = new URL('./daap-client.c', import.meta.url).pathname;
  const r = spawnSync('gcc', ['-O1', '-Wall', '-o', bin, src, ...flags.stdout.trim().split(/\s+/)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`gcc failed:\n${r.stderr}`);
  return { bin, dir };
}

/** Spawn in its own process group, so that kill(-pid) stops it and its children. */
export function spawnGroup(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
}

export function killGroup(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!p || p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // already gone
  }
}

/** Resolve with stdout lines as they come, until `until` returns true for a line. */
export function readLines(
  p: ChildProcess,
  until: (line: string) => boolean,
  timeoutMs: number,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buf = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`timeout; got:\n${lines.join('\n')}\nstderr:\n${err}`)),
      timeoutMs,
    );
    p.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const onData = (c: Buffer): void => {
      buf += c.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (until(line)) {
          clearTimeout(timer);
          p.stdout?.off('data', onData);
          resolve(lines);
          return;
        }
      }
    };
    p.stdout?.on('data', onData);
    p.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}; got:\n${lines.join('\n')}\nstderr:\n${err}`));
    });
  });
}

/** Resolves with the exit code, or the signal name when the process died by a signal. */
export function waitExit(p: ChildProcess, timeoutMs: number): Promise<number | string | null> {
  if (p.exitCode !== null) return Promise.resolve(p.exitCode);
  if (p.signalCode !== null) return Promise.resolve(p.signalCode);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('process did not exit')), timeoutMs);
    p.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve(code ?? signal);
    });
  });
}
