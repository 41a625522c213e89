/**
 * Last checks before the demo content replaces the committed copy: every media file is a
 * fragmented MP4 with at least two fragments, and the whole folder fits the repository budget.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** app.md §11: `npm run demo:build` fails above 15 MB (counted in decimal megabytes, the stricter reading). */
export const DEMO_BUDGET_BYTES = 15_000_000;

/** Counts the top-level boxes of one type by walking box headers (32- and 64-bit sizes). */
export function countTopLevelBoxes(file: Buffer, type: string): number {
  let count = 0;
  for (let at = 0; at + 8 <= file.length;) {
    let size = file.readUInt32BE(at);
    if (size === 1) size = Number(file.readBigUInt64BE(at + 8));
    else if (size === 0) size = file.length - at;
    if (size < 8) throw new Error(`bad box size ${size} at byte ${at}`);
    if (file.toString('latin1', at + 4, at + 8) === type) count++;
    at += size;
  }
  return count;
}

export async function assertFragmented(file: string): Promise<number> {
  const fragments = countTopLevelBoxes(await readFile(file), 'moof');
  if (fragments < 2) throw new Error(`${file}: ${fragments} fragments, expected at least 2`);
  return fragments;
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

export async function totalBytes(files: string[]): Promise<number> {
  let total = 0;
  for (const file of files) total += (await stat(file)).size;
  return total;
}
