/** One video rung (app.md §11 steps 1 and 3): a test card or the source, scaled and encoded. */
import { ffmpeg, filter, REPRODUCIBLE_OUTPUT } from './ffmpeg.js';
import { rateControlArgs, type Rung, type RungCodec } from './ladder.js';

export const FRAGMENT_MOVFLAGS = ['-movflags', '+frag_keyframe+empty_moov+default_base_moof+skip_trailer'];

/** ffmpeg 5.1 takes track ids from stream ids only when asked to (§11 step 6). */
export function trackIdArgs(trackId: number): string[] {
  return ['-streamid', `0:${trackId}`, '-use_stream_ids_as_track_ids', '1'];
}

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

export interface VideoJob {
  /** null: the test card of `seconds` seconds. */
  source: string | null;
  seconds: number;
  fps: { num: number; den: number };
  framesPerFragment: number;
  timescale: number;
  font: string;
  caption: boolean;
  avc3: boolean;
  aspect: string | null;
}

/** testsrc2 with frame number and media time burnt in (§11 step 1). */
function testcardGraph(job: VideoJob): string {
  const rate = `${job.fps.num}/${job.fps.den}`;
  const text = (y: number, content: string): string =>
    filter('drawtext', {
      fontfile: job.font,
      fontsize: 48,
      fontcolor: 'white',
      box: 1,
      boxcolor: 'black@0.7',
      x: 24,
      y,
      text: content,
    });
  return [
    filter('testsrc2', { size: '1280x720', rate, duration: job.seconds }),
    text(24, '%{pts:hms}'),
    text(84, 'frame %{eif:n:d:6}'),
  ].join(',');
}

/**
 * The encoder, profile and GOP of a rung: a key frame at every fragment start and nowhere else.
 * `--avc3` puts the parameter sets in band (`avc3`; for HEVC, `hev1`); HEVC is tagged `hvc1`
 * otherwise, which browsers expect.
 */
function encoderArgs(codec: RungCodec, framesPerFragment: number, inBand: boolean): string[] {
  const f = String(framesPerFragment);
  if (codec === 'hevc')
    return [
      ...['-c:v', 'libx265', '-profile:v', 'main', '-tag:v', inBand ? 'hev1' : 'hvc1'],
      '-x265-params',
      `keyint=${f}:min-keyint=${f}:scenecut=0:repeat-headers=${inBand ? 1 : 0}:log-level=error`,
    ];
  return [
    ...['-c:v', 'libx264', '-profile:v', codec === 'h264-main' ? 'main' : 'high'],
    ...(inBand ? ['-tag:v', 'avc3', '-x264-params', 'repeat-headers=1'] : []),
    ...['-g', f, '-keyint_min', f, '-sc_threshold', '0'],
  ];
}

export async function encodeRung(out: string, rung: Rung, job: VideoJob): Promise<void> {
  const steps = [job.source === null ? testcardGraph(job) : '[0:v:0]null'];
  steps.push(filter('scale', { w: rung.width, h: rung.height }));
  if (job.aspect) steps.push(filter('setdar', { dar: job.aspect.replace(':', '/') }));
  if (job.caption)
    steps.push(
      filter('drawtext', {
        fontfile: job.font,
        fontsize: Math.max(8, Math.round(rung.height / 16)),
        fontcolor: 'white',
        box: 1,
        boxcolor: 'black@0.6',
        x: 'w/40',
        y: 'h-th-h/20',
        text: `${rung.kbps} kbps`,
      }),
    );
  const input = job.source === null ? [] : ['-i', job.source, '-t', String(job.seconds)];
  const f = job.framesPerFragment;
  await ffmpeg([
    ...input,
    '-filter_complex',
    `${steps.join(',')}[v]`,
    '-map',
    '[v]',
    '-r',
    `${job.fps.num}/${job.fps.den}`,
    ...encoderArgs(rung.codec ?? 'h264-high', f, job.avc3),
    ...rateControlArgs(rung.kbps),
    ...['-force_key_frames', `expr:eq(mod(n,${f}),0)`, '-pix_fmt', 'yuv420p'],
    ...['-video_track_timescale', String(job.timescale)],
    ...FRAGMENT_MOVFLAGS,
    ...trackIdArgs(1),
    ...REPRODUCIBLE_OUTPUT,
    out,
  ]);
}
