/**
 * loopcast's transcoder for Apple clients (spec daap.md §9.4, §11.1): FLAC and Ogg (Vorbis, Opus)
 * files of the watched music folder become WAV, the lossless target iTunes and Music.app play,
 * through Debian's `ffmpeg`. It is plugged into a share's media provider with `withTranscoding`;
 * the DAAP library decides who needs it (Accept-Codecs, else the User-Agent).
 *
 * - The WAV header is written here, not by ffmpeg: on a pipe ffmpeg cannot go back to fill in the
 *   sizes. The header states the size estimated from the item's duration (the `assz` the client
 *   was listed), and the PCM that follows is cut or padded with silence to exactly that size, so
 *   the listing, the header and the bytes agree.
 * - At most two transcodes run at once per share (`maxConcurrent`). Further requests wait in
 *   arrival order for up to `queueTimeoutMs` (10 s): iTunes often opens the next request (a seek,
 *   the next track) just before it drops the previous one, whose slot frees a moment later. After
 *   the wait the request gets 503 with Retry-After.
 * - ffmpeg runs in its own process group; a client that goes away kills the group, and its slot is
 *   freed when the process has exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import {
  MediaBusyError,
  type Item,
  type MediaContext,
  type MediaProvider,
  type MediaSource,
  type TranscodeTarget,
} from '@loopcast/daap';
import type { TrackSource } from './track-item.js';
import { hasFfmpeg } from './transcode-support.js';

/** ascd FourCCs of the formats transcoded (§11.1: FLAC and Ogg from the music folder). */
const DEFAULT_SOURCES: readonly string[] = ['flac', 'vorb', 'opus'];

const WAV_HEADER_BYTES = 44;
const CHANNELS = 2;
const BYTES_PER_SAMPLE = 2;
const FRAME_BYTES = CHANNELS * BYTES_PER_SAMPLE;
/** The largest data chunk a plain RIFF header can state. */
const MAX_WAV_DATA = 0xffffffff - 36;

export interface TranscoderLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface TranscoderOptions {
  /** the ffmpeg executable, default `ffmpeg` from the PATH */
  ffmpeg?: string;
  /** transcodes running at once, default 2 (§9.4) */
  maxConcurrent?: number;
  /** how long a request waits for a slot before 503, default 10 s */
  queueTimeoutMs?: number;
  /** Retry-After of that 503, default 5 s */
  retryAfterSeconds?: number;
  /** ascd FourCCs that are transcoded, default flac, vorb, opus */
  sources?: readonly string[];
  /** the file of an item; default: a folder track's path (loopcast's share or `daap serve`) */
  pathOf?: (item: Item) => string | undefined;
  log?: TranscoderLog;
}

/** The watched-folder file behind an item: `daap serve` keeps the path, the share a TrackSource. */
export function folderPathOf(item: Item): string | undefined {
  const source = item.source as string | TrackSource | undefined;
  if (typeof source === 'string') return source;
  return source?.folderPath ?? undefined;
}

/** The WAV that an item becomes: 16-bit stereo at the item's sample rate. */
export interface WavPlan {
  readonly sampleRate: number;
  /** PCM bytes after the header; undefined when the duration is unknown */
  readonly dataBytes: number | undefined;
}

export function wavPlan(item: Item): WavPlan {
  const sr = item.sampleRate;
  const sampleRate = sr !== undefined && Number.isInteger(sr) && sr >= 8000 && sr <= 384_000 ? sr : 44_100;
  const ms = item.durationMs;
  const frames = ms !== undefined && ms > 0 ? Math.round((ms * sampleRate) / 1000) : undefined;
  const dataBytes = frames === undefined ? undefined : frames * FRAME_BYTES;
  return {
    sampleRate,
    dataBytes: dataBytes !== undefined && dataBytes <= MAX_WAV_DATA ? dataBytes : undefined,
  };
}

/** The canonical 44-byte PCM header; unknown sizes are stated as 0xFFFFFFFF (read to the end). */
export function wavHeader(plan: WavPlan): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const data = plan.dataBytes;
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(data === undefined ? 0xffffffff : 36 + data, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(CHANNELS, 22);
  h.writeUInt32LE(plan.sampleRate, 24);
  h.writeUInt32LE(plan.sampleRate * FRAME_BYTES, 28);
  h.writeUInt16LE(FRAME_BYTES, 32);
  h.writeUInt16LE(BYTES_PER_SAMPLE * 8, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data ?? 0xffffffff, 40);
  return h;
}

/** What listings show for a transcoded item (§9.4): asfm, ascd, asdt, asbr and the exact size. */
export function wavTarget(item: Item): TranscodeTarget {
  const plan = wavPlan(item);
  return {
    format: 'wav',
    codec: 'wav ',
    description: 'WAV audio file',
    mime: 'audio/wav',
    bitrate: Math.round((plan.sampleRate * FRAME_BYTES * 8) / 1000),
    ...(plan.dataBytes !== undefined ? { size: WAV_HEADER_BYTES + plan.dataBytes } : {}),
  };
}

/** A FIFO of transcode slots. */
class Slots {
  private running = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly max: number) {}

  get busy(): number {
    return this.running;
  }

  /** Resolves with a release function, or rejects with MediaBusyError after `timeoutMs`. */
  acquire(timeoutMs: number, retryAfter: number, signal?: AbortSignal): Promise<() => void> {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.grant();
    };
    if (this.running < this.max && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          done();
          this.running++;
          resolve(release);
        },
      };
      const give = (why: string): void => {
        done();
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new MediaBusyError(why, retryAfter));
      };
      const timer = setTimeout(() => give(`all ${this.max} transcode slots busy`), timeoutMs);
      const onAbort = (): void => give('client went away while waiting for a transcode slot');
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return give('client went away');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}

/**
 * ffmpeg's raw PCM behind a WAV header, cut or padded to the stated size. Destroying it (the
 * client went away) kills ffmpeg's process group at once.
 */
class WavStream extends Readable {
  private remaining: number | undefined;
  private pad = 0;
  private finished = false;

  constructor(
    private readonly proc: ChildProcess,
    header: Buffer,
    dataBytes: number | undefined,
    private readonly kill: () => void,
    describe: () => string,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.remaining = dataBytes;
    this.push(header);
    const out = proc.stdout!;
    out.on('data', (chunk: Buffer) => {
      if (this.finished || this.destroyed) return;
      let c = chunk;
      if (this.remaining !== undefined) {
        if (c.length > this.remaining) c = c.subarray(0, this.remaining);
        this.remaining -= c.length;
      }
      const more = c.length === 0 || this.push(c);
      if (this.remaining === 0) {
        // The stated size is reached: whatever ffmpeg has left is rounding, not wanted.
        this.finished = true;
        out.pause();
        this.kill();
        this.push(null);
      } else if (!more) out.pause();
    });
    proc.once('close', (code, signal) => {
      if (this.finished || this.destroyed) return;
      if (code !== 0) {
        // A failed decode ends the response early, so the client sees an error, not silence.
        this.destroy(new Error(`ffmpeg ended with ${signal ?? `code ${code}`}: ${describe()}`));
        return;
      }
      // A stream shorter than the estimate: pad with silence to the size the header states.
      this.finished = true;
      this.pad = this.remaining ?? 0;
      this.fill();
    });
  }

  private fill(): void {
    while (this.pad > 0) {
      const n = Math.min(this.pad, 64 * 1024);
      this.pad -= n;
      if (!this.push(Buffer.alloc(n))) return;
    }
    this.push(null);
  }

  override _read(): void {
    if (this.finished) {
      if (this.pad > 0) this.fill();
      return;
    }
    this.proc.stdout?.resume();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.kill();
    cb(err);
  }
}

/** Spawns ffmpeg per transcoded stream, at most `maxConcurrent` at once (one per share). */
export class FfmpegTranscoder {
  private readonly slots: Slots;
  private readonly sources: ReadonlySet<string>;
  private readonly live = new Set<ChildProcess>();

  constructor(private readonly opts: TranscoderOptions = {}) {
    this.slots = new Slots(opts.maxConcurrent ?? 2);
    this.sources = new Set(opts.sources ?? DEFAULT_SOURCES);
  }

  /** `daapTranscode` (LOOPCAST_DAAP_TRANSCODE): `auto` uses ffmpeg when it is installed. */
  static async create(
    setting: 'auto' | 'off',
    opts: TranscoderOptions = {},
  ): Promise<FfmpegTranscoder | undefined> {
    if (setting !== 'auto' || !(await hasFfmpeg())) return undefined;
    return new FfmpegTranscoder(opts);
  }

  /** Transcodes running now. */
  get running(): number {
    return this.slots.busy;
  }

  /** Process ids of the ffmpeg processes alive now. */
  get pids(): number[] {
    return [...this.live].map((p) => p.pid).filter((p): p is number => p !== undefined);
  }

  /** The WAV target for an item this transcoder handles, if the client plays WAV. */
  target(item: Item, codecs: ReadonlySet<string>): TranscodeTarget | undefined {
    if (!codecs.has('wav') || !this.handles(item)) return undefined;
    return wavTarget(item);
  }

  private handles(item: Item): boolean {
    const codec = item.codec?.trim().toLowerCase();
    return codec !== undefined && this.sources.has(codec) && this.pathOf(item) !== undefined;
  }

  private pathOf(item: Item): string | undefined {
    return (this.opts.pathOf ?? folderPathOf)(item);
  }

  /** The transcoded source for a client that plays WAV, or undefined to send the stored bytes. */
  async transcode(ctx: MediaContext): Promise<MediaSource | undefined> {
    const item = ctx.item;
    const path = this.pathOf(item);
    if (!ctx.codecs?.has('wav') || !this.handles(item) || path === undefined) return undefined;
    const release = await this.slots.acquire(
      this.opts.queueTimeoutMs ?? 10_000,
      this.opts.retryAfterSeconds ?? 5,
      ctx.signal,
    );
    const plan = wavPlan(item);
    let opened = false;
    return {
      mime: 'audio/wav',
      ...(plan.dataBytes !== undefined ? { size: WAV_HEADER_BYTES + plan.dataBytes } : {}),
      seekable: false,
      open: () => {
        opened = true;
        return this.spawn(path, plan, item.id, release);
      },
      close: () => {
        // Never opened (HEAD): the slot goes back now; otherwise when ffmpeg has exited.
        if (!opened) release();
      },
    };
  }

  private spawn(path: string, plan: WavPlan, itemId: number, release: () => void): Readable {
    const args = [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      path,
      '-map',
      '0:a:0',
      '-ac',
      String(CHANNELS),
      '-ar',
      String(plan.sampleRate),
      '-c:a',
      'pcm_s16le',
      '-f',
      's16le',
      'pipe:1',
    ];
    // Its own process group (detached), so that one kill(-pid) ends it and anything it starts.
    const proc = spawn(this.opts.ffmpeg ?? 'ffmpeg', args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.live.add(proc);
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const log = this.opts.log;
    const kill = (): void => {
      if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const stream = new WavStream(proc, wavHeader(plan), plan.dataBytes, kill, () => stderr.trim());
    proc.once('error', (err) => {
      this.live.delete(proc);
      release();
      log?.warn({ err: err.message, item: itemId }, 'transcode: ffmpeg did not start');
      stream.destroy(err);
    });
    proc.once('exit', (code, signal) => {
      this.live.delete(proc);
      release();
      if (code !== 0 && signal !== 'SIGKILL')
        log?.warn({ item: itemId, code, signal, stderr: stderr.trim() }, 'transcode: ffmpeg failed');
    });
    log?.info({ item: itemId, pid: proc.pid, path }, 'transcode: ffmpeg started');
    return stream;
  }

  /** Ends every running transcode (shutdown). */
  close(): void {
    for (const p of this.live) {
      if (p.pid === undefined) continue;
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * A share's media provider with transcoding plugged in (§9.4): listings of Apple clients show
 * the WAV target of FLAC and Ogg folder tracks, and their play requests get ffmpeg's WAV. Without
 * a transcoder (`daapTranscode=off`, no ffmpeg) the provider is returned unchanged.
 */
export function withTranscoding(
  media: MediaProvider,
  transcoder: FfmpegTranscoder | undefined,
): MediaProvider {
  if (!transcoder) return media;
  return {
    item: (ctx) => media.item(ctx),
    ...(media.artwork ? { artwork: media.artwork.bind(media) } : {}),
    transcodeTarget: (item, codecs) => transcoder.target(item, codecs),
    transcode: (ctx) => transcoder.transcode(ctx),
  };
}
