/** app.md §11 step 1: what create-media needs to know of a source, from `ffprobe` JSON. */
import { ffprobeJson } from './ffmpeg.js';

export interface SourceInfo {
  duration: number;
  fps: { num: number; den: number };
  audio: { index: number; channels: number; language: string | null }[];
}

interface ProbeStream {
  index?: number;
  codec_type?: string;
  r_frame_rate?: string;
  channels?: number;
  tags?: { language?: string };
}

export async function probeSource(file: string): Promise<SourceInfo> {
  const json = (await ffprobeJson(
    file,
    'format=duration:stream=index,codec_type,r_frame_rate,channels:stream_tags=language',
  )) as { format?: { duration?: string }; streams?: ProbeStream[] };
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video) throw new Error(`${file}: no video stream`);
  const [num, den] = (video.r_frame_rate ?? '0/1').split('/').map(Number);
  if (!num || !den) throw new Error(`${file}: unknown frame rate ${video.r_frame_rate ?? ''}`);
  const duration = Number(json.format?.duration ?? 0);
  if (!(duration > 0)) throw new Error(`${file}: unknown duration`);
  const audio = streams
    .filter((s) => s.codec_type === 'audio')
    .map((s, i) => ({ index: i, channels: s.channels ?? 2, language: s.tags?.language ?? null }));
  return { duration, fps: { num, den }, audio };
}
