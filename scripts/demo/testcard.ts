/**
 * The demo stream's test card (spec app.md §11 "Demo content", dash.md §5.4): a 60-second loop
 * of ffmpeg's `testsrc2` with the media clock and frame counter burnt in, three H.264 rungs and
 * one AAC track with a 1 kHz beep at the start of every second.
 */
import path from 'node:path';
import { rateControlArgs } from '../../packages/server/src/create-media/ladder.js';
import { FRAGMENT_MOVFLAGS, trackIdArgs } from '../../packages/server/src/create-media/video.js';
import { ffmpeg, filter, REPRODUCIBLE_OUTPUT } from './ffmpeg.js';
import { refragmentOnGrid } from './refragment.js';

export const TESTCARD = {
  seconds: 60,
  fps: 30,
  fragmentSeconds: 2,
  /** dash.md §5.4: the demo's text fragments are twice the media fragments. */
  textFragmentSeconds: 4,
  audioSampleRate: 48000,
  audioKbps: 96,
} as const;

/** app.md §11 step 2: 10 × the frame rate for whole-number rates. */
export const VIDEO_TIMESCALE = 10 * TESTCARD.fps;
export const FRAMES_PER_FRAGMENT = TESTCARD.fragmentSeconds * TESTCARD.fps;
const TOTAL_FRAMES = TESTCARD.seconds * TESTCARD.fps;

/** app.md §11 step 6. */
export const TRACK_IDS = { video: 1, audio: 2, text: 3 } as const;

export interface Rung {
  file: string;
  width: number;
  height: number;
  kbps: number;
}

/** Highest first, so `_v1` is the timing reference (app.md §11 step 3). */
export const VIDEO_LADDER: readonly Rung[] = [
  { file: 'demo_v1.mp4', width: 1280, height: 720, kbps: 600 },
  { file: 'demo_v2.mp4', width: 640, height: 360, kbps: 300 },
  { file: 'demo_v3.mp4', width: 320, height: 180, kbps: 120 },
];

export const AUDIO_FILE = 'demo_a1.mp4';

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = {
  mono: `${FONT_DIR}/DejaVuSansMono.ttf`,
  monoBold: `${FONT_DIR}/DejaVuSansMono-Bold.ttf`,
  sans: `${FONT_DIR}/DejaVuSans.ttf`,
};

/**
 * A seamless 60 s loop of testsrc2. Its moving parts (a 64 s clock hand, a bouncing square,
 * noise) do not repeat after 60 s, so the first second cross-fades from where the pattern would
 * continue (source second 60) into source second 1: frame 0 then follows the last frame exactly.
 */
function loopingPattern(): string {
  const { fps, seconds } = TESTCARD;
  return [
    `${filter('testsrc2', { size: '1280x720', rate: fps, duration: seconds + 1 })},split[body][tail]`,
    `[body]${filter('trim', { end_frame: TOTAL_FRAMES })},${filter('setpts', { expr: 'PTS-STARTPTS' })}[loop]`,
    `[tail]${filter('trim', { start_frame: TOTAL_FRAMES, end_frame: TOTAL_FRAMES + fps })},` +
      `${filter('setpts', { expr: 'PTS-STARTPTS' })},${filter('format', { pix_fmts: 'yuva420p' })},` +
      `${filter('fade', { type: 'out', start_time: 0, duration: 1, alpha: 1 })}[wrap]`,
    `[loop][wrap]${filter('overlay', { eof_action: 'pass' })}`,
  ].join(';');
}

/**
 * The burnt-in panel: media time (always below 60 s, so it reads as media time mod 60 s when
 * looped), frame number, fragment number, and a square that lights while the beep sounds. The
 * opaque panel also hides testsrc2's own clock, which would jump at the loop point.
 */
function clockPanel(): string {
  const text = (
    fontfile: string,
    fontsize: number,
    y: number,
    content: string,
    fontcolor = 'white',
  ): string => filter('drawtext', { fontfile, fontsize, fontcolor, x: 28, y, text: content });
  return [
    filter('drawbox', { x: 0, y: 0, w: 520, h: 250, color: '0x202020', t: 'fill' }),
    text(FONTS.sans, 26, 18, 'loopcast demo · 60 s loop', '0xffd24a'),
    text(FONTS.monoBold, 56, 58, '%{pts:hms}'),
    text(FONTS.mono, 40, 132, 'frame %{eif:n:d:4}'),
    text(
      FONTS.mono,
      40,
      186,
      `fragment %{eif:floor(n/${FRAMES_PER_FRAGMENT})+1:d:2}/${TOTAL_FRAMES / FRAMES_PER_FRAGMENT}`,
    ),
    filter('drawbox', {
      x: 440,
      y: 140,
      w: 60,
      h: 60,
      color: 'white',
      t: 'fill',
      enable: 'lt(mod(t,1),0.1)',
    }),
  ].join(',');
}

/** Drawn after scaling so each rung says which one it is, as create-media's `--caption` does. */
function rungCaption(rung: Rung): string {
  return filter('drawtext', {
    fontfile: FONTS.sans,
    fontsize: Math.round(rung.height / 16),
    fontcolor: 'white',
    box: 1,
    boxcolor: 'black@0.6',
    boxborderw: Math.max(2, Math.round(rung.height / 90)),
    x: 'w/40',
    y: 'h-th-h/20',
    text: `${rung.width}×${rung.height} ${rung.kbps} kbps`,
  });
}

export async function buildVideoRung(outDir: string, rung: Rung): Promise<string> {
  const out = path.join(outDir, rung.file);
  const graph = `${loopingPattern()},${clockPanel()},${filter('scale', { w: rung.width, h: rung.height })},${rungCaption(rung)}[v]`;
  await ffmpeg([
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-profile:v',
    'high',
    // Frame threads make x264's VBV rate control depend on timing; slice threads keep two
    // cores busy and the output byte-identical from run to run.
    '-x264-params',
    'sliced-threads=1',
    // No B-frames: composition time equals decode time, so frame 0 (clock 00:00.000) is shown at
    // media time 0, in step with the audio, whether or not a player honours edit lists.
    '-bf',
    '0',
    ...rateControlArgs(rung.kbps),
    '-g',
    String(FRAMES_PER_FRAGMENT),
    '-keyint_min',
    String(FRAMES_PER_FRAGMENT),
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:eq(mod(n,${FRAMES_PER_FRAGMENT}),0)`,
    '-pix_fmt',
    'yuv420p',
    '-video_track_timescale',
    String(VIDEO_TIMESCALE),
    ...FRAGMENT_MOVFLAGS,
    ...trackIdArgs(TRACK_IDS.video),
    ...REPRODUCIBLE_OUTPUT,
    out,
  ]);
  return out;
}

/** ffmpeg's AAC encoder puts one frame of priming samples before the first input sample. */
const AAC_PRIMING_SAMPLES = 1024;

/**
 * Stereo, a 100 ms 1 kHz beep at the start of every second (100 whole cycles, so no clicks).
 *
 * DASH players place samples by tfdt and ignore the priming edit list, so the file has no edit
 * list and the source starts one priming frame late: media time t then carries source time t,
 * every beep starts on a whole media second, and the track lasts exactly 60 s (loop correction 0).
 * Only the first 21 ms of the beep at 0 s fall into the priming frame.
 *
 * ffmpeg writes the track as one fragment (a fragment duration longer than the loop) and
 * `refragmentOnGrid` cuts it on the MPD's 2 s grid: ffmpeg's own 2 s fragments are 94 frames
 * each and drift 256 ticks a segment from `$Number$` addressing (dash.md §5.4).
 */
export async function buildBeepAudio(outDir: string): Promise<string> {
  const out = path.join(outDir, AUDIO_FILE);
  const rate = TESTCARD.audioSampleRate;
  const mediaTime = `(t+${AAC_PRIMING_SAMPLES}/${rate})`;
  const beep = `if(lt(mod(${mediaTime},1),0.1),0.4*sin(2*PI*1000*${mediaTime}),0)`;
  const source = [
    filter('aevalsrc', { exprs: `${beep}|${beep}`, sample_rate: rate, duration: TESTCARD.seconds }),
    filter('atrim', { end_sample: TESTCARD.seconds * rate - AAC_PRIMING_SAMPLES }),
  ].join(',');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    source,
    '-c:a',
    'aac',
    '-profile:a',
    'aac_low',
    '-b:a',
    `${TESTCARD.audioKbps}k`,
    '-ac',
    '2',
    '-metadata:s:a:0',
    'language=eng',
    ...FRAGMENT_MOVFLAGS,
    '-frag_duration',
    String((TESTCARD.seconds + 1) * 1_000_000),
    '-use_editlist',
    '0',
    ...trackIdArgs(TRACK_IDS.audio),
    ...REPRODUCIBLE_OUTPUT,
    out,
  ]);
  await refragmentOnGrid(out, TESTCARD.fragmentSeconds * rate);
  return out;
}
