/**
 * Streaming throughput benchmarks (README §6, testing.md §8.1–§8.2, issue 6 item 8):
 *
 * 1. Live manifest throughput: `hand_made`, live, SegmentTimeline (`timeline=1`), the demo stream
 *    (5 representations), a distinct `now` per request, each in a different publish period so no
 *    two answers could be the same; against `/healthz` of the same server, same wrk settings.
 * 2. Live segment throughput: a ~1 MB live media segment rewritten per request (tfdt + mfhd),
 *    against a bare `node:http` server sending the same bytes from memory and nginx (one worker,
 *    sendfile) sending them from a file.
 *
 * loopcast runs as `loopcast serve` in a child process; wrk is the load generator for every
 * target. Figures never fail the run; correctness checks do (exit 1).
 *
 * Run: npx tsx bench/streaming.bench.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBareNode, startNginx, type Baseline } from './support/baselines.js';
import { Checks, formatInt, judgeRatio, median } from './support/figures.js';
import {
  prepareLoopcastData,
  startLoopcastProcess,
  type LoopcastProcess,
} from './support/loopcast-process.js';
import {
  addMegabyteStream,
  chooseLiveSegment,
  makeMegabyteFragmentFile,
  MB_REPRESENTATION,
  MB_STREAM,
  type ChosenSegment,
  type MegabyteStream,
} from './support/megabyte-stream.js';
import { interruption, removeOnExit, stopAll, stopChildrenOnSignals } from './support/processes.js';
import { rawGet } from './support/raw-http.js';
import { alternate, type RoundPlan, type Standing } from './support/rounds.js';
import { segmentFacts } from './support/segment-boxes.js';
import {
  errorCount,
  runWrk,
  type NowSequence,
  type WrkOptions,
  type WrkResult,
  type WrkTarget,
} from './support/wrk.js';

const quick = process.argv.includes('--quick');
/** --quick must fit the 2-minute budget of all quick benchmarks together (testing.md §11). */
const PLAN: RoundPlan = quick
  ? { warmSeconds: 1, rounds: 2, seconds: 2 }
  : { warmSeconds: 2, rounds: 3, seconds: 5 };
/** testing.md §8.2: one wrk thread, ten connections. */
const LOAD = { threads: 1, connections: 10 } as const;

/** The demo's minimumUpdatePeriod is 4 s: stepping `now` by 4 s puts each request in its own publish period. */
const MANIFEST_STEP_MS = 4000;
/** Each wrk run gets its own ~11.6 days of `now` values, so no URL repeats within the bench. */
const MANIFEST_RUN_SPAN_MS = 1e9;
const MANIFEST_BASE_MS = Date.UTC(2026, 1, 1);
const MANIFEST_PATH = '/dash/live/demo/hand_made.mpd?timeline=1&now=';

/** Segment requests: `now` moves 1 ms per request inside a 30 s slice per run; the bytes stay the same. */
const SEGMENT_BASE_MS = Date.UTC(2026, 2, 1);
const SEGMENT_RUN_SPAN_MS = 30_000;
const SEGMENT_MAX_RUNS = 20;

/** Slack per response in the byte-count check: header values such as max-age may change width. */
const HEAD_SLACK_BYTES = 32;

const checks = new Checks();
const mb = (bytesPerSecond: number): string => `${formatInt(bytesPerSecond / 1e6)} MB/s`;

function requireTools(): boolean {
  let ok = true;
  for (const [tool, pkg] of [
    ['wrk', 'wrk'],
    ['nginx', 'nginx-light'],
    ['ffmpeg', 'ffmpeg'],
  ] as const) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      // A missing tool is a failure, never a silent skip (README §5.5).
      checks.fail(`${tool} is missing: apt-get install -y ${pkg}`);
      ok = false;
    }
  }
  return ok;
}

function checkWrkRun(result: WrkResult, what: string): void {
  checks.check(
    errorCount(result) === 0,
    `${what}: wrk reported errors ${JSON.stringify(result.errors)} in ${result.requests} requests`,
  );
  checks.check(result.requests > 0, `${what}: wrk completed no request`);
}

function printStanding(s: Standing, unit: 'req' | 'bytes'): void {
  const rounds = s.timed.map((r) => formatInt(r.requestsPerSecond)).join(', ');
  const latency = `p50 ${median(s.timed.map((r) => r.latencyP50Ms)).toFixed(2)} ms, p99 ${median(
    s.timed.map((r) => r.latencyP99Ms),
  ).toFixed(2)} ms`;
  const transfer = unit === 'bytes' ? `  ${mb(s.bytesPerSecond)}` : '';
  console.log(
    `  ${s.label.padEnd(34)} ${formatInt(s.requestsPerSecond).padStart(8)} req/s${transfer}  (rounds ${rounds}; ${latency})`,
  );
}

// ---- 1. live manifest throughput ---------------------------------------------------------------

async function manifestThroughput(loopcast: LoopcastProcess): Promise<void> {
  console.log('\n1. Live manifest throughput');
  const sample = await rawGet(loopcast.origin, `${MANIFEST_PATH}${MANIFEST_BASE_MS - 86_400_000}`);
  const xml = sample.body.toString('utf8');
  const representations = xml.match(/<Representation /g)?.length ?? 0;
  checks.check(sample.status === 200, `manifest sample answered ${sample.status}`);
  checks.check(xml.includes('<SegmentTimeline>'), 'manifest sample has no <SegmentTimeline>');
  checks.check(representations === 5, `manifest sample lists ${representations} representations, expected 5`);
  console.log(
    `  GET ${MANIFEST_PATH}<distinct, +${MANIFEST_STEP_MS} ms per request>: ${formatInt(sample.body.length)} bytes, ${representations} representations`,
  );

  const options = (bodyMustContain: string): WrkOptions => ({ seconds: 0, ...LOAD, bodyMustContain });
  const now = (run: number): NowSequence => ({
    base: MANIFEST_BASE_MS + run * MANIFEST_RUN_SPAN_MS,
    stepMs: MANIFEST_STEP_MS,
    wrapAfter: Math.floor(MANIFEST_RUN_SPAN_MS / MANIFEST_STEP_MS),
  });
  const contender = (target: WrkTarget, mustContain: string) => ({
    label: target.label,
    async measure(seconds: number, run: number) {
      const result = await runWrk(target, now(run), { ...options(mustContain), seconds });
      checkWrkRun(result, target.label);
      // Every answer was looked at by wrk's Lua hook: status 200 and the expected body text.
      checks.check(
        result.badBodies === 0,
        `${target.label}: ${result.badBodies} of ${result.requests} answers not 200 or without ${mustContain}`,
      );
      return result;
    },
  });
  // The same Lua script shape (and so the same generator cost) for both: /healthz ignores `now`.
  const [manifest, healthz] = await alternate(
    [
      contender(
        { label: 'manifest hand_made timeline=1', origin: loopcast.origin, pathBeforeNow: MANIFEST_PATH },
        '<SegmentTimeline>',
      ),
      contender(
        { label: 'trivial route /healthz', origin: loopcast.origin, pathBeforeNow: '/healthz?now=' },
        '"ok"',
      ),
    ],
    PLAN,
  );
  printStanding(manifest!, 'req');
  printStanding(healthz!, 'req');
  const ratio = manifest!.requestsPerSecond / healthz!.requestsPerSecond;
  console.log(
    `  ${'ratio manifest / healthz'.padEnd(34)} ${judgeRatio(ratio, { name: 'goal', min: 0.5 }, { name: 'floor', min: 0.3 })}`,
  );
}

// ---- 2. live segment throughput ----------------------------------------------------------------

const segmentPath = (segment: ChosenSegment): string =>
  `/dash/live/${MB_STREAM}/${MB_REPRESENTATION}/${segment.number}.m4v?now=`;

/** Checks one served segment against the stored file and the timing model; returns its bytes. */
async function verifySegment(
  loopcast: LoopcastProcess,
  stream: MegabyteStream,
  segment: ChosenSegment,
  nowMs: number,
): Promise<Buffer | null> {
  const answer = await rawGet(loopcast.origin, `${segmentPath(segment)}${nowMs}`);
  if (
    !checks.check(
      answer.status === 200,
      `segment ${segment.number} at now=${nowMs} answered ${answer.status}`,
    )
  )
    return null;
  const served = segmentFacts(answer.body);
  const stored = stream.index.segments[segment.fragment + 1]!;
  const original = segmentFacts(stream.fileBytes.subarray(stored.pos, stored.pos + stored.size));
  checks.check(
    served.sequenceNumber === segment.number,
    `segment ${segment.number}: mfhd sequence_number ${served.sequenceNumber}, expected ${segment.number}`,
  );
  checks.check(
    served.decodeTime === segment.decodeTime,
    `segment ${segment.number}: tfdt ${served.decodeTime}, expected ${segment.decodeTime} (loop ${segment.loop})`,
  );
  checks.check(
    served.mdat.equals(original.mdat),
    `segment ${segment.number}: mdat differs from the stored fragment`,
  );
  return answer.body;
}

/** wrk counts every byte read: with identical answers, bytes ≈ requests × (head + body). */
function checkByteCount(result: WrkResult, label: string, headBytes: number, bodyBytes: number): void {
  const perResponse = headBytes + bodyBytes;
  // At most one partly read answer per connection when wrk stops.
  const allowed = LOAD.connections * perResponse + result.requests * HEAD_SLACK_BYTES;
  const off = result.bytes - result.requests * perResponse;
  checks.check(
    off >= -HEAD_SLACK_BYTES * result.requests && off <= allowed,
    `${label}: ${formatInt(result.bytes)} bytes for ${result.requests} answers of ${perResponse} bytes (off by ${formatInt(off)})`,
  );
}

async function segmentThroughput(
  loopcast: LoopcastProcess,
  stream: MegabyteStream,
  work: string,
): Promise<void> {
  console.log('\n2. Live segment throughput');
  const segment = chooseLiveSegment(stream.index, SEGMENT_BASE_MS);
  const lastNow = SEGMENT_BASE_MS + SEGMENT_MAX_RUNS * SEGMENT_RUN_SPAN_MS;
  const body = await verifySegment(loopcast, stream, segment, SEGMENT_BASE_MS);
  // The whole range of `now` the runs use must give the same, valid answer.
  const bodyAtEnd = await verifySegment(loopcast, stream, segment, lastNow);
  if (!body || !bodyAtEnd) return;
  checks.check(
    body.equals(bodyAtEnd),
    `segment ${segment.number}: bytes differ between now=${SEGMENT_BASE_MS} and ${lastNow}`,
  );
  const bodyFile = join(work, 'seg.m4s');
  writeFileSync(bodyFile, body);
  console.log(`  MB/s below are wrk's bytes read (10^6 bytes, response heads included) per second`);
  console.log(
    `  GET ${segmentPath(segment)}<+1 ms per request>: segment ${segment.number} (fragment ${segment.fragment + 1} of ${stream.index.segments.length - 1}, loop ${segment.loop}), ${formatInt(body.length)} bytes, tfdt and mfhd rewritten per request`,
  );

  const baselines: Baseline[] = [];
  try {
    baselines.push(await startBareNode(bodyFile));
    baselines.push(await startNginx(bodyFile));
    const [bare, nginx] = baselines as [Baseline, Baseline];
    // The baselines ignore the query; it is there so every target gets the same requests.
    const targets: WrkTarget[] = [
      { label: 'loopcast live segment', origin: loopcast.origin, pathBeforeNow: segmentPath(segment) },
      { label: 'bare node:http from memory', origin: bare.origin, pathBeforeNow: `${bare.path}?now=` },
      { label: 'nginx sendfile, 1 worker', origin: nginx.origin, pathBeforeNow: `${nginx.path}?now=` },
    ];
    const heads = new Map<string, number>();
    for (const target of targets) {
      const probe = await rawGet(target.origin, `${target.pathBeforeNow}${SEGMENT_BASE_MS}`);
      checks.check(probe.status === 200, `${target.label}: probe answered ${probe.status}`);
      checks.check(probe.body.equals(body), `${target.label}: probe bytes differ from loopcast's segment`);
      heads.set(target.label, probe.headBytes);
    }
    const contenders = targets.map((target) => ({
      label: target.label,
      async measure(seconds: number, run: number, warmUp: boolean) {
        const now: NowSequence = {
          base: SEGMENT_BASE_MS + (run % SEGMENT_MAX_RUNS) * SEGMENT_RUN_SPAN_MS,
          stepMs: 1,
          wrapAfter: SEGMENT_RUN_SPAN_MS,
        };
        // The warm-up looks at every answer (status 200, exact body length); the timed rounds
        // cannot afford wrk buffering 1 MB bodies, so they check wrk's byte count instead.
        const result = await runWrk(target, now, {
          seconds,
          ...LOAD,
          ...(warmUp ? { bodyLength: body.length } : {}),
        });
        checkWrkRun(result, target.label);
        checks.check(
          result.badBodies === 0,
          `${target.label}: ${result.badBodies} of ${result.requests} answers not 200 or not ${body.length} bytes`,
        );
        checkByteCount(result, target.label, heads.get(target.label)!, body.length);
        return result;
      },
    }));
    const [lc, bareResult, nginxResult] = await alternate(contenders, PLAN);
    for (const s of [lc!, bareResult!, nginxResult!]) printStanding(s, 'bytes');
    console.log(
      `  ${'ratio loopcast / bare node'.padEnd(34)} ${judgeRatio(lc!.requestsPerSecond / bareResult!.requestsPerSecond, { name: 'goal', min: 0.7 })}`,
    );
    console.log(
      `  ${'ratio loopcast / nginx'.padEnd(34)} ${judgeRatio(lc!.requestsPerSecond / nginxResult!.requestsPerSecond, undefined, { name: 'floor', min: 0.6 })}`,
    );
  } finally {
    await Promise.all(baselines.map((b) => b.stop()));
  }
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  stopChildrenOnSignals();
  console.log(
    `loopcast streaming bench${quick ? ' (--quick)' : ''}: wrk -t${LOAD.threads} -c${LOAD.connections}, ` +
      `warm-up ${PLAN.warmSeconds} s per target, then ${PLAN.rounds} alternating rounds of ${PLAN.seconds} s; medians`,
  );
  if (!requireTools()) return;
  const work = mkdtempSync(join(tmpdir(), 'loopcast-streaming-bench-'));
  removeOnExit(work);
  let loopcast: LoopcastProcess | null = null;
  try {
    const started = Date.now();
    const file = await makeMegabyteFragmentFile(work);
    const data = join(work, 'data');
    mkdirSync(data);
    const stream = await prepareLoopcastData(data, (server) => addMegabyteStream(server, file));
    loopcast = await startLoopcastProcess(data);
    console.log(
      `setup ${((Date.now() - started) / 1000).toFixed(1)} s: loopcast serve (child process, LOOPCAST_LOG_LEVEL=warn) at ${loopcast.origin}, node ${process.version}`,
    );
    await manifestThroughput(loopcast);
    await segmentThroughput(loopcast, stream, work);
  } catch (err) {
    const signal = interruption();
    checks.fail(
      signal ? `interrupted by ${signal}` : `bench aborted: ${(err as Error).stack ?? String(err)}`,
    );
  } finally {
    await loopcast?.process.stop();
    await stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

const t0 = Date.now();
await main();
console.log(`\n${checks.summary()} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(checks.failed ? 1 : 0);
