/**
 * A throwaway PostgreSQL cluster on loopback (testing.md §6): Debian's binaries, a random port, a
 * socket in a temp folder, durability off. As root the cluster runs as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface PostgresCluster {
  url: string;
  pause(): void;
  resume(): void;
  stop(): void;
}

const PREFIX = 'loopcast-pg-';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  return join(root, version, 'bin');
}

/** runuser lives in /usr/sbin, which a test's PATH may lack. */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? 'runuser';

function runner(dir: string) {
  const bin = binDir();
  const root = userInfo().uid === 0;
  return (tool: string, args: string[]) =>
    root
      ? execFileSync(RUNUSER, ['-u', 'postgres', '--', join(bin, tool), ...args], {
          stdio: 'pipe',
          cwd: dir,
        })
      : execFileSync(join(bin, tool), args, { stdio: 'pipe', cwd: dir });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A runner killed with SIGKILL leaves its cluster running: stop such leftovers first — only those
 * whose owning runner is gone, never a cluster another test run is using right now.
 */
export function stopLeftoverClusters(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const ownerFile = join(dir, 'owner.pid');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : 0;
    if (owner && alive(owner)) continue;
    const pidFile = join(dir, 'data', 'postmaster.pid');
    try {
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        process.kill(pid, 0);
        runner(dir)('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      }
    } catch {
      /* not running */
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPostgres(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  if (userInfo().uid === 0) {
    const id = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id, id);
    // The postgres user must be able to pass through the temp folder; a private one made with
    // `mktemp -d` (mode 700) would otherwise hide the cluster from its own server.
    const parent = statSync(tmpdir());
    if ((parent.mode & 0o001) === 0) chmodSync(tmpdir(), (parent.mode & 0o7777) | 0o001);
  }
  const run = runner(dir);
  const port = await freePort();
  const data = join(dir, 'data');
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pause: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    resume: start,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
