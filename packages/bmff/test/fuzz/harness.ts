/**
 * Runs the bmff fuzz loop in a worker with a watchdog (per-case time limit, heap ceiling),
 * writes findings to test-output/fuzz/bmff/<hash> (the input) and <hash>.txt (the error), and
 * returns counts. Reproduce a finding with its seed and case number, or replay the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { caseSeed, mutate, prng } from './mutate.js';
import { loadSeeds, repoRoot } from './seeds.js';

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER = new URL('./worker.ts', import.meta.url).href;

export interface FuzzOptions {
  seed: number;
  /** Stop after this many cases … */
  cases: number;
  /** … or after this many milliseconds, whichever comes first. */
  timeMs: number;
  /** A case running longer than this is a hang. */
  caseLimitMs?: number;
  /** Heap use above this is a finding (bounded memory). */
  heapLimitMb?: number;
  log?: (s: string) => void;
}

export interface FuzzResult {
  cases: number;
  findings: { n: number; error: string; file: string }[];
  seconds: number;
  rate: number;
  maxHeapMb: number;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const log = o.log ?? (() => undefined);
  const shared = new SharedArrayBuffer(12);
  const progress = new Int32Array(shared);
  const findings: FuzzResult['findings'] = [];
  const t0 = Date.now();
  const outDir = path.join(repoRoot, 'test-output', 'fuzz', 'bmff');
  let seeds: Buffer[] | undefined;
  const record = (n: number, error: string): void => {
    seeds ??= loadSeeds();
    const input = mutate(seeds, prng(caseSeed(o.seed, n)));
    const hash = createHash('sha1').update(input).digest('hex').slice(0, 16);
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, hash);
    writeFileSync(file, input);
    writeFileSync(`${file}.txt`, `seed ${o.seed} case ${n}\n${error}\n`);
    findings.push({ n, error: error.split('\n')[0]!, file });
    log(`finding at case ${n}: ${error.split('\n')[0]} → ${file}`);
  };
  let maxHeap = 0;
  let next = 0;
  let cases = 0;
  while (next < o.cases && Date.now() - t0 < o.timeMs && findings.length < 20) {
    progress[0] = next;
    progress[1] = next;
    // the worker loads TypeScript through tsx's loader API, resolved here so that it works
    // from any working directory
    const boot = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER)}); })`;
    const worker = new Worker(boot, {
      eval: true,
      workerData: { seed: o.seed, cases: o.cases, deadline: t0 + o.timeMs, shared, start: next },
      resourceLimits: { maxOldGenerationSizeMb: o.heapLimitMb ?? 768 },
    });
    const outcome = await new Promise<{ kind: 'done' | 'hang' | 'crash'; n: number }>((resolve) => {
      let lastN = -1;
      let since = Date.now();
      const timer = setInterval(() => {
        const n = Atomics.load(progress, 1);
        maxHeap = Math.max(maxHeap, Atomics.load(progress, 2));
        if (n !== lastN) {
          lastN = n;
          since = Date.now();
        } else if (Date.now() - since > (o.caseLimitMs ?? 5000) && Atomics.load(progress, 0) <= n) {
          clearInterval(timer);
          void worker.terminate();
          resolve({ kind: 'hang', n });
        }
      }, 100);
      worker.on('message', (m: { kind: string; n?: number; error?: string; cases?: number }) => {
        if (m.kind === 'finding') record(m.n!, m.error!);
        if (m.kind === 'done') {
          clearInterval(timer);
          resolve({ kind: 'done', n: m.cases! });
        }
      });
      worker.on('error', (e) => {
        clearInterval(timer);
        resolve({ kind: 'crash', n: Atomics.load(progress, 1) });
        log(`worker error: ${String(e)}`);
      });
      worker.on('exit', () => {
        clearInterval(timer);
        resolve({ kind: 'crash', n: Atomics.load(progress, 1) });
      });
    });
    cases = Math.max(cases, Atomics.load(progress, 0));
    if (outcome.kind === 'done') break;
    record(
      outcome.n,
      outcome.kind === 'hang'
        ? `hang: case did not finish within ${o.caseLimitMs ?? 5000} ms`
        : 'worker crashed (out of memory?)',
    );
    next = outcome.n + 1;
  }
  const seconds = (Date.now() - t0) / 1000;
  return { cases, findings, seconds, rate: Math.round(cases / seconds), maxHeapMb: maxHeap };
}
