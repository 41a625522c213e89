import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runFuzz } from '../fuzz/harness.js';
import { corpusFiles } from '../fuzz/seeds.js';
import { exercise } from '../fuzz/target.js';
import { noMedia } from './helpers.js';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : 20261130;

test('regression corpus: every committed input only raises the typed error', () => {
  for (const f of corpusFiles()) {
    const t = Date.now();
    const input = readFileSync(f);
    for (let variant = 0; variant < 4; variant++)
      assert.doesNotThrow(() => exercise(input, variant), path.basename(f));
    assert.ok(Date.now() - t < 2000, `${path.basename(f)} took too long`);
  }
});

test(
  'fuzz: 100,000 mutated real files, only BmffError escapes, no hang, bounded heap',
  { skip: noMedia, timeout: 180_000 },
  async () => {
    const r = await runFuzz({
      seed,
      cases: 100_000,
      timeMs: 150_000,
      caseLimitMs: 5000,
      heapLimitMb: 768,
      log: (s) => console.log(`# ${s}`),
    });
    console.log(
      `# bmff fuzz: seed ${seed}, ${r.cases} cases in ${r.seconds.toFixed(1)} s (${r.rate}/s), max heap ${r.maxHeapMb} MB`,
    );
    assert.deepEqual(
      r.findings.map((f) => `${f.n}: ${f.error} (${f.file})`),
      [],
    );
    assert.ok(r.cases >= 100_000, `only ${r.cases} cases ran`);
    assert.ok(r.maxHeapMb < 512, `heap grew to ${r.maxHeapMb} MB`);
  },
);
