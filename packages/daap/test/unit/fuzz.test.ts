// Fuzzing in the unit tier (testing.md §10): at least 100,000 mutated cases each for the DMAP
// decoder and for request parsing + routing, plus the query parser. Only typed errors escape,
// no 500, no hang. The seed is printed and taken from FUZZ_SEED; the long run is
// `npx tsx packages/daap/test/fuzz/run.ts --minutes N --seed S`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decoderSeeds,
  fuzzDecoderCase,
  fuzzQueryCase,
  fuzzRouteCase,
  makeRng,
  makeRouteFuzzer,
  recordFinding,
  type Finding,
} from '../fuzz/targets.js';

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

function report(name: string, n: number, t0: number, findings: Finding[]): void {
  const s = (performance.now() - t0) / 1000;
  console.log(`# fuzz ${name}: seed ${seed}, ${n} cases in ${s.toFixed(1)} s (${Math.round(n / s)}/s)`);
  for (const f of findings) console.log(`# finding ${recordFinding(f)}: ${f.error}`);
  assert.deepEqual(
    findings.map((f) => f.error),
    [],
  );
}

test('fuzz: DMAP decoder, 100,000 mutated replies', () => {
  const r = makeRng(seed);
  const seeds = decoderSeeds();
  const findings: Finding[] = [];
  const t0 = performance.now();
  const N = 100_000;
  for (let i = 0; i < N; i++) {
    const f = fuzzDecoderCase(r, seeds);
    if (f && findings.length < 20) findings.push(f);
  }
  report('dmap-decoder', N, t0, findings);
});

test('fuzz: query parser, 20,000 mutated queries', () => {
  const r = makeRng(seed ^ 0x5a5a);
  const findings: Finding[] = [];
  const t0 = performance.now();
  for (let i = 0; i < 20_000; i++) {
    const f = fuzzQueryCase(r);
    if (f && findings.length < 20) findings.push(f);
  }
  report('daap-query', 20_000, t0, findings);
});

test('fuzz: request parsing and every route, 100,000 requests (with and without a password)', async () => {
  const r = makeRng(seed ^ 0xa5a5);
  const open = await makeRouteFuzzer();
  const locked = await makeRouteFuzzer('s3cret');
  assert.ok(open.sid >= 100 && locked.sid >= 100);
  const findings: Finding[] = [];
  const t0 = performance.now();
  const N = 100_000;
  for (let i = 0; i < N; i++) {
    const f = await fuzzRouteCase(i % 2 ? open : locked, r);
    if (f && findings.length < 20) findings.push(f);
  }
  open.close();
  locked.close();
  const ok = [open, locked].reduce(
    (n, f) => n + [...f.statuses].filter(([st]) => st < 300).reduce((a, [, c]) => a + c, 0),
    0,
  );
  console.log(
    `# statuses open ${JSON.stringify([...open.statuses])} locked ${JSON.stringify([...locked.statuses])}`,
  );
  assert.ok(ok > N * 0.2, 'most cases reach a route');
  report('daap-routes', N, t0, findings);
});
