/**
 * The fuzz loop, run in a worker thread so that the watchdog in harness.ts can terminate a
 * case that hangs (a synchronous endless loop cannot be interrupted otherwise). Progress goes
 * through shared memory: [0] cases done, [1] case in progress, [2] heap MB.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { caseSeed, mutate, prng } from './mutate.js';
import { exercise } from './target.js';
import { loadSeeds } from './seeds.js';

interface Data {
  seed: number;
  cases: number;
  deadline: number;
  shared: SharedArrayBuffer;
  start: number;
}

const { seed, cases, deadline, shared, start } = workerData as Data;
const progress = new Int32Array(shared);
// findings carry short stacks; deep ones make every typed parse error cost more than the case
Error.stackTraceLimit = 8;
const seeds = loadSeeds();
for (let n = start; n < cases; n++) {
  if ((n & 255) === 0) {
    if (Date.now() > deadline) break;
    progress[2] = Math.round(process.memoryUsage().heapUsed / 1048576);
  }
  Atomics.store(progress, 1, n);
  const input = mutate(seeds, prng(caseSeed(seed, n)));
  try {
    exercise(input, n & 3);
  } catch (e) {
    parentPort!.postMessage({
      kind: 'finding',
      n,
      error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
    });
  }
  Atomics.store(progress, 0, n + 1);
}
parentPort!.postMessage({ kind: 'done', cases: Atomics.load(progress, 0), seeds: seeds.length });
