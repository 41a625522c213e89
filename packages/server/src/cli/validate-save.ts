/**
 * `loopcast validate URL --save DIR [--prefix P] [--title T]` (validator.md §7): after the run,
 * captures the first Period into DIR as `loopcast upload` input — `<prefix>_<representationId>.mp4`
 * per Representation (names reduced by app.md §5.2's rule, nothing outside DIR, each file written
 * under a temporary name and renamed when complete) and `<prefix>.json`, an upload description
 * (app.md §10.4) with the stream, its files, the KIDs as computed keys and the timing reference.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import {
  captureStream,
  type CapturePlan,
  type CaptureSink,
  type CaptureTrack,
  type Fetcher,
} from '@loopcast/dash';
import { UsageError } from './args.js';
import { safeFileName } from '../upload/file-names.js';
import type { KeyEntry } from '../upload/description.js';

export interface SaveOptions {
  dir: string;
  prefix?: string;
  title?: string;
}

/** Creates DIR when missing and checks it is writable; a usage error (exit 2) otherwise. */
export async function prepareSaveDir(dir: string): Promise<string> {
  const root = resolve(dir);
  try {
    await mkdir(root, { recursive: true });
    await access(root, constants.W_OK);
  } catch (err) {
    throw new UsageError(
      `--save ${JSON.stringify(dir)} is not a writable directory: ${(err as Error).message}`,
    );
  }
  return root;
}

/** `--prefix` default: the MPD's last path segment without its extension. */
export function defaultPrefix(mpdUrl: string): string {
  const last = decodeURIComponent(new URL(mpdUrl).pathname.split('/').pop() ?? '');
  return last.replace(/\.[^.]*$/, '') || 'stream';
}

/** The stream rule (app.md §5.1, `[A-Za-z0-9]{3,30}`) applied to the prefix for the description. */
function directoryOf(prefix: string): string {
  const dir = prefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
  return dir.length >= 3 ? dir : `${dir}str`.slice(0, 30);
}

/** Writes each track to `<name>.part` and renames it when complete; `abort` removes the part. */
class DirSink implements CaptureSink {
  readonly written: string[] = [];
  private out?: { stream: WriteStream; part: string; final: string };

  constructor(
    private readonly root: string,
    private readonly prefix: string,
  ) {}

  fileName(t: CaptureTrack): string {
    return safeFileName(`${this.prefix}_${t.representationId}.mp4`);
  }

  pathFor(name: string): string {
    const path = join(this.root, name);
    if (!path.startsWith(this.root + sep)) throw new Error(`${name} would be written outside ${this.root}`);
    return path;
  }

  open(t: CaptureTrack): Promise<void> {
    const final = this.pathFor(this.fileName(t));
    const part = `${final}.part`;
    this.out = { stream: createWriteStream(part), part, final };
    return Promise.resolve();
  }

  write(chunk: Uint8Array): Promise<void> {
    const s = this.out!.stream;
    return new Promise((done, fail) => {
      s.once('error', fail);
      if (s.write(chunk)) {
        s.off('error', fail);
        done();
      } else
        s.once('drain', () => {
          s.off('error', fail);
          done();
        });
    });
  }

  async close(): Promise<void> {
    const { stream, part, final } = this.out!;
    await new Promise<void>((done, fail) => stream.end((err?: Error | null) => (err ? fail(err) : done())));
    await rename(part, final);
    this.written.push(final);
    this.out = undefined;
  }

  async abort(): Promise<void> {
    if (!this.out) return;
    const { stream, part } = this.out;
    stream.destroy();
    await rm(part, { force: true });
    this.out = undefined;
  }
}

export interface SaveResult {
  description: string;
  files: string[];
  plan: CapturePlan;
}

/** Captures the stream into `root` (from `prepareSaveDir`) and writes the description. */
export async function saveStream(
  url: string,
  root: string,
  opts: SaveOptions,
  fetcher: Fetcher,
  signal: AbortSignal,
  progress?: (p: { done: number; total: number; text: string }) => void,
): Promise<SaveResult> {
  const prefix = safeFileName(opts.prefix ?? defaultPrefix(url));
  const sink = new DirSink(root, prefix);
  try {
    const plan = await captureStream({ url, fetcher, sink, signal, ...(progress && { progress }) });
    const files = plan.tracks.map((t) => sink.fileName(t));
    const kids = [...new Set(plan.tracks.flatMap((t) => t.kids))];
    const keys: KeyEntry[] = kids.map((kid) => ({ kid, computed: true }));
    const description = {
      ...(keys.length && { keys }),
      streams: [
        {
          directory: directoryOf(prefix),
          title: (opts.title ?? plan.title ?? prefix).slice(0, 120),
          files,
          timing_ref: files[plan.timingRef]!,
        },
      ],
    };
    const json = sink.pathFor(`${prefix}.json`);
    await writeFile(`${json}.part`, `${JSON.stringify(description, null, 2)}\n`);
    await rename(`${json}.part`, json);
    return { description: json, files: sink.written, plan };
  } catch (err) {
    // a failed capture leaves nothing behind in DIR (the open part is removed by abort)
    await Promise.all(sink.written.map((f) => rm(f, { force: true })));
    throw err;
  }
}
