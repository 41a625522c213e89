/**
 * How the in-process benchmarks print: one aligned line per figure with its goal, and correctness
 * checks that set the exit code (timings never do; spec README §6).
 */
export const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export class BenchReport {
  failed = false;

  constructor(private readonly width = 48) {}

  line(id: string, what: string, value: string, goal?: { ok: boolean; text: string }, extra = ''): void {
    const g = goal ? ` (goal ${goal.text}${goal.ok ? '' : ', below goal'})` : '';
    console.log(`${id.padEnd(4)} ${what.padEnd(this.width)} ${value}${g}${extra ? `  ${extra}` : ''}`);
  }

  check(cond: boolean, what: string): void {
    if (!cond) {
      this.failed = true;
      console.log(`CORRECTNESS FAILURE: ${what}`);
    }
  }
}
