/**
 * Alternating throughput rounds (testing.md §8.2): each target is warmed up, then the targets
 * take turns (A, B, A, B, …) so a noisy neighbour on a shared machine hits every target alike;
 * the median of the timed rounds is the figure.
 */
import { median } from './figures.js';
import type { WrkResult } from './wrk.js';

export interface RoundPlan {
  warmSeconds: number;
  rounds: number;
  seconds: number;
}

export interface Contender {
  label: string;
  /**
   * One wrk run; `run` numbers every run of the whole bench so `now` ranges never repeat;
   * `warmUp` marks the untimed first run (where costly per-response checks can go).
   */
  measure(seconds: number, run: number, warmUp: boolean): Promise<WrkResult>;
}

export interface Standing {
  label: string;
  /** Warm-up first, then the timed rounds. */
  all: WrkResult[];
  timed: WrkResult[];
  requestsPerSecond: number;
  bytesPerSecond: number;
}

let runCounter = 0;
/** A fresh run number for every wrk run of the process. */
export const nextRun = (): number => runCounter++;

export async function alternate(contenders: readonly Contender[], plan: RoundPlan): Promise<Standing[]> {
  const all = new Map<string, WrkResult[]>(contenders.map((c) => [c.label, []]));
  const timed = new Map<string, WrkResult[]>(contenders.map((c) => [c.label, []]));
  for (const c of contenders) all.get(c.label)!.push(await c.measure(plan.warmSeconds, nextRun(), true));
  for (let round = 0; round < plan.rounds; round++) {
    for (const c of contenders) {
      const result = await c.measure(plan.seconds, nextRun(), false);
      all.get(c.label)!.push(result);
      timed.get(c.label)!.push(result);
    }
  }
  return contenders.map((c) => {
    const runs = timed.get(c.label)!;
    return {
      label: c.label,
      all: all.get(c.label)!,
      timed: runs,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      bytesPerSecond: median(runs.map((r) => r.bytesPerSecond)),
    };
  });
}
