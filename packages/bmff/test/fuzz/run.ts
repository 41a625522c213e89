/**
 * The long bmff fuzz run: `npx tsx packages/bmff/test/fuzz/run.ts --minutes 30 [--seed S]`
 * (also reached through `npm run fuzz -- --target bmff --minutes 30`). The seed is printed at
 * start; FUZZ_SEED sets it too. Exit 1 when anything was found.
 */
import { runFuzz } from './harness.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const minutes = Number(arg('--minutes') ?? '1');
const seedArg = arg('--seed') ?? process.env.FUZZ_SEED;
const seed = seedArg !== undefined ? Number(seedArg) >>> 0 : Math.floor(Math.random() * 2 ** 32);
if (!Number.isFinite(minutes) || minutes <= 0 || !Number.isFinite(seed)) {
  console.error('usage: run.ts --minutes N [--seed S]');
  process.exit(2);
}
console.log(`bmff fuzz: seed ${seed}, ${minutes} min`);
const r = await runFuzz({
  seed,
  cases: Number.MAX_SAFE_INTEGER,
  timeMs: minutes * 60_000,
  log: (s) => console.log(s),
});
console.log(
  `bmff fuzz: ${r.cases} cases in ${r.seconds.toFixed(1)} s (${r.rate}/s), max heap ${r.maxHeapMb} MB, ${r.findings.length} finding(s)`,
);
process.exit(r.findings.length ? 1 : 0);
