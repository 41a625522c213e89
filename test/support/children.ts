/**
 * Child processes a test starts, each in its own process group: killed by group id in `after`
 * hooks and, as a last resort, when the test process exits or is told to stop — a file that times
 * out is cancelled without its hooks, and its servers must not outlive it (testing.md §1 rule 4).
 */
const groups = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export function killTrackedChildren(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

let installed = false;

/** Remembers a detached child's process group for clean-up. */
export function trackChildGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  groups.add(pid);
  if (installed) return;
  installed = true;
  process.on('exit', killTrackedChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killTrackedChildren();
      process.exit(1);
    });
  }
}
