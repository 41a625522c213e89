/** app.md §11 step 9: the v2 upload description (§10.4) of the files made. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DescribedKey {
  kid: string;
  key?: string;
  computed?: boolean;
}

export async function writeDescription(
  outDir: string,
  prefix: string,
  title: string,
  files: string[],
  timingRef: string,
  keys: DescribedKey[],
): Promise<string> {
  const rel = (f: string) => path.relative(outDir, f).split(path.sep).join('/');
  const description = {
    ...(keys.length ? { keys } : {}),
    streams: [{ directory: prefix, title, files: files.map(rel), timing_ref: rel(timingRef) }],
  };
  const out = path.join(outDir, `${prefix}.json`);
  await writeFile(out, `${JSON.stringify(description, null, 2)}\n`);
  return out;
}
