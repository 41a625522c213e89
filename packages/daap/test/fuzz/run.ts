// The long fuzz run: npx tsx packages/daap/test/fuzz/run.ts --minutes N --seed S [--target T]
// Targets: dmap-decoder, daap-query, daap-routes (default: all, round robin). The loop runs in a
// worker thread; a watchdog terminates it when no progress is reported for 20 s (a hang). Heap
// growth is sampled. Findings go to test-output/fuzz/<target>/<hash>; exit code 1 when any.

import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { recordFinding, type Finding } from './targets.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    seed: { type: 'string' },
    target: { type: 'string' },
  },
});
const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const until = Date.now() + Number(values.minutes) * 60_000;
console.log(`fuzz seed ${seed}, ${values.minutes} min, target ${values.target ?? 'all'}`);
const t0 = Date.now();
const findings: Finding[] = [];
let last = Date.now();
let counts: Record<string, number> = {};
let peak = 0;
const HEAP_LIMIT = 512 * 2 ** 20;

// The worker registers tsx itself (a TypeScript file cannot be a worker entry point directly).
const tsxApi = import.meta.resolve('tsx/esm/api');
const entry = new URL('./worker.ts', import.meta.url).href;
const boot = `(async () => { const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(entry)}); })()`;
const worker = new Worker(boot, { eval: true, workerData: { seed, until, target: values.target } });
const exit = await new Promise<number>((resolve) => {
  const watchdog = setInterval(() => {
    if (Date.now() - last > 20_000) {
      console.log(`hang: no progress for 20 s after ${JSON.stringify(counts)} (seed ${seed})`);
      clearInterval(watchdog);
      void worker.terminate().then(() => resolve(1));
    }
  }, 1000);
  worker.on(
    'message',
    (m: { type: string; finding?: Finding; counts?: Record<string, number>; peak?: number }) => {
      last = Date.now();
      if (m.counts) counts = m.counts;
      if (m.peak !== undefined) peak = m.peak;
      if (m.type === 'finding' && m.finding) {
        findings.push(m.finding);
        console.log(`finding ${recordFinding(m.finding)} (${m.finding.target}): ${m.finding.error}`);
      }
      if (m.type === 'done') {
        clearInterval(watchdog);
        resolve(0);
      }
    },
  );
  worker.on('error', (e) => {
    console.log(`worker crashed: ${e.message}`);
    clearInterval(watchdog);
    resolve(1);
  });
});
const n = Object.values(counts).reduce((a, b) => a + b, 0);
const secs = (Date.now() - t0) / 1000;
console.log(`${n} cases in ${secs.toFixed(1)} s (${Math.round(n / secs)}/s):`, counts);
console.log(`peak heap growth ${(peak / 2 ** 20).toFixed(1)} MB; findings ${findings.length}`);
const heapBad = peak > HEAP_LIMIT;
if (heapBad) console.log('heap grew beyond 512 MB: a leak');
process.exit(exit || findings.length || heapBad ? 1 : 0);
