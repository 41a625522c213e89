/**
 * Thin wrappers around Debian's ffmpeg/ffprobe for the demo build and `loopcast create-media` (app.md §11). Every run is quiet
 * (`-v error`), never reads stdin and uses at most two threads: the build machines have two
 * cores shared with other work.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The fixed prefix of every ffmpeg run of the demo build. */
const FFMPEG_PREFIX = [
  '-nostdin',
  '-y',
  '-v',
  'error',
  '-filter_threads',
  '1',
  '-filter_complex_threads',
  '1',
];

/** Output options that keep files free of version strings and stray metadata. */
export const REPRODUCIBLE_OUTPUT = ['-threads', '2', '-fflags', '+bitexact', '-map_metadata', '-1'];

export async function ffmpeg(args: string[]): Promise<void> {
  try {
    await run('ffmpeg', [...FFMPEG_PREFIX, ...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`ffmpeg ${args.at(-1) ?? ''} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

export async function ffprobeJson(file: string, entries: string): Promise<unknown> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_entries', entries, file]);
  return JSON.parse(stdout) as unknown;
}

/** Fails early, naming the Debian package, when ffmpeg or ffprobe is not installed. */
export async function requireFfmpeg(): Promise<void> {
  for (const tool of ['ffmpeg', 'ffprobe']) {
    try {
      await run(tool, ['-version']);
    } catch {
      throw new Error(`${tool} not found: install the Debian package ffmpeg (apt-get install ffmpeg)`);
    }
  }
}

/**
 * Escapes one option value of a filter description for both parsing levels of a filtergraph:
 * first the filter's own `key=value:key=value` list, then the graph around it.
 */
function escapeOptionValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** One filter of a filtergraph, `name=k=v:k=v`, with every value escaped. */
export function filter(name: string, options: Record<string, string | number> = {}): string {
  const parts = Object.entries(options).map(([k, v]) => `${k}=${escapeOptionValue(String(v))}`);
  return parts.length ? `${name}=${parts.join(':')}` : name;
}
