/**
 * What a music folder shares (spec daap.md §11.1): regular files, recursively, whose real path lies
 * inside the folder's real path (no symbolic-link escapes), with a known extension whose leading
 * bytes match the format. Everything else is skipped with a reason the caller logs.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { musicFormatOf, type MusicFormat } from './read-tags.js';

export interface FolderFile {
  /** Absolute real path. */
  path: string;
  /** Path inside the folder, with `/` separators. */
  rel: string;
  format: MusicFormat;
  size: number;
  mtimeMs: number;
}

export type Skip = { rel: string; reason: string };

/** Leading bytes of each format: ID3 or an MPEG frame sync, `ftyp`, `fLaC`, `OggS`, RIFF…WAVE. */
export function magicMatches(format: MusicFormat, head: Buffer): boolean {
  switch (format) {
    case 'mp3':
      return (
        head.subarray(0, 3).toString('latin1') === 'ID3' ||
        (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)
      );
    case 'm4a':
      return head.subarray(4, 8).toString('latin1') === 'ftyp';
    case 'flac':
      return head.subarray(0, 4).toString('latin1') === 'fLaC';
    case 'ogg':
      return head.subarray(0, 4).toString('latin1') === 'OggS';
    case 'wav':
      return (
        head.subarray(0, 4).toString('latin1') === 'RIFF' &&
        head.subarray(8, 12).toString('latin1') === 'WAVE'
      );
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(12);
    const { bytesRead } = await handle.read(buffer, 0, 12, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Checks one candidate file; returns the file or why it is skipped. */
export async function checkMusicFile(
  rootReal: string,
  path: string,
  formats: ReadonlySet<MusicFormat>,
): Promise<FolderFile | Skip> {
  const rel = relative(rootReal, path).split(sep).join('/');
  const kind = musicFormatOf(path);
  if (!kind || !formats.has(kind.format)) return { rel, reason: 'not a shared audio format' };
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { rel, reason: 'unreadable' };
  }
  if (real !== rootReal && !real.startsWith(rootReal + sep))
    return { rel, reason: 'links outside the music folder' };
  const info = await stat(real);
  if (!info.isFile()) return { rel, reason: 'not a regular file' };
  if (!magicMatches(kind.format, await readHead(real)))
    return { rel, reason: `its bytes are not ${kind.format}` };
  return { path: real, rel, format: kind.format, size: info.size, mtimeMs: info.mtimeMs };
}

export async function* scanMusicFolder(
  root: string,
  formats: ReadonlySet<MusicFormat>,
): AsyncIterable<FolderFile | Skip> {
  const rootReal = await realpath(root);
  async function* walk(dir: string): AsyncIterable<FolderFile | Skip> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) yield await checkMusicFile(rootReal, path, formats);
    }
  }
  yield* walk(rootReal);
}

export const isSkip = (x: FolderFile | Skip): x is Skip => 'reason' in x;
