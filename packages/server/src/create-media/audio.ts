/**
 * Audio files `_a1`, `_a2`, … (app.md §11 step 4). AAC is written as one fragment and cut on the
 * `--frag` grid by refragmentOnGrid so `$Number$` timing holds (dash.md §5.4); E-AC-3 is
 * fragmented by ffmpeg with `+delay_moov` (ffmpeg 5.1 writes `dec3` only after seeing packets).
 */
import { ffmpeg, filter, REPRODUCIBLE_OUTPUT } from './ffmpeg.js';
import { refragmentOnGrid } from './refragment.js';
import { FRAGMENT_MOVFLAGS, trackIdArgs } from './video.js';

export const AUDIO_RATE = 48000;

export interface AudioJob {
  /** null: the test card's beep; else an input file and its audio stream index. */
  input: { file: string; stream: number } | null;
  seconds: number;
  codec: 'aac' | 'eac3';
  channels: number;
  language: string;
  fragmentSeconds: number;
  trackId: number;
}

/** ffmpeg's AAC encoder puts one frame of priming samples before the first input sample. */
const AAC_PRIMING_SAMPLES = 1024;

/**
 * A 100 ms 1 kHz beep at the start of each second (§11 step 1), on the media timeline: the file
 * has no edit list, so the source starts one priming frame late (as the demo's beep does).
 */
function beepSource(seconds: number): string[] {
  const t = `(t+${AAC_PRIMING_SAMPLES}/${AUDIO_RATE})`;
  const beep = `if(lt(mod(${t},1),0.1),0.4*sin(2*PI*1000*${t}),0)`;
  return [
    '-f',
    'lavfi',
    '-i',
    filter('aevalsrc', { exprs: `${beep}|${beep}`, sample_rate: AUDIO_RATE, duration: seconds }),
  ];
}

export async function encodeAudio(out: string, job: AudioJob): Promise<void> {
  const input = job.input
    ? ['-i', job.input.file, '-t', String(job.seconds), '-map', `0:a:${job.input.stream}`]
    : beepSource(job.seconds);
  const aac = job.codec === 'aac';
  // AAC: the priming frame plus the samples make exactly `seconds`, so the last fragment on the
  // grid is not a stray extra frame that would shift the server's segment duration
  const trim = aac
    ? [
        '-af',
        filter('aresample', { osr: AUDIO_RATE }) +
          ',' +
          filter('atrim', { end_sample: Math.round(job.seconds * AUDIO_RATE) - AAC_PRIMING_SAMPLES }),
      ]
    : [];
  await ffmpeg([
    ...input,
    ...trim,
    ...(aac ? ['-c:a', 'aac', '-profile:a', 'aac_low', '-b:a', '96k'] : ['-c:a', 'eac3', '-b:a', '320k']),
    ...['-ac', String(job.channels), '-ar', String(AUDIO_RATE)],
    ...['-metadata:s:a:0', `language=${job.language}`],
    ...(aac
      ? [...FRAGMENT_MOVFLAGS, '-frag_duration', String(Math.ceil(job.seconds + 1) * 1_000_000)]
      : [
          '-movflags',
          '+frag_keyframe+delay_moov+default_base_moof+skip_trailer',
          '-frag_duration',
          String(Math.round(job.fragmentSeconds * 1_000_000)),
        ]),
    // DASH players place samples by tfdt and ignore the priming edit list
    ...['-use_editlist', '0'],
    ...trackIdArgs(job.trackId),
    ...REPRODUCIBLE_OUTPUT,
    out,
  ]);
  if (aac) await refragmentOnGrid(out, Math.round(job.fragmentSeconds * AUDIO_RATE));
}
