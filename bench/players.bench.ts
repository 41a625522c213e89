/**
 * How many live players one node holds (issue "Scale out" item 4, testing.md §8.3): simulated
 * players (bench/support/player-sim.ts, its own process) against `loopcast serve` in a child
 * process on loopback, with the server's CPU and RSS sampled every second. With two or more cores
 * the server is pinned to core 0 and the generator (one worker per remaining core) to the others.
 *
 *   --quick              1,000 players for 90 s: the suite's run, which doubles as the short soak
 *                        (0 errors, RSS growth under 10 % after the warm-up)
 *   (default)            steps of 1,000 players (up to 10,000) until a step has an error or a
 *                        p99 of 50 ms or more; prints the highest count held (goal ≥ 5,000 on
 *                        2 cores)
 *   --players N --minutes M   one long run with the soak checks (`npm run test:soak`)
 *
 * Figures never fail the run; the soak checks and a saturated generator's report do (exit 1).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Checks, formatInt, median } from './support/figures.js';
import {
  prepareLoopcastData,
  startLoopcastProcess,
  type LoopcastProcess,
} from './support/loopcast-process.js';
import type { SimConfig, SimResult } from './support/player-sim.js';
import { removeOnExit, stopAll, stopChildrenOnSignals } from './support/processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_PLAYERS = 10_000;
const RAMP_STEP = 1000;
const MAX_MINUTES = 60;
const P99_LIMIT_MS = 50;
const GENERATOR_DELAY_LIMIT_MS = 10;
const TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

function argValue(name: string): number | null {
  const i = process.argv.indexOf(name);
  if (i < 0) return null;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

interface Sample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU time and RSS of a process from /proc (Linux). */
function sampleProcess(pid: number): Sample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is [0], utime [11], stime [12], rss (pages) [21].
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    return { at: Date.now(), cpuSeconds: cpu, rssBytes: Number(fields[21]) * PAGE_SIZE };
  } catch {
    return null;
  }
}

function openFileLimit(): number {
  return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
}

/**
 * CPU sets for the server and the generator: on a machine with two or more cores the server gets
 * core 0 to itself and the generator the rest (taskset, every thread), so the two do not take
 * turns on one core and a latency figure is the server's; null when that cannot be arranged.
 */
interface CpuPlan {
  /** taskset CPU lists, null when unpinned. */
  server: string | null;
  generator: string | null;
  /** One generator worker thread per core it may use. */
  generatorWorkers: number;
}

function cpuPlan(): CpuPlan {
  const cores = availableParallelism();
  const unpinned = { server: null, generator: null, generatorWorkers: Math.max(1, cores) };
  if (cores < 2) return unpinned;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return unpinned;
  }
  return {
    server: '0',
    generator: cores === 2 ? '1' : `1-${cores - 1}`,
    generatorWorkers: cores - 1,
  };
}

function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

async function runGenerator(config: SimConfig, cpus: string | null): Promise<SimResult> {
  const args = ['--import', 'tsx', join(HERE, 'support', 'player-sim.ts'), JSON.stringify(config)];
  const child = cpus
    ? spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`the player generator failed (exit ${code}): ${output}`);
  return JSON.parse(line) as SimResult;
}

interface Step {
  result: SimResult;
  samples: Sample[];
  cpuPercent: number;
  warmupEnd: number;
}

async function runStep(
  server: LoopcastProcess,
  cpus: CpuPlan,
  players: number,
  rampSeconds: number,
  seconds: number,
): Promise<Step> {
  const pid = server.process.child.pid!;
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const s = sampleProcess(pid);
    if (s) samples.push(s);
  }, 1000);
  const startedAt = Date.now();
  try {
    const result = await runGenerator(
      {
        manifestUrl: `${server.origin}/dash/live/demo/hand_made.mpd`,
        players,
        seconds,
        rampSeconds,
        workers: cpus.generatorWorkers,
      },
      cpus.generator,
    );
    const first = samples[0];
    const last = samples[samples.length - 1];
    const cpuPercent =
      first && last && last.at > first.at
        ? (100 * (last.cpuSeconds - first.cpuSeconds)) / ((last.at - first.at) / 1000)
        : 0;
    // Warm-up: the ramp plus 20 s (caches filled, JIT settled).
    return { result, samples, cpuPercent, warmupEnd: startedAt + (rampSeconds + 20) * 1000 };
  } finally {
    clearInterval(timer);
  }
}

const totalErrors = (r: SimResult) => Object.values(r.errors).reduce((a, b) => a + b, 0);

function printStep(step: Step): void {
  const { result } = step;
  const rss = step.samples.map((s) => s.rssBytes / 2 ** 20);
  console.log(
    `${formatInt(result.players)} players: ${formatInt(result.requests)} requests ` +
      `(${formatInt(result.manifests)} manifests, ${formatInt(result.segments)} segments, ` +
      `${(result.bytes / 2 ** 20).toFixed(0)} MiB), errors ${totalErrors(result)}` +
      (totalErrors(result) ? ` ${JSON.stringify(result.errors)}` : '') +
      `; latency p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ` +
      `max ${result.latencyMs.max.toFixed(0)} ms; server CPU ${step.cpuPercent.toFixed(0)} %, ` +
      `RSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB; ` +
      `generator CPU ${((100 * result.generatorCpuSeconds) / result.generatorWallSeconds).toFixed(0)} %, ` +
      `event-loop delay p99 ${result.generatorDelayP99Ms.toFixed(1)} ms`,
  );
}

/** Soak checks: 0 errors, and RSS after the warm-up grows by less than 10 %. */
function soakChecks(checks: Checks, step: Step): void {
  checks.check(totalErrors(step.result) === 0, `0 errors (got ${JSON.stringify(step.result.errors)})`);
  const steady = step.samples.filter((s) => s.at >= step.warmupEnd).map((s) => s.rssBytes);
  if (steady.length < 10) return void checks.fail(`too few RSS samples after the warm-up (${steady.length})`);
  const window = Math.max(5, Math.floor(steady.length / 10));
  const early = median(steady.slice(0, window));
  const late = median(steady.slice(-window));
  const growth = (late - early) / early;
  console.log(
    `RSS after warm-up: ${(early / 2 ** 20).toFixed(0)} → ${(late / 2 ** 20).toFixed(0)} MiB (${(growth * 100).toFixed(1)} %)`,
  );
  checks.check(growth < 0.1, `RSS growth under 10 % after the warm-up (got ${(growth * 100).toFixed(1)} %)`);
}

function generatorValid(step: Step): boolean {
  const ok = step.result.generatorDelayP99Ms <= GENERATOR_DELAY_LIMIT_MS;
  if (!ok)
    console.log(
      `generator saturated (event-loop delay p99 ${step.result.generatorDelayP99Ms.toFixed(1)} ms): its latency figures are invalid`,
    );
  return ok;
}

async function main(): Promise<void> {
  stopChildrenOnSignals();
  const quick = process.argv.includes('--quick');
  const soakMinutes = argValue('--minutes');
  const soakPlayers = argValue('--players') ?? 1000;
  if (soakPlayers > MAX_PLAYERS || (soakMinutes ?? 0) > MAX_MINUTES) {
    console.error(`at most ${MAX_PLAYERS} players and ${MAX_MINUTES} minutes`);
    process.exit(2);
  }
  // The server and the generator are separate processes, each with one socket per player.
  const needed = (quick || soakMinutes ? soakPlayers : MAX_PLAYERS) + 512;
  const limit = openFileLimit();
  if (limit < needed) {
    console.error(`the open-file limit is ${limit}; this run needs ${needed} (ulimit -n ${needed})`);
    process.exit(2);
  }
  const data = mkdtempSync(join(tmpdir(), 'loopcast-players-'));
  removeOnExit(data);
  await prepareLoopcastData(data, async () => {});
  const server = await startLoopcastProcess(data);
  const cpus = cpuPlan();
  if (cpus.server) pinProcess(server.process.child.pid!, cpus.server);
  console.log(
    cpus.server
      ? `server pinned to CPU ${cpus.server}, generator (${cpus.generatorWorkers} worker${cpus.generatorWorkers > 1 ? 's' : ''}) to CPU ${cpus.generator} (taskset)`
      : `server and generator share the CPUs (fewer than 2 cores, or no taskset)`,
  );
  const checks = new Checks();
  try {
    if (quick || soakMinutes) {
      const seconds = soakMinutes ? soakMinutes * 60 : 75;
      console.log(
        `players: ${formatInt(soakPlayers)} simulated live players for ${soakMinutes ? `${soakMinutes} min` : '90 s'} (15 s ramp), loopback`,
      );
      const step = await runStep(server, cpus, soakPlayers, 15, seconds);
      printStep(step);
      // A saturated generator makes the latency figures invalid, not the soak checks: errors and
      // the server's RSS are the server's whatever the generator's state.
      generatorValid(step);
      soakChecks(checks, step);
    } else {
      let held = 0;
      for (let players = RAMP_STEP; players <= MAX_PLAYERS; players += RAMP_STEP) {
        const step = await runStep(server, cpus, players, 20, 40);
        printStep(step);
        if (!generatorValid(step)) break;
        if (totalErrors(step.result) > 0 || step.result.latencyMs.p99 >= P99_LIMIT_MS) break;
        held = players;
      }
      console.log(
        `held: ${formatInt(held)} concurrent players with 0 errors and p99 < ${P99_LIMIT_MS} ms (goal ≥ 5,000)${held < 5000 ? ' below goal' : ''}`,
      );
    }
  } finally {
    await stopAll();
  }
  console.log(checks.summary());
  process.exit(checks.failed ? 1 : 0);
}

await main();
