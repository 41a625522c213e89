/**
 * Generated subtitles showing the wall-clock time (dash.md §11.1): one text track per listed
 * language and format, numbered and timed like the timing reference in milliseconds. The cue
 * contents, the TTML document and the WebVTT sample layout are pure functions; packages/bmff
 * wraps them into boxes.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { Options } from './options/registry.js';
import type { StreamFile } from './stream.js';

export type GeneratedFormat = 'stpp' | 'wvtt';

export interface GeneratedCue {
  /** Epoch ms. */
  startMs: number;
  endMs: number;
  /** Two lines: the UTC time (RFC 3339) and `<lang> # <segment number>`. */
  lines: [string, string];
}

export interface WvttSample {
  /** Ms after the segment start. */
  offsetMs: number;
  durationMs: number;
  /** Absent: an empty `vtte` sample. */
  cue?: { text: string; settings: string };
}

const ID = /^time(stpp|wvtt)-([a-z0-9-]{1,35})$/;

/** The synthetic media index of a generated track: the reference's durations in ms. */
function generatedIndex(
  ref: MediaIndex,
  format: GeneratedFormat,
  language: string,
  trackId: number,
): MediaIndex {
  const segments: MediaIndex['segments'] = [{ pos: 0, size: 0 }];
  let acc = 0;
  const startMs = Math.round((ref.startTime * 1000) / ref.timescale);
  for (const s of ref.segments.slice(1)) {
    const d = Math.round(((s.duration ?? 0) * 1000) / ref.timescale);
    segments.push({ pos: 0, size: 0, duration: d, decodeTime: startMs + acc });
    acc += d;
  }
  return {
    version: ref.version,
    contentType: 'text',
    sampleEntry: format,
    codecs: format,
    mimeType: 'application/mp4',
    timescale: 1000,
    trackId,
    language,
    startNumber: ref.startNumber,
    startTime: startMs,
    mediaDuration: acc,
    segmentDuration: Math.round((ref.segmentDuration * 1000) / ref.timescale),
    sampleDuration: null,
    segments,
    bitrate: 2000,
    maxBitrate: 2000,
    text: { format },
  };
}

/** The generated tracks a manifest lists: `timesubsstpp`, then `timesubswvtt`, ids from 1001. */
export function generatedTextFiles(ref: MediaIndex, options: Options): StreamFile[] {
  const out: StreamFile[] = [];
  const add = (format: GeneratedFormat, langs: readonly string[]) => {
    for (const lang of langs) {
      const id = `time${format}-${lang.toLowerCase()}`;
      out.push({
        name: `${id}.mp4`,
        blobKey: '',
        index: generatedIndex(ref, format, lang, 1001 + out.length),
      });
    }
  };
  add('stpp', options.timesubsstpp);
  add('wvtt', options.timesubswvtt);
  return out;
}

/** A generated Representation id (`timestpp-en`) → its synthetic file, else null. */
export function generatedTextFile(ref: MediaIndex, rep: string): StreamFile | null {
  const m = ID.exec(rep.toLowerCase());
  if (!m) return null;
  const format = m[1] as GeneratedFormat;
  return { name: `${m[0]}.mp4`, blobKey: '', index: generatedIndex(ref, format, m[2]!, 1001) };
}

function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Cues of segment [startMs, endMs) (epoch ms): one per whole UTC second (every ceil(D/1000) s
 * when the cue duration D exceeds 1000 ms), lasting D, clipped to the segment.
 */
export function generatedCues(
  startMs: number,
  endMs: number,
  cueMs: number,
  language: string,
  number: number,
): GeneratedCue[] {
  const step = cueMs > 1000 ? Math.ceil(cueMs / 1000) * 1000 : 1000;
  const out: GeneratedCue[] = [];
  for (let s = Math.ceil(startMs / step) * step; s < endMs; s += step) {
    out.push({
      startMs: s,
      endMs: Math.min(s + cueMs, endMs),
      lines: [rfc3339(s), `${language} # ${number}`],
    });
  }
  return out;
}

/** Media time `hh:mm:ss.mmm` (at least two hour digits). */
export function mediaClockTime(ms: number): string {
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  const f = ms % 1000;
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(f).padStart(3, '0')}`;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The TTML document of one `stpp` sample; times on the media timeline (ms after `originMs`). */
export function ttmlDocument(
  cues: readonly GeneratedCue[],
  originMs: number,
  language: string,
  region: number,
): string {
  const origin = region === 1 ? '15% 20%' : '15% 80%';
  const ps = cues
    .map(
      (c) =>
        `<p begin="${mediaClockTime(c.startMs - originMs)}" end="${mediaClockTime(c.endMs - originMs)}">${esc(c.lines[0])}<br/>${esc(c.lines[1])}</p>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:tts="http://www.w3.org/ns/ttml#styling" ttp:timeBase="media" xml:lang="${esc(language)}">` +
    `<head><layout><region xml:id="r0" tts:origin="${origin}" tts:extent="70% 20%"/></layout></head>` +
    `<body region="r0"><div>${ps}</div></body></tt>`
  );
}

/** WebVTT samples covering the segment without gaps: cues, and empty samples between them. */
export function wvttSamples(
  cues: readonly GeneratedCue[],
  startMs: number,
  endMs: number,
  region: number,
): WvttSample[] {
  const out: WvttSample[] = [];
  let at = startMs;
  for (const c of cues) {
    if (c.startMs > at) out.push({ offsetMs: at - startMs, durationMs: c.startMs - at });
    out.push({
      offsetMs: c.startMs - startMs,
      durationMs: c.endMs - c.startMs,
      cue: { text: c.lines.join('\n'), settings: region === 1 ? 'line:10%' : 'line:90%' },
    });
    at = c.endMs;
  }
  if (at < endMs) out.push({ offsetMs: at - startMs, durationMs: endMs - at });
  return out;
}
