// The fuzz loop, run in a worker thread so that the main thread's watchdog can terminate a
// synchronous endless loop (testing.md §10). Posts a tick every 200 cases and its findings.

import { parentPort, workerData } from 'node:worker_threads';
import {
  decoderSeeds,
  fuzzDecoderCase,
  fuzzQueryCase,
  fuzzRouteCase,
  makeRng,
  makeRouteFuzzer,
  type Finding,
} from './targets.js';

const { seed, until, target } = workerData as { seed: number; until: number; target?: string };
const r = makeRng(seed);
const seeds = decoderSeeds();
const routes = await makeRouteFuzzer();
const routesPw = await makeRouteFuzzer('s3cret');
const counts: Record<string, number> = { 'dmap-decoder': 0, 'daap-query': 0, 'daap-routes': 0 };
const heap0 = process.memoryUsage().heapUsed;
let peak = 0;
while (Date.now() < until) {
  for (const t of Object.keys(counts)) {
    if (target && target !== t) continue;
    for (let i = 0; i < 200; i++) {
      let f: Finding | undefined;
      if (t === 'dmap-decoder') f = fuzzDecoderCase(r, seeds);
      else if (t === 'daap-query') f = fuzzQueryCase(r);
      else f = await fuzzRouteCase(i % 2 ? routes : routesPw, r);
      counts[t]!++;
      if (f) parentPort!.postMessage({ type: 'finding', finding: f });
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
    parentPort!.postMessage({ type: 'tick', counts, peak });
  }
}
routes.close();
routesPw.close();
parentPort!.postMessage({ type: 'done', counts, peak });
