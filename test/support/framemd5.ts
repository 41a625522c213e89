/**
 * Per-frame hashes of an MP4 as ffmpeg decodes it (`-f framemd5`), read from a pipe: ffmpeg 5.1
 * decrypts a seekable fragmented file with the last fragment's encryption info, a pipe it reads in
 * order. With `key` it decrypts (`-decryption_key`); `seconds` limits the decode.
 */
import { spawnSync } from 'node:child_process';

export function framemd5(input: Buffer, key?: string, seconds?: number): string {
  const r = spawnSync(
    'ffmpeg',
    [
      ...['-v', 'error', ...(key ? ['-decryption_key', key] : []), '-i', '-', '-map', '0'],
      ...(seconds ? ['-t', String(seconds)] : []),
      ...['-f', 'framemd5', '-'],
    ],
    { input, maxBuffer: 64 * 1024 * 1024 },
  );
  return r.stdout
    .toString()
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .join('\n');
}
