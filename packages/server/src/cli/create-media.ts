/**
 * `loopcast create-media (-i SOURCE | --testcard SECONDS) -p PREFIX -o OUTDIR …` (app.md §11):
 * probe, ladder, audio, subtitles, encrypted twins, verify, describe. Needs ffmpeg and ffprobe.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CencScheme } from '@loopcast/bmff';
import { testKeyHex } from '@loopcast/dash';
import { encodeAudio } from '../create-media/audio.js';
import { writeDescription, type DescribedKey } from '../create-media/describe.js';
import { writeEncryptedTwin } from '../create-media/encrypt.js';
import { requireFfmpeg } from '../create-media/ffmpeg.js';
import { parseLadder, PROFILES, videoTimescale, type Rung } from '../create-media/ladder.js';
import { probeSource, type SourceInfo } from '../create-media/probe.js';
import { writeTextTrack } from '../create-media/subtitles.js';
import { verifyOutput } from '../create-media/verify.js';
import { DEFAULT_FONT, encodeRung, type VideoJob } from '../create-media/video.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

export const createMediaHelp = (): string =>
  [
    'Usage: loopcast create-media (-i SOURCE | --testcard SECONDS) -p PREFIX -o OUTDIR [options]',
    '',
    'Makes DASH-ready fragmented MP4 files and OUTDIR/PREFIX.json, an upload description (app.md §11).',
    'Needs ffmpeg and ffprobe (apt-get install ffmpeg).',
    '',
    '  -i, --input SOURCE    Source video (its audio streams become _a1, _a2, …)',
    '  --testcard SECONDS    Generate a test card with frame number, media time and a beep each second',
    '  -p, --prefix PREFIX   File name prefix and stream directory',
    '  -o, --output OUTDIR   Output folder (created)',
    '  --profile P           hd (default), hq, sd, mobile, uhd (HEVC)',
    '  --ladder WxH@KBPS,…   A custom ladder instead of the profile',
    '  --duration S          Seconds of the source to use (0, the default: all)',
    '  --frag S              Fragment duration (default 4)',
    "  --fps N               Frame rate (default: the source's, 30 for the test card)",
    '  --aspect W:H          Display aspect ratio',
    '  --avc3                Parameter sets in band (avc3 sample entries)',
    '  --acodec aac|eac3     Audio codec (default: AAC for stereo, E-AC-3 above two channels)',
    "  --channels N          Audio channels (default: the source's, 2 for the test card)",
    '  --audio FILE[:LANG]   An extra audio file (repeatable, or a comma list)',
    '  --subtitles FILE[:LANG]  SRT or WebVTT subtitles (repeatable), stpp tracks _t1, _t2, …',
    '  --text-frag S         Text fragment duration (default 2 × --frag)',
    '  --caption             Burn "<kbit/s> kbps" into each rung',
    '  --font FILE           Font for burnt-in text (default DejaVu Sans Mono)',
    '  --kid HEX|random      Also write encrypted twins …_enc.mp4 (repeatable: one KID per track id)',
    '  --key HEX             Keys paired with the KIDs (repeatable); default the PlayReady test key',
    '  --scheme cenc|cbcs    Encryption scheme (default cenc)',
    "  --title T             Stream title (default the source's name)",
    '  --keep-temp           Accepted for compatibility; no temporary files are made',
    '  --help                Show this help',
  ].join('\n');

const VALUE_FLAGS = [
  '--input',
  '--testcard',
  '--prefix',
  '--output',
  '--profile',
  '--ladder',
  '--duration',
  '--frag',
  '--fps',
  '--aspect',
  '--acodec',
  '--channels',
  '--audio',
  '--subtitles',
  '--text-frag',
  '--font',
  '--kid',
  '--key',
  '--scheme',
  '--title',
];
const BOOLEAN_FLAGS = ['--avc3', '--caption', '--keep-temp', '--help'];
const SHORT: Record<string, string> = { '-i': '--input', '-p': '--prefix', '-o': '--output' };

function positive(values: Map<string, string>, flag: string, fallback: number | null): number | null {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && flag !== '--duration'))
    throw new UsageError(`${flag} needs a positive number, not ${JSON.stringify(text)}`);
  return n;
}

/** `FILE[:LANG]`, a comma list. */
function fileList(value: string | undefined, fallbackLang: string): { file: string; lang: string }[] {
  if (!value) return [];
  return value.split(',').map((item) => {
    const m = /^(.*):([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]+)?)$/.exec(item);
    return m ? { file: m[1]!, lang: m[2]! } : { file: item, lang: fallbackLang };
  });
}

function kidList(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((k) => {
    if (k === 'random') return randomBytes(16).toString('hex');
    const hex = k.replace(/-/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex))
      throw new UsageError(`--kid needs 32 hex digits or random, not ${JSON.stringify(k)}`);
    return hex;
  });
}

export async function runCreateMedia(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv.map((a) => SHORT[a] ?? a),
    VALUE_FLAGS,
    BOOLEAN_FLAGS,
  );
  if (args.booleans.has('--help')) {
    io.stdout(createMediaHelp());
    return 0;
  }
  const v = args.values;
  // repeatable flags (§11: `[--audio FILE[:LANG]]…`): every occurrence, each also a comma list
  const every = (flag: string): string | undefined => args.lists.get(flag)?.join(',');
  if (args.positionals.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const input = v.get('--input');
  const testcard = positive(v, '--testcard', null);
  if ((input === undefined) === (testcard === null))
    throw new UsageError('give exactly one of -i SOURCE and --testcard SECONDS');
  const prefix = v.get('--prefix');
  if (!prefix) throw new UsageError('-p PREFIX is required');
  // the prefix is also the stream directory (§11 step 9), so it follows the directory rule
  if (!/^[A-Za-z0-9]{3,30}$/.test(prefix))
    throw new UsageError(
      `-p ${JSON.stringify(prefix)}: 3 to 30 letters and digits (it is the stream directory)`,
    );
  const outDir = v.get('--output');
  if (!outDir) throw new UsageError('-o OUTDIR is required');
  const profile = v.get('--profile') ?? 'hd';
  const ladderText = v.get('--ladder');
  let ladder: readonly Rung[] | undefined;
  if (ladderText !== undefined) {
    ladder = parseLadder(ladderText) ?? undefined;
    if (!ladder)
      throw new UsageError(`--ladder ${JSON.stringify(ladderText)}: expected WxH@KBPS,… with even sizes`);
  } else {
    ladder = PROFILES[profile];
    if (!ladder)
      throw new UsageError(
        `--profile ${JSON.stringify(profile)}: expected ${Object.keys(PROFILES).join(', ')}`,
      );
  }
  const frag = positive(v, '--frag', 4)!;
  const acodec = v.get('--acodec');
  if (acodec !== undefined && acodec !== 'aac' && acodec !== 'eac3')
    throw new UsageError(`--acodec ${JSON.stringify(acodec)}: expected aac or eac3`);
  const scheme = (v.get('--scheme') ?? 'cenc') as CencScheme;
  if (scheme !== 'cenc' && scheme !== 'cbcs')
    throw new UsageError(`--scheme ${JSON.stringify(scheme)}: expected cenc or cbcs`);
  const aspect = v.get('--aspect') ?? null;
  if (aspect !== null && !/^\d+:\d+$/.test(aspect))
    throw new UsageError(`--aspect ${JSON.stringify(aspect)}: expected W:H`);
  const kids = kidList(every('--kid'));
  const keys = (every('--key') ?? '').split(',').filter(Boolean);
  for (const k of keys)
    if (!/^[0-9a-fA-F]{32}$/.test(k))
      throw new UsageError(`--key needs 32 hex digits, not ${JSON.stringify(k)}`);
  if (keys.length > kids.length) throw new UsageError('--key given without a --kid for it');
  const channelsFlag = positive(v, '--channels', null);
  const fpsFlag = positive(v, '--fps', null);
  const duration = positive(v, '--duration', 0)!;
  const textFrag = positive(v, '--text-frag', 2 * frag)!;

  await requireFfmpeg();
  // §11 step 1
  const info: SourceInfo | null = input === undefined ? null : await probeSource(input);
  const fps = fpsFlag !== null ? { num: fpsFlag, den: 1 } : (info?.fps ?? { num: 30, den: 1 });
  if (!Number.isInteger(fps.num)) throw new UsageError('--fps must be a whole number');
  const seconds = testcard ?? (duration > 0 ? Math.min(duration, info!.duration) : info!.duration);
  // §11 step 2
  const timescale = videoTimescale(fps.num, fps.den);
  const framesPerFragment = Math.floor((frag * fps.num) / fps.den);
  if (framesPerFragment < 1) throw new UsageError('--frag is shorter than one frame');
  await mkdir(outDir, { recursive: true });
  const file = (suffix: string) => path.join(outDir, `${prefix}_${suffix}.mp4`);
  const job: VideoJob = {
    source: input ?? null,
    seconds,
    fps,
    framesPerFragment,
    timescale,
    font: v.get('--font') ?? DEFAULT_FONT,
    caption: args.booleans.has('--caption'),
    avc3: args.booleans.has('--avc3'),
    aspect,
  };
  const outputs: { file: string; trackId: number; kind: 'video' | 'audio' | 'text'; timescale: number }[] =
    [];
  // §11 step 3
  for (const [i, rung] of ladder.entries()) {
    const out = file(`v${i + 1}`);
    io.stdout(`video ${path.basename(out)}: ${rung.width}×${rung.height} ${rung.kbps} kbit/s`);
    await encodeRung(out, rung, job);
    outputs.push({ file: out, trackId: 1, kind: 'video', timescale });
  }
  // §11 step 4
  const audioInputs: { input: { file: string; stream: number } | null; channels: number; lang: string }[] =
    info === null
      ? [{ input: null, channels: 2, lang: 'und' }]
      : info.audio.map((a) => ({
          input: { file: input!, stream: a.index },
          channels: a.channels,
          lang: a.language ?? 'und',
        }));
  for (const extra of fileList(every('--audio'), 'und')) {
    const probed = await probeAudio(extra.file);
    audioInputs.push({ input: { file: extra.file, stream: 0 }, channels: probed, lang: extra.lang });
  }
  let trackId = 2;
  for (const [i, a] of audioInputs.entries()) {
    const channels = channelsFlag ?? a.channels;
    const codec = acodec ?? (channels > 2 ? 'eac3' : 'aac');
    const out = file(`a${i + 1}`);
    io.stdout(`audio ${path.basename(out)}: ${codec} ${channels} channels`);
    await encodeAudio(out, {
      input: a.input,
      seconds,
      codec,
      channels,
      language: a.lang,
      fragmentSeconds: frag,
      trackId,
    });
    outputs.push({ file: out, trackId: trackId++, kind: 'audio', timescale: 48000 });
  }
  // §11 step 5
  for (const [i, s] of fileList(every('--subtitles'), 'und').entries()) {
    const out = file(`t${i + 1}`);
    io.stdout(`text ${path.basename(out)}: ${s.lang}`);
    await writeTextTrack(out, s.file, {
      language: s.lang,
      trackId,
      fragmentSeconds: textFrag,
      totalSeconds: seconds,
    });
    outputs.push({ file: out, trackId: trackId++, kind: 'text', timescale: 1000 });
  }
  // §11 step 8, before the twins so a bad clear file is named first
  for (const o of outputs) {
    const target =
      o.kind === 'text'
        ? textFrag * 1000
        : o.kind === 'video'
          ? framesPerFragment * ((timescale * fps.den) / fps.num)
          : frag * 48000;
    const frame = o.kind === 'video' ? (timescale * fps.den) / fps.num : o.kind === 'audio' ? 1536 : 0;
    await verifyOutput(o.file, { video: o.kind === 'video', target, frame });
  }
  // §11 step 7
  const described: DescribedKey[] = [];
  const twins: string[] = [];
  if (kids.length) {
    const keyOf = (k: number): string => keys[k]?.toLowerCase() ?? testKeyHex(kids[k]!);
    kids.forEach((kid, k) =>
      described.push(keys[k] ? { kid, key: keys[k].toLowerCase() } : { kid, computed: true }),
    );
    for (const o of outputs) {
      if (o.kind === 'text') continue;
      const k = Math.min(o.trackId - 1, kids.length - 1);
      const out = o.file.replace(/\.mp4$/, '_enc.mp4');
      io.stdout(`encrypted ${path.basename(out)}: ${scheme} KID ${kids[k]!}`);
      await writeEncryptedTwin(o.file, out, scheme, { kid: kids[k]!, key: keyOf(k) });
      twins.push(out);
    }
  }
  // §11 step 9
  const title = v.get('--title') ?? (input ? path.parse(input).name : `${prefix} test card`);
  const all = [...outputs.map((o) => o.file), ...twins].sort();
  const json = await writeDescription(outDir, prefix, title, all, outputs[0]!.file, described);
  io.stdout(`wrote ${json}`);
  return 0;
}

async function probeAudio(file: string): Promise<number> {
  const { ffprobeJson } = await import('../create-media/ffmpeg.js');
  const json = (await ffprobeJson(file, 'stream=codec_type,channels')) as {
    streams?: { codec_type?: string; channels?: number }[];
  };
  const a = json.streams?.find((s) => s.codec_type === 'audio');
  if (!a) throw new Error(`${file}: no audio stream`);
  return a.channels ?? 2;
}
