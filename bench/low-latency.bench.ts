/**
 * Low-latency delivery (README §6 "Low-latency delivery", dash.md §10.3): 500 players on loopback
 * (50 with --quick) each follow the live edge of the demo's video with `chunkdur=0.5`, asking for
 * the next segment as soon as the previous one ends, so every request is held for its first chunk
 * and then served chunk by chunk. For every chunk the client notes when its first byte (the moof
 * header) arrived and compares it with the chunk's availability time, taken from the segment's
 * `prft` (the wall-clock time of the segment start) plus the end of the chunk's samples (tfdt and
 * trun). Prints the delay's p50 and p99; correctness checks (exit 1): every answer is a chunked
 * 200, no chunk arrives before its availability time, and every player got whole segments.
 *
 * loopcast runs as `loopcast serve` in a child process with the held-response limits raised so
 * 500 players on one address fit (LOOPCAST_MAX_HELD, LOOPCAST_MAX_HELD_PER_CLIENT).
 *
 * Run: npx tsx bench/low-latency.bench.ts [--quick]
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBoxes, prft, tfdt, tfhd, trun, TRUN_DURATION } from '@loopcast/bmff';
import { Checks, formatInt } from './support/figures.js';
import { prepareLoopcastData, startLoopcastProcess } from './support/loopcast-process.js';
import { interruption, removeOnExit, stopAll, stopChildrenOnSignals } from './support/processes.js';

const quick = process.argv.includes('--quick');
const PLAYERS = quick ? 50 : 500;
const SECONDS = quick ? 6 : 20;
const CHUNK_S = 0.5;
/** NTP seconds at the Unix epoch (RFC 5905). */
const NTP_UNIX_OFFSET_MS = 2208988800000;

const checks = new Checks();

interface Video {
  rep: string;
  timescale: number;
  segmentSeconds: number;
  startNumber: number;
}

/** The video Representation, its timescale and segment duration, from the MPD. */
function videoOf(mpd: string): Video {
  const set = /<AdaptationSet\b[^>]*contentType="video"[\s\S]*?<\/AdaptationSet>/.exec(mpd)?.[0] ?? '';
  const rep = /<Representation\b[^>]*\bid="([^"]+)"/.exec(set)?.[1];
  const st = /<SegmentTemplate\b[^>]*>/.exec(set)?.[0] ?? '';
  const attr = (name: string): number => Number(new RegExp(`\\b${name}="([^"]+)"`).exec(st)?.[1]);
  if (!rep || !st) throw new Error('no video Representation with a SegmentTemplate in the MPD');
  return {
    rep,
    timescale: attr('timescale'),
    segmentSeconds: attr('duration') / attr('timescale'),
    startNumber: attr('startNumber') || 1,
  };
}

interface PlayerStats {
  delays: number[];
  /** Chunks already complete when their request left: sent at once, not measured. */
  early: number;
  /** Segments answered whole (complete when asked for: the player had fallen behind). */
  late: number;
  segments: number;
  errors: string[];
}

/** A body buffer that grows by doubling: appending never copies what is already there twice. */
class Body {
  buf = Buffer.allocUnsafe(64 * 1024);
  length = 0;
  append(b: Buffer): void {
    if (this.length + b.length > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + b.length));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * One player on one keep-alive connection: GET segment n, decode the body (chunked, or with a
 * length when the player fell behind and the segment was complete), note when each moof's header
 * arrived, then GET n + 1, until `until`.
 */
function runPlayer(
  origin: string,
  path: (n: number) => string,
  first: number,
  until: number,
  ts: number,
): Promise<PlayerStats> {
  const url = new URL(origin);
  const stats: PlayerStats = { delays: [], early: 0, late: 0, segments: 0, errors: [] };
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    socket.setNoDelay(true);
    let n = first;
    let raw: Buffer = Buffer.alloc(0);
    let head = true;
    /** Bytes of body left: of the current transfer chunk (chunked) or of the whole body (length);
     * chunked: −1 before a size line, −2 before the CRLF that ends a chunk's data. */
    let left = -1;
    let chunked = true;
    let body = new Body();
    let scanned = 0;
    let moofSeen = new Map<number, number>(); // body offset of a moof → arrival ms
    let sentAt = 0;
    const finish = (): void => {
      socket.destroy();
      resolve(stats);
    };
    const request = (): void => {
      if (Date.now() >= until) return finish();
      head = true;
      left = -1;
      body = new Body();
      scanned = 0;
      moofSeen = new Map();
      sentAt = Date.now();
      socket.write(`GET ${path(n)} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    };
    const segmentDone = (): void => {
      measure(body.view(), moofSeen, ts, sentAt, stats);
      stats.segments++;
      n++;
      request();
    };
    const noteMoofs = (at: number): void => {
      const bytes = body.buf;
      while (scanned + 8 <= body.length) {
        const size = bytes.readUInt32BE(scanned);
        if (bytes.toString('latin1', scanned + 4, scanned + 8) === 'moof' && !moofSeen.has(scanned))
          moofSeen.set(scanned, at);
        if (scanned + size > body.length || size < 8) break;
        scanned += size;
      }
    };
    socket.on('data', (d: Buffer) => {
      const at = Date.now();
      raw = raw.length ? Buffer.concat([raw, d]) : d;
      if (head) {
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = raw.toString('latin1', 0, end);
        raw = raw.subarray(end + 4);
        head = false;
        if (!/^HTTP\/1\.1 200/.test(text)) {
          stats.errors.push(`${path(n)}: ${text.split('\r\n')[0]}`);
          return finish();
        }
        chunked = /transfer-encoding: chunked/i.test(text);
        if (!chunked) {
          stats.late++;
          left = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
        }
      }
      if (!chunked) {
        const take = raw.subarray(0, left);
        body.append(take);
        left -= take.length;
        raw = raw.subarray(take.length);
        noteMoofs(at);
        if (left === 0) segmentDone();
        return;
      }
      while (raw.length > 0) {
        if (left === -2) {
          // the CRLF after a chunk's data
          if (raw.length < 2) return;
          raw = raw.subarray(2);
          left = -1;
          continue;
        }
        if (left === -1) {
          const eol = raw.indexOf('\r\n');
          if (eol < 0) return;
          left = parseInt(raw.toString('latin1', 0, eol), 16);
          raw = raw.subarray(eol + 2);
          if (left === 0) {
            raw = raw.subarray(2);
            return segmentDone();
          }
        }
        const take = raw.subarray(0, left);
        body.append(take);
        left -= take.length;
        raw = raw.subarray(take.length);
        noteMoofs(at);
        if (left > 0) return;
        left = -2;
      }
    });
    socket.on('error', (err) => {
      stats.errors.push(String(err));
      finish();
    });
    socket.on('connect', request);
  });
}

/**
 * Delays of one segment's chunks: first-byte arrival − availability (prft time + chunk end); a
 * chunk complete before the request left is counted apart (it measures the request, not delivery).
 */
function measure(
  body: Buffer,
  moofSeen: Map<number, number>,
  ts: number,
  sentAt: number,
  stats: PlayerStats,
): void {
  const boxes = parseBoxes(body);
  const p = boxes.find((b) => b.type === 'prft');
  if (!p) {
    stats.errors.push('segment without prft');
    return;
  }
  const pf = p.get(prft);
  const startMs =
    Number((pf.ntpTimestamp >> 32n) * 1000n) +
    Number(((pf.ntpTimestamp & 0xffffffffn) * 1000n) >> 32n) -
    NTP_UNIX_OFFSET_MS;
  for (const moof of boxes.filter((b) => b.type === 'moof')) {
    const traf = moof.child('traf')!;
    const run = traf.child('trun')!.get(trun);
    const fh = traf.child('tfhd')!.get(tfhd);
    const duration =
      run.flags & TRUN_DURATION
        ? run.samples.reduce((s, x) => s + (x.duration ?? 0), 0)
        : run.sampleCount * (fh.defaultSampleDuration ?? 0);
    const end = BigInt(traf.child('tfdt')!.get(tfdt).baseMediaDecodeTime) + BigInt(duration) - pf.mediaTime;
    const availableMs = Math.ceil(startMs + (Number(end) * 1000) / ts);
    const arrived = moofSeen.get(moof.offset);
    if (availableMs < sentAt) stats.early++;
    else if (arrived !== undefined) stats.delays.push(arrived - availableMs);
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  stopChildrenOnSignals();
  const data = mkdtempSync(join(tmpdir(), 'loopcast-bench-ll-'));
  removeOnExit(data);
  await prepareLoopcastData(data, async () => {});
  // the server child inherits these: every player holds one response at a time
  process.env.LOOPCAST_MAX_HELD = String(PLAYERS * 2);
  process.env.LOOPCAST_MAX_HELD_PER_CLIENT = String(PLAYERS * 2);
  const lc = await startLoopcastProcess(data);
  try {
    // AST a minute back, on a whole second
    const ast = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const query = `abr=0&chunkdur=${CHUNK_S}&start=${new Date(ast).toISOString().replace('.000Z', 'Z')}`;
    const mpd = await (await fetch(`${lc.origin}/dash/live/demo/hand_made.mpd?${query}`)).text();
    const v = videoOf(mpd);
    const path = (n: number): string => `/dash/live/demo/${v.rep}/${n}.m4v?${query}`;
    // the segment being produced now: its first chunks are complete or about to be
    const first = v.startNumber + Math.floor((Date.now() - ast) / 1000 / v.segmentSeconds);
    const until = Date.now() + SECONDS * 1000;
    console.log(
      `${PLAYERS} players, ${SECONDS} s, ${v.rep} (${v.segmentSeconds} s segments, ${CHUNK_S} s chunks), from segment ${first}`,
    );
    const players = await Promise.all(
      Array.from({ length: PLAYERS }, () => runPlayer(lc.origin, path, first, until, v.timescale)),
    );
    const delays = players.flatMap((p) => p.delays).sort((a, b) => a - b);
    const errors = players.flatMap((p) => p.errors);
    const segments = players.reduce((s, p) => s + p.segments, 0);
    const early = players.reduce((s, p) => s + p.early, 0);
    console.log(
      `chunks measured          ${formatInt(delays.length)} (${formatInt(segments)} segments; ${formatInt(early)} complete before their request, not counted)`,
    );
    console.log(`first-byte delay p50     ${percentile(delays, 50)} ms after availability`);
    console.log(`first-byte delay p99     ${percentile(delays, 99)} ms after availability`);
    console.log(`first-byte delay max     ${delays.at(-1) ?? NaN} ms`);
    const late = players.reduce((s, p) => s + p.late, 0);
    console.log(
      `segments answered whole  ${formatInt(late)} (the player asked after the segment was complete)`,
    );
    checks.check(errors.length === 0, `every answer a 200 (${errors.slice(0, 3).join('; ')})`);
    checks.check(delays.length > 0, 'chunks were measured');
    // the prft time has millisecond precision: allow 1 ms of rounding
    checks.check((delays[0] ?? 0) >= -1, `no chunk before its availability time (earliest ${delays[0]} ms)`);
    checks.check(
      players.every((p) => p.segments >= Math.floor(SECONDS / v.segmentSeconds) - 1),
      'every player followed the live edge segment after segment',
    );
  } finally {
    await stopAll();
  }
  console.log(checks.summary());
  if (interruption()) process.exit(130);
  process.exit(checks.failed ? 1 : 0);
}

await main();
