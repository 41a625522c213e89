// The long fuzz run: npx tsx packages/daap/test/fuzz/run.ts --minutes N --seed S [--target T]
// Targets: dmap-decoder, daap-query, daap-routes (default: all, round robin). Findings are
// written to test-output/fuzz/<target>/<hash>; the exit code is 1 when there are any.

import { parseArgs } from 'node:util';
import {
  decoderSeeds,
  fuzzDecoderCase,
  fuzzQueryCase,
  fuzzRouteCase,
  makeRng,
  makeRouteFuzzer,
  recordFinding,
  type Finding,
} from './targets.js';

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
const r = makeRng(seed);
const seeds = decoderSeeds();
const routes = await makeRouteFuzzer();
const routesPw = await makeRouteFuzzer('s3cret');
const counts: Record<string, number> = { 'dmap-decoder': 0, 'daap-query': 0, 'daap-routes': 0 };
const findings: Finding[] = [];
const heap0 = process.memoryUsage().heapUsed;
let n = 0;
const t0 = Date.now();
while (Date.now() < until) {
  for (const t of Object.keys(counts)) {
    if (values.target && values.target !== t) continue;
    let f: Finding | undefined;
    for (let i = 0; i < 200; i++) {
      if (t === 'dmap-decoder') f = fuzzDecoderCase(r, seeds);
      else if (t === 'daap-query') f = fuzzQueryCase(r);
      else f = await fuzzRouteCase(i % 2 ? routes : routesPw, r);
      counts[t]!++;
      n++;
      if (f) {
        findings.push(f);
        console.log(`finding ${recordFinding(f)} (${f.target}): ${f.error}`);
      }
    }
  }
}
routes.close();
routesPw.close();
const secs = (Date.now() - t0) / 1000;
console.log(`${n} cases in ${secs.toFixed(1)} s (${Math.round(n / secs)}/s):`, counts);
console.log(
  `heap growth ${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(1)} MB; findings ${findings.length}`,
);
process.exit(findings.length ? 1 : 0);
