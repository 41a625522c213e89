/**
 * `npm run fuzz -- --target bmff --minutes 30`: a long fuzz run of one target. Each package keeps
 * its fuzzer in packages/<target>/test/fuzz/run.ts, which takes --minutes and --seed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--target');
const target = at === -1 ? undefined : args[at + 1];
const runner = target ? join(root, 'packages', target, 'test', 'fuzz', 'run.ts') : '';
if (!target || !existsSync(runner)) {
  console.error('usage: npm run fuzz -- --target <bmff|daap> [--minutes N] [--seed S]');
  process.exit(2);
}
const rest = args.filter((_, i) => i !== at && i !== at + 1);
const run = spawnSync(process.execPath, ['--import', 'tsx', runner, ...rest], { stdio: 'inherit' });
process.exit(run.status ?? 1);
