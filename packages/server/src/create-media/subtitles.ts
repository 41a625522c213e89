/**
 * `--subtitles FILE[:LANG]` (app.md §11 step 5): SRT or WebVTT cues become a fragmented `stpp`
 * track written by packages/bmff (Debian 12's ffmpeg 5.1 cannot fragment TTML in MP4).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildStppTrack, type TextCue } from '@loopcast/bmff';

const TIME = /(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})/;

function seconds(text: string): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** Cues of an SRT or WebVTT file: each block's `start --> end` line and the text lines after it. */
export function parseCues(text: string): TextCue[] {
  const cues: TextCue[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [from, to] = lines[at]!.split('-->');
    const start = seconds(from ?? '');
    const end = seconds(to ?? '');
    const body = lines
      .slice(at + 1)
      .join('\n')
      .replace(/<[^>]*>/g, '')
      .trim();
    if (start === null || end === null || end <= start || !body) continue;
    cues.push({ start, end, text: body });
  }
  return cues;
}

export async function writeTextTrack(
  out: string,
  source: string,
  opts: { language: string; trackId: number; fragmentSeconds: number; totalSeconds: number },
): Promise<void> {
  const cues = parseCues(await readFile(source, 'utf8'));
  if (!cues.length) throw new Error(`${source}: no SRT or WebVTT cues`);
  const track = buildStppTrack({
    cues,
    language: opts.language,
    trackId: opts.trackId,
    timescale: 1000,
    fragmentDuration: opts.fragmentSeconds,
    totalDuration: opts.totalSeconds,
  });
  await writeFile(out, track);
}
