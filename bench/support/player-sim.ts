/**
 * Simulated live DASH players (testing.md §8.3): the load generator of the players benchmark and the
 * soak. Each player fetches the live manifest, then on the manifest's schedule refreshes it every
 * minimumUpdatePeriod and fetches the next video and audio segment when each becomes available, in
 * real time, over one keep-alive connection of its own. Players start spread over a ramp so the
 * server sees no connection storm.
 *
 * Runs as its own process (`node --import tsx player-sim.ts JSON`) with one worker thread per core,
 * prints one JSON line (`SimResult`) when done. It measures its own event-loop delay: a saturated
 * generator makes the run invalid rather than the server guilty.
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

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
  /** The generator's own event-loop delay (p99 over its workers), in ms. */
  generatorDelayP99Ms: number;
}

interface Track {
  contentType: 'video' | 'audio';
  media: string;
  /** Segment duration in seconds. */
  duration: number;
  startNumber: number;
}

interface ParsedManifest {
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
    const type = attr(setTag, 'contentType') ?? attr(setTag, 'mimeType')?.split('/')[0];
    if (type !== 'video' && type !== 'audio') continue;
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
    availabilityStart: Date.parse(attr(mpdTag, 'availabilityStartTime') ?? ''),
    minimumUpdatePeriod: isoSeconds(attr(mpdTag, 'minimumUpdatePeriod')),
    tracks,
  };
}

class Stats {
  requests = 0;
  manifests = 0;
  segments = 0;
  bytes = 0;
  errors: Record<string, number> = {};
  latencies: number[] = [];

  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }
}

function get(agent: Agent, url: URL, stats: Stats, kind: 'manifest' | 'segment'): Promise<string | null> {
  return new Promise((resolve) => {
    const started = performance.now();
    stats.requests++;
    const req = request(url, { agent, headers: { accept: '*/*' } }, (res) => {
      const pieces: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (kind === 'manifest') pieces.push(chunk);
      });
      res.on('end', () => {
        stats.latencies.push(performance.now() - started);
        stats.bytes += size;
        const ok = res.statusCode !== undefined && res.statusCode < 300;
        if (!ok) stats.error(`${res.statusCode} ${kind}`);
        else if (kind === 'manifest') stats.manifests++;
        else stats.segments++;
        resolve(ok && kind === 'manifest' ? Buffer.concat(pieces).toString('utf8') : ok ? '' : null);
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        stats.error(err.code ?? err.message);
        resolve(null);
      });
    });
    req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      stats.error(err.code ?? err.message);
      resolve(null);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One player until `endAt`: manifest on its update period, each track's next segment when available. */
async function runPlayer(config: SimConfig, stats: Stats, startAt: number, endAt: number): Promise<void> {
  await sleep(startAt - Date.now());
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const manifestUrl = new URL(config.manifestUrl);
  try {
    const text = await get(agent, manifestUrl, stats, 'manifest');
    if (!text) return;
    const manifest = parseManifest(text, (n) => Math.floor(Math.random() * n));
    const refresh = (async () => {
      const period = (manifest.minimumUpdatePeriod || 8) * 1000;
      for (let next = Date.now() + period; next < endAt; next += period) {
        await sleep(next - Date.now());
        await get(agent, manifestUrl, stats, 'manifest');
      }
    })();
    const tracks = manifest.tracks.map(async (track) => {
      // The newest segment already complete, then each following one at its availability time.
      const elapsed = (Date.now() - manifest.availabilityStart) / 1000;
      let number = track.startNumber + Math.floor(elapsed / track.duration) - 1;
      for (;;) {
        const availableAt =
          manifest.availabilityStart + (number - track.startNumber + 1) * track.duration * 1000;
        if (availableAt >= endAt) return;
        // 50–150 ms after availability: real players keep a small margin, and their clocks and
        // schedules differ.
        await sleep(availableAt - Date.now() + 50 + Math.random() * 100);
        const url = new URL(track.media.replace('$Number$', String(number)), manifestUrl);
        await get(agent, url, stats, 'segment');
        number++;
      }
    });
    await Promise.all([refresh, ...tracks]);
  } finally {
    agent.destroy();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function workerMain(config: SimConfig & { startedAt: number }) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const stats = new Stats();
  const endAt = config.startedAt + (config.rampSeconds + config.seconds) * 1000;
  const players = [];
  for (let i = 0; i < config.players; i++) {
    const startAt = config.startedAt + Math.random() * config.rampSeconds * 1000;
    players.push(runPlayer(config, stats, startAt, endAt));
  }
  await Promise.all(players);
  delay.disable();
  parentPort!.postMessage({ stats, delayP99: delay.percentile(99) / 1e6 });
}

/** Runs the players over `config.workers` threads and sums what they saw. */
export async function simulate(config: SimConfig): Promise<SimResult> {
  const startedAt = Date.now() + 200;
  const share = Math.ceil(config.players / config.workers);
  const results = await Promise.all(
    Array.from({ length: config.workers }, (_, w) => {
      const players = Math.max(0, Math.min(share, config.players - w * share));
      return new Promise<{ stats: Stats; delayP99: number }>((resolve, reject) => {
        // Worker threads do not inherit `--import tsx`: register it inside the worker first.
        const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(bootstrap, { eval: true, workerData: { ...config, players, startedAt } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  const latencies = results.flatMap((r) => r.stats.latencies).sort((a, b) => a - b);
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
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
    },
    generatorDelayP99Ms: Math.max(...results.map((r) => r.delayP99)),
  };
}

if (!isMainThread) {
  void workerMain(workerData as SimConfig & { startedAt: number });
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(process.argv[2] ?? '{}') as SimConfig;
  console.log(JSON.stringify(await simulate(config)));
}
