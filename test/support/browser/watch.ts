/**
 * Judging playback honestly (testing.md §3.3): a stream plays only when the playhead advances at
 * nearly wall-clock speed, video frames are really decoded (dash.js plays audio alone when it
 * cannot use the video track, with the clock advancing and no error), few frames drop, the player
 * reports nothing, the HTTP failures are exactly the expected ones, nothing leaves loopback and, in
 * live, the latency holds the manifest's target.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Playback } from './playback.js';

/** The demo stream's frame rate (dash.md §5.4). */
export const DEMO_FPS = 30;
/** Retried 425 answers tolerated per live playback; a server whose availability runs late gets many. */
const MAX_EDGE_RETRIES = 2;

export interface Snapshot {
  wall: number;
  t: number;
  paused: boolean;
  readyState: number;
  width: number;
  height: number;
  frames: number;
  dropped: number;
  latency: number | null;
  live: boolean | null;
  errors: string[];
  events: string[];
}

export interface WatchOptions {
  /** Observation window after the first frame. */
  seconds: number;
  /** Whether the player must report a dynamic presentation. */
  live: boolean;
  /** Live only: the range every latency sample must fall in, in seconds. */
  latencyRange?: [number, number];
  fps?: number;
  /** `<status> <url>` lines the test injected on purpose; default none. */
  expectedHttpErrors?: string[];
  /** How long the first frame may take. */
  startTimeout?: number;
  /** Live only: how many segments may be asked for too early and then retried (default 2). */
  maxEdgeRetries?: number;
}

export interface Figures {
  /** Wall time from page load to the first frame. */
  startMs: number;
  wallSeconds: number;
  advanced: number;
  newFrames: number;
  totalFrames: number;
  dropped: number;
  width: number;
  height: number;
  latency: { min: number; max: number; mean: number } | null;
  stalls: number;
  /** 425 answers at the live edge (isEdgeRetry). */
  edgeRetries: string[];
}

export const snapshot = (page: Page): Promise<Snapshot> => page.evaluate<Snapshot>('window.probe.snapshot()');

/** The Representation path and number (or time) of a segment URL, null for anything else. */
function segmentOf(url: string): { rep: string; n: number } | null {
  const m = /^(.*\/)(\d+)\.m4[vat]$/.exec(new URL(url).pathname);
  return m ? { rep: m[1]!, n: Number(m[2]) } : null;
}

/**
 * True for a `<status> <url>` line of a 425 at the live edge: a player there may ask a few
 * milliseconds early (its clock is synchronised to within half a /time round trip), and loopcast
 * rightly answers 425 with Retry-After (dash.md §7.9). The player must have retried it with success,
 * or it must still be the newest segment of its Representation (the retry was due after the watch
 * ended); a 425 the player skipped past is a failure.
 */
export function isEdgeRetry(pb: Pick<Playback, 'okUrls'>, line: string): boolean {
  if (!line.startsWith('425 ')) return false;
  const url = line.slice(4);
  if (pb.okUrls.has(url)) return true;
  const early = segmentOf(url);
  if (!early) return false;
  for (const ok of pb.okUrls) {
    const later = segmentOf(ok);
    if (later && later.rep === early.rep && later.n > early.n) return false;
  }
  return true;
}

const describeSnap = (s: Snapshot): string =>
  `t=${s.t.toFixed(2)} paused=${s.paused} readyState=${s.readyState} size=${s.width}x${s.height} ` +
  `frames=${s.frames} events=[${s.events.join(',')}] errors=${JSON.stringify(s.errors)}`;

async function waitForFirstFrame(pb: Playback, timeout: number): Promise<{ snap: Snapshot; ms: number }> {
  const started = Date.now();
  let last: Snapshot | null = null;
  while (Date.now() - started < timeout) {
    last = await snapshot(pb.page);
    // `playing` marks real playback: a live player sets currentTime to the edge before it plays.
    if (last.t > 0 && !last.paused && last.events.includes('playing'))
      return { snap: last, ms: Date.now() - started };
    if (last.errors.length) break;
    await pb.page.waitForTimeout(100);
  }
  assert.fail(
    `${pb.player} did not start within ${timeout / 1000} s: ${last ? describeSnap(last) : 'no probe'}; ` +
      `HTTP errors ${JSON.stringify(pb.badResponses)}; failed requests ${JSON.stringify(pb.failedRequests)}`,
  );
}

export async function watch(pb: Playback, opts: WatchOptions): Promise<Figures> {
  const fps = opts.fps ?? DEMO_FPS;
  const { snap: a, ms: startMs } = await waitForFirstFrame(pb, opts.startTimeout ?? 10_000);
  const samples: Snapshot[] = [];
  for (let i = 0; i < opts.seconds; i++) {
    await pb.page.waitForTimeout(1000);
    samples.push(await snapshot(pb.page));
  }
  const b = samples.at(-1)!;
  const wall = (b.wall - a.wall) / 1000;
  const advanced = b.t - a.t;
  const newFrames = b.frames - a.frames;
  const who = `${pb.player} ${pb.mpd}`;

  assert.deepEqual(b.errors, [], `${who}: player errors`);
  assert.ok(
    advanced >= 0.75 * wall,
    `${who}: currentTime advanced only ${advanced.toFixed(2)} s in ${wall.toFixed(1)} s (${describeSnap(b)})`,
  );
  assert.ok(
    b.width > 0 && newFrames >= 0.7 * fps * wall,
    `${who}: video not decoding: width ${b.width}, frames +${newFrames} in ${wall.toFixed(1)} s ` +
      `(need ${Math.ceil(0.7 * fps * wall)})`,
  );
  assert.ok(b.dropped / Math.max(1, b.frames) < 0.05, `${who}: dropped ${b.dropped} of ${b.frames} frames`);
  // An edge retry (isEdgeRetry) is fine in live when it is rare. Every other error must be expected.
  const edgeRetries = opts.live ? pb.badResponses.filter((line) => isEdgeRetry(pb, line)) : [];
  assert.deepEqual(
    pb.badResponses.filter((line) => !edgeRetries.includes(line)),
    opts.expectedHttpErrors ?? [],
    `${who}: HTTP errors seen by the browser`,
  );
  assert.ok(
    edgeRetries.length <= (opts.maxEdgeRetries ?? MAX_EDGE_RETRIES),
    `${who}: ${edgeRetries.length} segments asked too early: ${edgeRetries.join(', ')}`,
  );
  assert.deepEqual(pb.offHost, [], `${who}: requests that left loopback`);
  assert.deepEqual(pb.failedRequests, [], `${who}: requests that failed below HTTP (CORS?)`);
  assert.equal(b.live, opts.live, `${who}: player reports live=${b.live}, expected ${opts.live}`);

  let latency: Figures['latency'] = null;
  if (opts.live) {
    const values = samples.map((s) => s.latency);
    assert.ok(
      values.every((v) => typeof v === 'number' && Number.isFinite(v)),
      `${who}: latency not measurable: ${JSON.stringify(values)}`,
    );
    const nums = values as number[];
    latency = {
      min: Math.min(...nums),
      max: Math.max(...nums),
      mean: nums.reduce((x, y) => x + y, 0) / nums.length,
    };
    if (opts.latencyRange) {
      const [lo, hi] = opts.latencyRange;
      const outside = nums.filter((v) => v < lo || v > hi);
      assert.deepEqual(
        outside.map((v) => v.toFixed(2)),
        [],
        `${who}: latency outside ${lo.toFixed(2)}–${hi.toFixed(2)} s (all samples ${nums.map((v) => v.toFixed(2)).join(' ')})`,
      );
    }
  }
  return {
    startMs,
    wallSeconds: wall,
    advanced,
    newFrames,
    totalFrames: b.frames,
    dropped: b.dropped,
    width: b.width,
    height: b.height,
    latency,
    stalls: b.events.filter((e) => e === 'waiting').length,
    edgeRetries,
  };
}

export const formatFigures = (f: Figures): string =>
  `first frame ${f.startMs} ms; +${f.advanced.toFixed(2)} s in ${f.wallSeconds.toFixed(1)} s; ` +
  `${f.width}x${f.height}; frames +${f.newFrames} (total ${f.totalFrames}, dropped ${f.dropped}); ` +
  `waiting ${f.stalls}` +
  (f.edgeRetries.length ? `; retried 425: ${f.edgeRetries.join(' ')}` : '') +
  (f.latency
    ? `; latency ${f.latency.min.toFixed(2)}–${f.latency.max.toFixed(2)} s (mean ${f.latency.mean.toFixed(2)})`
    : '');
