/**
 * The CLI's progress bar (validator.md §7): cli-progress on stderr, only on a terminal with `CI`
 * unset, redrawn at most 10 times a second and cleared before the report.
 */
import type { Phase, ValidationIssue } from '@loopcast/dash';

interface Bar {
  start(total: number, value: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

export interface Progress {
  progress(p: { done: number; total: number; phase: Phase; text: string }): void;
  issue(i: ValidationIssue): void;
  stop(): void;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

export async function createProgress(opts: { live: () => string }): Promise<Progress | undefined> {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  // cli-progress ships no types; it is loaded by name so the bundle keeps it external
  const name = 'cli-progress';
  const mod = (await import(name)) as {
    SingleBar: new (o: object) => Bar;
    default?: { SingleBar: new (o: object) => Bar };
  };
  const SingleBar = mod.SingleBar ?? mod.default!.SingleBar;
  const bar = new SingleBar({
    format: 'validating [{bar}] {percentage}% | {phase} {value}/{total} | {counts}{live}',
    stream: process.stderr,
    fps: 10,
    clearOnComplete: true,
    hideCursor: true,
  });
  let errors = 0;
  let warnings = 0;
  // only a dynamic MPD has a clock phase; the live counter shows from then on
  let dynamic = false;
  const payload = (phase: string): Record<string, unknown> => {
    if (phase === 'clock') dynamic = true;
    const live = dynamic ? opts.live() : '';
    return {
      phase,
      counts: `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
      live: live ? ` | ${live}` : '',
    };
  };
  bar.start(1, 0, payload('manifest'));
  let last = 'manifest';
  return {
    progress(p) {
      last = p.phase;
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, payload(p.phase));
    },
    issue(i) {
      if (i.severity === 'error') errors++;
      if (i.severity === 'warning') warnings++;
      bar.update(Number.NaN, payload(last));
    },
    stop() {
      bar.stop();
    },
  };
}
