/**
 * Printing what a benchmark measured (README §6): absolute figures, ratios from the same run,
 * "below goal" / "BELOW FLOOR" marks that never fail the run, and correctness checks that do.
 */

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const formatInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export const formatRatio = (r: number): string => `${r.toFixed(2)}×`;

export interface Level {
  /** e.g. "goal" or "floor" */
  name: string;
  min: number;
}

/** `0.42× (goal ≥ 0.5×, floor ≥ 0.30×) below goal` — the first level missed decides the mark. */
export function judgeRatio(ratio: number, goal?: Level, floor?: Level): string {
  const levels = [goal, floor].filter((l): l is Level => l !== undefined);
  const text = levels.map((l) => `${l.name} ≥ ${formatRatio(l.min)}`).join(', ');
  let mark = '';
  if (floor && ratio < floor.min) mark = ' BELOW FLOOR';
  else if (goal && ratio < goal.min) mark = ' below goal';
  return `${formatRatio(ratio)} (${text})${mark}`;
}

/** Correctness checks: each failure is printed at once and makes the run exit 1 at the end. */
export class Checks {
  private failures: string[] = [];
  private passed = 0;

  check(ok: boolean, what: string): boolean {
    if (ok) this.passed++;
    else {
      this.failures.push(what);
      console.log(`CORRECTNESS FAILURE: ${what}`);
    }
    return ok;
  }

  fail(what: string): void {
    this.check(false, what);
  }

  get failed(): boolean {
    return this.failures.length > 0;
  }

  summary(): string {
    return this.failures.length === 0
      ? `correctness: all ${this.passed} checks passed`
      : `correctness: ${this.failures.length} of ${this.passed + this.failures.length} checks FAILED`;
  }
}
