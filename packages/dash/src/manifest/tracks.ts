/** Track selection (dash.md §5.3): which files form which AdaptationSets, with roles. */
import type { Options } from '../options/registry.js';
import { representationIdOf, type StreamFile, type StreamModel } from '../stream.js';
import { primaryLanguage, sameLanguage } from './languages.js';
import { servedFiles } from '../drm/served.js';

export interface SelectedSet {
  trackId: number;
  contentType: 'video' | 'audio' | 'text';
  files: StreamFile[];
  role?: 'main' | 'alternate';
  accessibility?: string;
}

const byBitrate = (a: StreamFile, b: StreamFile): number => a.index.bitrate - b.index.bitrate;

function audioMatches(codecs: string, acodec: Options['acodec']): boolean {
  if (acodec === 'any') return true;
  if (acodec === 'ec-3') return codecs.startsWith('ec-3') || codecs.startsWith('ac-3');
  return codecs.startsWith(acodec);
}

function textMatches(file: StreamFile, options: Options): boolean {
  const codecs = file.index.codecs;
  if (options.tcodec.length > 0) {
    const parts = codecs.split('.');
    if (!options.tcodec.some((tok) => codecs.startsWith(tok) || parts.includes(tok))) return false;
  }
  if (options.tlang.length > 0) {
    if (!options.tlang.some((l) => sameLanguage(l, file.index.language))) return false;
  }
  return true;
}

export function selectTracks(
  stream: StreamModel,
  options: Options,
  allTrackTypes: boolean,
  generatedText: readonly StreamFile[] = [],
): SelectedSet[] {
  const of = (type: 'video' | 'audio' | 'text'): StreamFile[] =>
    stream.files.filter((f) => f.index.contentType === type).sort(byBitrate);
  const sets: SelectedSet[] = [];

  // drm-events.md §3.4: encrypted or clear files per track
  let video = servedFiles(of('video'), options);
  const first = video[0];
  if (first) {
    video = video.filter((f) => f.index.trackId === first.index.trackId);
    if (!options.abr) video = video.slice(0, 1);
    sets.push({ trackId: first.index.trackId, contentType: 'video', files: video });
  }

  const audio = of('audio').filter((f) => audioMatches(f.index.codecs, options.acodec));
  const audioSets = groupByTrack(audio)
    .map((all) => servedFiles(all, options))
    .map((files) => ({
      trackId: files[0]!.index.trackId,
      contentType: 'audio' as const,
      files,
    }));
  const holds = (s: SelectedSet, id: string | null) =>
    id !== null && s.files.some((f) => representationIdOf(f.name) === id.toLowerCase());
  const mainAudio = audioSets.find((s) => holds(s, options.main_audio)) ?? audioSets[0];
  for (const s of audioSets) {
    const set: SelectedSet = { ...s, role: s === mainAudio ? 'main' : 'alternate' };
    if (s !== mainAudio && holds(s, options.ad_audio)) set.accessibility = '1';
    sets.push(set);
  }

  if (allTrackTypes) {
    const programme =
      primaryLanguage(mainAudio?.files[0]?.index.language) ?? primaryLanguage(first?.index.language) ?? null;
    const text = servedFiles(
      of('text').filter((f) => textMatches(f, options)),
      options,
    ).sort((a, b) => a.index.trackId - b.index.trackId);
    const textSets: SelectedSet[] = [...text, ...generatedText].map((f) => ({
      trackId: f.index.trackId,
      contentType: 'text',
      files: [f],
    }));
    const inProgramme = (s: SelectedSet) =>
      programme !== null && sameLanguage(s.files[0]?.index.language, programme);
    const mainText =
      textSets.find((s) => holds(s, options.main_text)) ?? textSets.find(inProgramme) ?? textSets[0];
    for (const s of textSets) {
      s.role = s === mainText ? 'main' : 'alternate';
      if (inProgramme(s)) s.accessibility = '2';
      sets.push(s);
    }
  }
  return sets;
}

function groupByTrack(files: StreamFile[]): StreamFile[][] {
  const map = new Map<number, StreamFile[]>();
  for (const f of files) {
    const list = map.get(f.index.trackId) ?? [];
    list.push(f);
    map.set(f.index.trackId, list);
  }
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
