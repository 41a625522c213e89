/**
 * The demo's English subtitle track, `demo_t1.mp4`. Written by packages/bmff rather than
 * ffmpeg: Debian 12's ffmpeg 5.1 refuses to fragment TTML in MP4 (app.md §11 step 5).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildStppTrack, type TextCue } from '@loopcast/bmff';
import { TESTCARD, TRACK_IDS } from './testcard.js';

export const TEXT_FILE = 'demo_t1.mp4';
export const TEXT_TIMESCALE = 1000;
const CUE_SECONDS = 2;

function mediaClock(seconds: number): string {
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

/** One cue every 2 s, each shown until the next, naming its own media time. */
export function demoCues(): TextCue[] {
  const cues: TextCue[] = [];
  for (let start = 0; start < TESTCARD.seconds; start += CUE_SECONDS)
    cues.push({ start, end: start + CUE_SECONDS, text: `loopcast demo — ${mediaClock(start)}` });
  return cues;
}

export async function buildSubtitles(outDir: string): Promise<string> {
  const out = path.join(outDir, TEXT_FILE);
  const track = buildStppTrack({
    cues: demoCues(),
    language: 'en',
    trackId: TRACK_IDS.text,
    timescale: TEXT_TIMESCALE,
    fragmentDuration: TESTCARD.textFragmentSeconds,
    totalDuration: TESTCARD.seconds,
  });
  await writeFile(out, track);
  return out;
}
