/**
 * `npm run demo:build`: regenerates loopcast's committed demo content in packages/server/demo/
 * (spec app.md §11 "Demo content", dash.md §5.4): the `demo` test-card stream under media/, its
 * upload description demo.json, and the demo music under music/. Everything is built in a
 * staging folder outside the repository (so nothing half-built can be staged by a `git add`) and
 * replaces the committed copy only when it is complete and within budget.
 */
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireFfmpeg } from './demo/ffmpeg.js';
import { buildMusic } from './demo/music.js';
import { buildSubtitles } from './demo/subtitles.js';
import { AUDIO_FILE, buildBeepAudio, buildVideoRung, VIDEO_LADDER } from './demo/testcard.js';
import { assertFragmented, DEMO_BUDGET_BYTES, listFiles, totalBytes } from './demo/verify.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_DIR = path.join(REPO_ROOT, 'packages/server/demo');

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  console.log(`  ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function buildStream(mediaDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const rung of VIDEO_LADDER)
    files.push(
      await timed(`${rung.file} ${rung.width}×${rung.height}`, () => buildVideoRung(mediaDir, rung)),
    );
  files.push(await timed(AUDIO_FILE, () => buildBeepAudio(mediaDir)));
  files.push(await timed('demo_t1.mp4', () => buildSubtitles(mediaDir)));
  return files;
}

/** The v2 upload description (app.md §10.4), paths relative to demo.json. */
async function writeDescription(demoDir: string, mediaFiles: string[]): Promise<void> {
  const files = mediaFiles.map((f) => path.relative(demoDir, f).split(path.sep).join('/'));
  const description = {
    streams: [
      {
        directory: 'demo',
        title: 'loopcast demo test card',
        files,
        timing_ref: files[0],
      },
    ],
  };
  await writeFile(path.join(demoDir, 'demo.json'), `${JSON.stringify(description, null, 2)}\n`);
}

async function printSummary(demoDir: string): Promise<number> {
  const files = (await listFiles(demoDir)).sort();
  for (const file of files) {
    const { size } = await stat(file);
    console.log(`  ${String(size).padStart(9)}  ${path.relative(demoDir, file)}`);
  }
  return totalBytes(files);
}

async function main(): Promise<void> {
  await requireFfmpeg();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'loopcast-demo-'));
  const staging = path.join(workDir, 'demo');
  try {
    await mkdir(staging);
    const mediaDir = path.join(staging, 'media');
    const musicDir = path.join(staging, 'music');
    await mkdir(mediaDir);
    await mkdir(musicDir);
    console.log('demo stream:');
    const mediaFiles = await buildStream(mediaDir);
    for (const file of mediaFiles) await assertFragmented(file);
    await writeDescription(staging, mediaFiles);
    console.log('demo music:');
    await timed('tracks and covers', () => buildMusic(musicDir, workDir));

    console.log('contents:');
    const total = await printSummary(staging);
    const verdict = `total ${total} bytes (${(total / 1e6).toFixed(2)} MB), budget ${DEMO_BUDGET_BYTES} bytes`;
    if (total > DEMO_BUDGET_BYTES) throw new Error(`demo content over budget: ${verdict}`);
    console.log(verdict);

    await rm(DEMO_DIR, { recursive: true, force: true });
    await cp(staging, DEMO_DIR, { recursive: true });
    console.log(`wrote ${path.relative(REPO_ROOT, DEMO_DIR)}/`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`demo:build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
