/**
 * Simulated live DASH players (testing.md §8.3): the load generator of the players benchmark and the
 * soak. Each player fetches the live manifest, then in real time refreshes it every
 * minimumUpdatePeriod and fetches the next segment of each adaptation set (video, audio, text), over
 * one keep-alive connection of its own. Players start spread over a ramp so the server sees no
 * connection storm.
 *
 * When in a segment's life a player asks for it: each player keeps a fixed phase per adaptation
 * set, drawn once between 50 ms after availability and one segment duration later. A population of
 * players that joined at different times with different buffer targets fetches on phases spread
 * like that; the all-at-the-edge burst is the low-latency benchmark's case, not this one.
 *
 * The generator must cost far less than the server it measures: one `TimerQueue` per worker instead
 * of a timer and promise per waiting player, a minimal keep-alive HTTP client that counts body bytes
 * instead of keeping them, and latencies in a fixed histogram. It runs as its own process (`node
 * --import tsx player-sim.ts JSON`) over worker threads and prints one JSON line (`SimResult`) when
 * done. It measures its own event-loop delay: a saturated generator makes the run invalid rather
 * than the server guilty.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { KeepAliveConnection, type Answer } from './keepalive-connection.js';
import {
  latencyMax,
  latencyPercentile,
  mergeLatencies,
  newLatencyHistogram,
  recordLatency,
} from './latency-histogram.js';
import { TimerQueue } from './timer-queue.js';

export interface SimConfig {
  /** Full manifest URL, e.g. http://127.0.0.1:5000/dash/live/demo/hand_made.mpd */
  manifestUrl: string;
  players: number;
  /** Seconds of steady load after the ramp. */
  seconds: number;
  /** Seconds over which players start. */
  rampSeconds: number;
  workers: number;
}

export interface SimResult {
  players: number;
  requests: number;
  manifests: number;
  segments: number;
  bytes: number;
  /** Non-2xx answers and socket errors, by kind, e.g. `404 segment`, `ECONNRESET`. */
  errors: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  /** The generator's own event-loop delay beyond its sampling period (p99, worst worker), in ms. */
  generatorDelayP99Ms: number;
  /** CPU seconds the generator process used (all its threads), and over how many wall seconds. */
  generatorCpuSeconds: number;
  generatorWallSeconds: number;
}

interface Track {
  contentType: 'video' | 'audio' | 'text';
  /** The media template resolved against the manifest's BaseURL, still holding `$Number$`. */
  media: string;
  /** Segment duration in seconds. */
  duration: number;
  startNumber: number;
}

interface ParsedManifest {
  baseUrl: string | null;
  availabilityStart: number;
  minimumUpdatePeriod: number;
  tracks: Track[];
}

/** ISO 8601 duration `PT1M2.5S` → seconds. */
function isoSeconds(text: string | undefined): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(text ?? '');
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
}

const attr = (tag: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/**
 * What a player needs of a `$Number$` SegmentTemplate manifest: one rung per adaptation set
 * (chosen by `pick`), its media template, duration and start number.
 */
export function parseManifest(xml: string, pick: (count: number) => number): ParsedManifest {
  const mpdTag = /<MPD\b[^>]*>/.exec(xml)?.[0] ?? '';
  const tracks: Track[] = [];
  for (const set of xml.matchAll(/<AdaptationSet\b[^>]*>[\s\S]*?<\/AdaptationSet>/g)) {
    const block = set[0];
    const setTag = /<AdaptationSet\b[^>]*>/.exec(block)![0];
    const mime = attr(setTag, 'mimeType');
    const type = attr(setTag, 'contentType') ?? (mime === 'application/mp4' ? 'text' : mime?.split('/')[0]);
    if (type !== 'video' && type !== 'audio' && type !== 'text') continue;
    const reps = [...block.matchAll(/<Representation\b[^>]*>/g)].map((m) => attr(m[0], 'id')!);
    const template = /<SegmentTemplate\b[^>]*>/.exec(block)?.[0];
    if (!template || reps.length === 0) continue;
    const timescale = Number(attr(template, 'timescale') ?? 1);
    const rep = reps[pick(reps.length)]!;
    tracks.push({
      contentType: type,
      media: (attr(template, 'media') ?? '').replaceAll('&amp;', '&').replace('$RepresentationID$', rep),
      duration: Number(attr(template, 'duration')) / timescale,
      startNumber: Number(attr(template, 'startNumber') ?? 1),
    });
  }
  return {
    baseUrl: /<BaseURL>([^<]*)<\/BaseURL>/.exec(xml)?.[1]?.replaceAll('&amp;', '&') ?? null,
    availabilityStart: Date.parse(attr(mpdTag, 'availabilityStartTime') ?? ''),
    minimumUpdatePeriod: isoSeconds(attr(mpdTag, 'minimumUpdatePeriod')),
    tracks,
  };
}

interface WorkerStats {
  requests: number;
  manifests: number;
  segments: number;
  bytes: number;
  errors: Record<string, number>;
  latencies: Uint32Array;
}

const NUMBER_MARK = 'LOOPCASTSEGMENTNUMBER';

/** One simulated player: its connection, its manifest schedule and one schedule per track. */
class Player {
  private readonly connection: KeepAliveConnection;

  constructor(
    private readonly queue: TimerQueue,
    private readonly stats: WorkerStats,
    private readonly manifestUrl: URL,
    private readonly endAt: number,
  ) {
    this.connection = new KeepAliveConnection(manifestUrl.hostname, Number(manifestUrl.port));
  }

  start(): void {
    this.fetch(this.manifestPath(), 'manifest', true, (text) => {
      if (text === null) return this.connection.close();
      this.follow(parseManifest(text, (n) => Math.floor(Math.random() * n)));
    });
  }

  private manifestPath(): string {
    return this.manifestUrl.pathname + this.manifestUrl.search;
  }

  private follow(manifest: ParsedManifest): void {
    const period = (manifest.minimumUpdatePeriod || 8) * 1000;
    const refresh = (at: number): void => {
      if (at >= this.endAt) return;
      this.queue.at(at, () => {
        this.fetch(this.manifestPath(), 'manifest', false, () => {});
        refresh(at + period);
      });
    };
    refresh(Date.now() + period);
    const base = new URL(manifest.baseUrl ?? '', this.manifestUrl);
    for (const track of manifest.tracks) {
      const resolved = new URL(track.media.replace('$Number$', NUMBER_MARK), base);
      const [before, after = ''] = (resolved.pathname + resolved.search).split(NUMBER_MARK, 2) as [
        string,
        string?,
      ];
      const durationMs = track.duration * 1000;
      const phaseMs = 50 + Math.random() * Math.max(0, durationMs - 50);
      const availableAt = (n: number) =>
        manifest.availabilityStart + (n - track.startNumber + 1) * durationMs;
      // The newest complete segment at once, then each following one on this player's phase.
      const elapsed = Date.now() - manifest.availabilityStart;
      const first = track.startNumber + Math.floor(elapsed / durationMs) - 1;
      const next = (n: number): void => {
        const at = availableAt(n) + phaseMs;
        if (at >= this.endAt) return;
        this.queue.at(at, () => {
          this.fetch(before + n + after, 'segment', false, () => {});
          next(n + 1);
        });
      };
      this.fetch(before + first + after, 'segment', false, () => {});
      next(first + 1);
    }
  }

  private fetch(
    path: string,
    kind: 'manifest' | 'segment',
    wantText: boolean,
    then: (text: string | null) => void,
  ): void {
    const stats = this.stats;
    stats.requests++;
    this.connection.get(path, wantText, (error: string | null, answer: Answer | null) => {
      if (error || !answer) {
        stats.errors[error ?? 'no answer'] = (stats.errors[error ?? 'no answer'] ?? 0) + 1;
        return then(null);
      }
      recordLatency(stats.latencies, answer.latencyMs);
      stats.bytes += answer.bytes;
      if (answer.status >= 300) {
        const key = `${answer.status} ${kind}`;
        stats.errors[key] = (stats.errors[key] ?? 0) + 1;
        return then(null);
      }
      if (kind === 'manifest') stats.manifests++;
      else stats.segments++;
      then(answer.text ?? '');
    });
  }

  stop(): void {
    this.connection.close();
  }
}

/**
 * The event-loop delay sampler's period. Node records each whole interval between its samples, so
 * an idle loop reads this many ms; the delay is what lies beyond it.
 */
const DELAY_RESOLUTION_MS = 10;

async function workerMain(config: SimConfig & { startedAt: number }) {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const stats: WorkerStats = {
    requests: 0,
    manifests: 0,
    segments: 0,
    bytes: 0,
    errors: {},
    latencies: newLatencyHistogram(),
  };
  const queue = new TimerQueue();
  const manifestUrl = new URL(config.manifestUrl);
  const endAt = config.startedAt + (config.rampSeconds + config.seconds) * 1000;
  const players: Player[] = [];
  for (let i = 0; i < config.players; i++) {
    const player = new Player(queue, stats, manifestUrl, endAt);
    players.push(player);
    queue.at(config.startedAt + Math.random() * config.rampSeconds * 1000, () => player.start());
  }
  // Answers still on the wire at the end are given up to 10 s (the request timeout) to land.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, endAt - Date.now()) + 2000));
  for (const player of players) player.stop();
  delay.disable();
  const delayP99 = Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS);
  parentPort!.postMessage({ stats, delayP99 });
}

/** Runs the players over `config.workers` threads and sums what they saw. */
export async function simulate(config: SimConfig): Promise<SimResult> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const startedAt = Date.now() + 200;
  const share = Math.ceil(config.players / config.workers);
  const results = await Promise.all(
    Array.from({ length: config.workers }, (_, w) => {
      const players = Math.max(0, Math.min(share, config.players - w * share));
      return new Promise<{ stats: WorkerStats; delayP99: number }>((resolve, reject) => {
        // Worker threads do not inherit `--import tsx`: register it inside the worker first.
        const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(bootstrap, { eval: true, workerData: { ...config, players, startedAt } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const latencies = mergeLatencies(results.map((r) => r.stats.latencies));
  const errors: Record<string, number> = {};
  for (const { stats } of results) {
    for (const [kind, count] of Object.entries(stats.errors)) errors[kind] = (errors[kind] ?? 0) + count;
  }
  const sum = (key: 'requests' | 'manifests' | 'segments' | 'bytes') =>
    results.reduce((total, r) => total + r.stats[key], 0);
  return {
    players: config.players,
    requests: sum('requests'),
    manifests: sum('manifests'),
    segments: sum('segments'),
    bytes: sum('bytes'),
    errors,
    latencyMs: {
      p50: latencyPercentile(latencies, 50),
      p99: latencyPercentile(latencies, 99),
      max: latencyMax(latencies),
    },
    generatorDelayP99Ms: Math.max(...results.map((r) => r.delayP99)),
    generatorCpuSeconds: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpuBefore)),
    generatorWallSeconds: (performance.now() - wallBefore) / 1000,
  };
}

if (!isMainThread) {
  void workerMain(workerData as SimConfig & { startedAt: number });
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(process.argv[2] ?? '{}') as SimConfig;
  console.log(JSON.stringify(await simulate(config)));
}
