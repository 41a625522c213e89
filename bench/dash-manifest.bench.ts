/**
 * Live manifest cost in process (README §6, the live manifest throughput goal): what the server
 * spends per `/dash/live/demo/hand_made.mpd?now=…` request inside @loopcast/dash — resolving the
 * options, building the model and rendering it — for the demo stream (60 s loop of 2 s segments,
 * 5 representations), SegmentTimeline and `$Number$` addressing, time-shift depth 1800 s and 60 s.
 * Every request has its own `now`, 4 s apart (its own publish period), as in the HTTP benchmark.
 *
 * The trivial reference measured in the same run is `JSON.stringify` of the stream model; the
 * ratio (reference µs / manifest µs) says how far a manifest is from "free" on this machine.
 *
 * Correctness checks (the only thing that fails the run, exit 1): the answer equals a plain
 * render of a freshly built model, and every SegmentTimeline lists exactly the segments a
 * straightforward per-segment enumeration finds (ends in (B, Em + ATO], dash.md §7.8).
 *
 * Run: npx tsx bench/dash-manifest.bench.ts [--quick]
 */
import {
  buildManifest,
  buildManifestModel,
  findTemplate,
  renderManifest,
  resolveOptions,
  type ManifestRequest,
  type StreamModel,
} from '../packages/dash/src/index.js';
import { trackTiming, liveSegment } from '../packages/dash/src/timing/track.js';
import { fixtureStream } from '../packages/dash/test/fixtures/streams.js';
import { Checks, formatRatio, median } from './support/figures.js';

const quick = process.argv.includes('--quick');
/** Rounds per case and the length of one round; --quick stays well under 20 s. */
const ROUNDS = quick ? 5 : 9;
const ROUND_MS = quick ? 250 : 600;
const TARGET_US = 150;

const STEP_MS = 4000;
const BASE_MS = Date.UTC(2026, 1, 1);
const ORIGIN = 'http://localhost:5000';

const checks = new Checks();
const stream: StreamModel = fixtureStream('demo');
const template = findTemplate('hand_made')!;

interface Case {
  label: string;
  query: Record<string, string>;
}

const CASES: Case[] = [
  { label: 'timeline=1 depth=1800', query: { timeline: '1' } },
  { label: 'timeline=0 depth=1800', query: { timeline: '0' } },
  { label: 'timeline=1 depth=60', query: { timeline: '1', depth: '60' } },
  { label: 'timeline=0 depth=60', query: { timeline: '0', depth: '60' } },
];

/** What the server's manifest route does per request (routes.ts), minus the HTTP. */
function request(c: Case, nowMs: number): ManifestRequest {
  const resolved = resolveOptions({
    query: { ...c.query, now: String(nowMs) },
    mode: 'live',
    kind: 'manifest',
    stream,
    template,
  });
  if (resolved.issues.length > 0) throw new Error(`options: ${JSON.stringify(resolved.issues)}`);
  return { stream, template, mode: 'live', resolved, nowMs: resolved.options.now ?? nowMs, origin: ORIGIN };
}

let sink = 0;
let step = 0;

function manifestOnce(c: Case): void {
  const answer = buildManifest(request(c, BASE_MS + step++ * STEP_MS));
  if (answer.kind !== 'manifest') throw new Error(`refused: ${answer.kind}`);
  sink += answer.xml.length;
}

function referenceOnce(): void {
  sink += JSON.stringify(stream).length;
}

/**
 * CPU µs per call (process user + system time, so other load on a shared machine does not
 * count as ours): the median over rounds of a timed loop.
 */
function measure(fn: () => void): number {
  const perRound: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const c0 = process.cpuUsage();
    const until = process.hrtime.bigint() + BigInt(ROUND_MS) * 1_000_000n;
    do {
      for (let i = 0; i < 16; i++) fn();
      n += 16;
    } while (process.hrtime.bigint() < until);
    const c = process.cpuUsage(c0);
    perRound.push((c.user + c.system) / n);
  }
  return median(perRound);
}

/** Segment ends listed by the S elements of one SegmentTimeline, as [t, d] ticks. */
function expandTimeline(xml: string): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  let t = 0n;
  for (const m of xml.matchAll(/<S(?: t="(\d+)")? d="(\d+)"(?: r="(\d+)")?\/>/g)) {
    if (m[1] !== undefined) t = BigInt(m[1]);
    const d = BigInt(m[2]!);
    for (let i = 0; i <= Number(m[3] ?? 0); i++) {
      out.push([t, d]);
      t += d;
    }
  }
  return out;
}

/** The segments of one track a per-segment walk finds: ends in (B·ts, edge·ts] (ms × ts). */
function referenceSegments(index: StreamModel['files'][number]['index'], bMs: number, edgeMs: number) {
  const ref = stream.files.find((f) => f.name === stream.timingReference)!.index;
  const t = trackTiming(index, ref, null);
  const out: [bigint, bigint][] = [];
  for (let loop = 0; ; loop++) {
    for (let k = 1; k <= t.count; k++) {
      const s = liveSegment(t, loop, k);
      const e = (s.position + s.duration) * 1000n;
      if (e > BigInt(edgeMs) * t.ts) return out;
      if (e > BigInt(bMs) * t.ts) out.push([t.t0 + s.position, s.duration]);
    }
  }
}

function checkCase(c: Case): void {
  // A spread of clocks: early in the event (window shorter than depth), loop joins, far later.
  const clocks = [0, 1, 7, 15, 16, 449, 450, 451, 10_000, 123_457].map(
    (i) => BASE_MS + i * STEP_MS + (i % 3),
  );
  for (const now of clocks) {
    const req = request(c, now);
    const answer = buildManifest(req);
    const plain = buildManifestModel(req);
    if (answer.kind !== 'manifest' || plain.kind !== 'manifest') {
      checks.fail(`${c.label} now=${now}: refused`);
      continue;
    }
    checks.check(answer.xml === renderManifest(plain.model), `${c.label} now=${now}: equals a plain render`);
    if (c.query.timeline !== '1' || answer.timing.kind !== 'live') continue;
    const { bufferStartMs, edgeMs } = answer.timing;
    // hand_made writes one SegmentTimeline per AdaptationSet (shared by its Representations)
    const timelines = [...answer.xml.matchAll(/<SegmentTimeline>[\s\S]*?<\/SegmentTimeline>/g)].map((m) =>
      expandTimeline(m[0]),
    );
    const firstOfSet = ['demo_v1', 'demo_a1', 'demo_t1'];
    firstOfSet.forEach((name, i) => {
      const file = stream.files.find((f) => f.name === `${name}.mp4`)!;
      const want = referenceSegments(file.index, bufferStartMs, edgeMs);
      const got = timelines[i] ?? [];
      const same =
        got.length === want.length && got.every(([t, d], j) => t === want[j]![0] && d === want[j]![1]);
      checks.check(same, `${c.label} now=${now}: ${name} timeline equals the per-segment reference`);
    });
  }
}

function main(): void {
  for (const c of CASES) checkCase(c);

  // Warm the JIT on every path before measuring (cold data, warm code).
  for (let i = 0; i < 300; i++) for (const c of CASES) manifestOnce(c);
  for (let i = 0; i < 1000; i++) referenceOnce();

  const refUs = measure(referenceOnce);
  console.log(`reference  JSON.stringify(stream model)         ${refUs.toFixed(1).padStart(8)} µs`);
  for (const c of CASES) {
    const us = measure(() => manifestOnce(c));
    const mark = us <= TARGET_US ? '' : ' above target';
    console.log(
      `manifest   hand_made live ${c.label.padEnd(22)} ${us.toFixed(1).padStart(8)} µs  ` +
        `(target < ${TARGET_US} µs${mark})  reference/manifest ${formatRatio(refUs / us)}`,
    );
  }
  console.log(checks.summary());
  if (sink === 0) console.log('(nothing rendered)');
  process.exitCode = checks.failed ? 1 : 0;
}

main();
