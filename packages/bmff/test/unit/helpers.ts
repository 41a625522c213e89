/**
 * Shared test support: where the shared fixtures live (../shared beside the repository root),
 * skip reasons, and external tools (ffmpeg, ffprobe) that fail instead of skipping when CI=true.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const mediaDir = path.join(sharedDir, 'media');
export const bbbDir = path.join(mediaDir, 'bbb');
export const boxesDir = path.join(mediaDir, 'boxes');

/** A skip reason when the shared media folder is absent (printed by the runner), else false. */
export const noMedia: string | false =
  existsSync(bbbDir) && existsSync(boxesDir)
    ? false
    : `shared test media not found at ${mediaDir} (expected ../shared/media beside the repository)`;
if (noMedia) console.log(`# bmff: ${noMedia}; fixture tests are skipped`);

export function mediaFiles(): string[] {
  if (noMedia) return [];
  return [bbbDir, boxesDir].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.mp4'))
      .sort()
      .map((f) => path.join(d, f)),
  );
}

export function bbb(name: string): Buffer {
  return readFileSync(path.join(bbbDir, `${name}.mp4`));
}

const CI = process.env.CI === 'true';

/**
 * A skip reason when an external tool is missing (naming the Debian package), or false when
 * present. With CI=true a missing tool throws, so the test fails instead of skipping.
 */
export function toolMissing(tool: 'ffmpeg' | 'ffprobe'): string | false {
  const candidates = [`/usr/bin/${tool}`, `/usr/local/bin/${tool}`];
  if (candidates.some((p) => existsSync(p))) return false;
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return false;
  } catch {
    const msg = `${tool} not found; install the Debian package 'ffmpeg' (apt-get install ffmpeg)`;
    if (CI) throw new Error(`${msg} — required when CI=true`);
    console.log(`# bmff: ${msg}; skipping`);
    return msg;
  }
}

export function run(tool: string, args: string[], input?: Buffer): string {
  return execFileSync(tool, args, {
    input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString('utf8');
}
