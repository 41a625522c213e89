/**
 * The files a Period's track serves (drm-events.md §12.1): every file of the source with that
 * track id, encrypted twins only when `drm` is set and the track is marked encrypted; otherwise
 * the clear files (which on-the-fly encryption may still encrypt, §3.4).
 */
import type { Options } from '../options/registry.js';
import { representationIdOf, type StreamFile, type StreamModel } from '../stream.js';
import type { MpsPeriod, MpsTrack } from './model.js';

export function trackFiles(
  stream: StreamModel,
  track: MpsTrack,
  options: Pick<Options, 'drm' | 'abr'>,
): StreamFile[] {
  const all = stream.files
    .filter((f) => f.index.trackId === track.trackId)
    .sort((a, b) => a.index.bitrate - b.index.bitrate);
  const encrypted = options.drm.length > 0 && track.encrypted;
  const wanted = all.filter((f) => Boolean(f.index.encryption) === encrypted);
  const files = wanted.length > 0 || !encrypted ? wanted : all.filter((f) => !f.index.encryption);
  return files[0]?.index.contentType === 'video' && !options.abr ? files.slice(0, 1) : files;
}

/** The file behind Representation `rep` of a Period, when it belongs to a selected track. */
export function periodFile(
  period: MpsPeriod,
  rep: string,
  options: Pick<Options, 'drm' | 'abr'>,
): StreamFile | null {
  const id = rep.toLowerCase();
  for (const track of period.tracks) {
    const file = trackFiles(period.stream, track, options).find((f) => representationIdOf(f.name) === id);
    if (file) return file;
  }
  return null;
}
