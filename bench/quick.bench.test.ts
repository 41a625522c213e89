/**
 * The quick benchmark tier (`npm run bench:quick`): every `bench/*.bench.ts` in its short form.
 * A benchmark prints its figures; its exit code reports correctness checks only, never timings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const here = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

describe('quick benchmarks', () => {
  it('finds the benchmarks', () => assert.ok(benches.length > 0));
  for (const file of benches) {
    it(file, { timeout: 240_000 }, () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file), '--quick'], {
        encoding: 'utf8',
        timeout: 235_000,
      });
      process.stdout.write(`\n--- ${file} ---\n${run.stdout}${run.stderr}`);
      assert.equal(run.status, 0, `${file} failed its correctness checks (exit ${run.status})`);
    });
  }
});
