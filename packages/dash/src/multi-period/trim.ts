/**
 * The samples of a Period's first segment when the Period starts inside a stored fragment
 * (drm-events.md §12.6, §12.8; dash.md §7.8): the timeline lists that segment from the PTO with a
 * shortened duration, so the whole fragment would carry a tfdt and sample durations up to one
 * fragment away from the listed ones. The segment keeps the fragment's samples from the PTO on:
 * new moof, the same mdat bytes (dash.md §9.3), cut by the server with @loopcast/bmff's chunk
 * builder.
 *
 * Only audio is cut. Each audio sample starts a decodable unit, so any sample can lead. Video
 * follows the timing reference, whose fragment starts are the Period starts (§12.3), so it is
 * normally never entered mid-fragment; when it is (a timing reference of another track), a cut
 * would start on a sample that is not a sync sample, and the fragment is served whole as before.
 * Text is served whole too: a sample that starts before the Period start holds cues that are
 * still showing after it.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { SliceSegment } from './slices.js';

/** How a fragment's samples split: the first `skipped` are left out, the next `kept` are served. */
export interface SampleCut {
  skipped: number;
  kept: number;
}

/**
 * The decode time from which listed segment `seg` of a track of `contentType` serves its
 * fragment's samples; null when the whole fragment is served (it starts at the listed time, or
 * the track is not audio).
 */
export function keepSamplesFrom(seg: SliceSegment, contentType: MediaIndex['contentType']): bigint | null {
  return contentType === 'audio' && seg.time > seg.fragmentTime ? seg.time : null;
}

/**
 * Which samples of a fragment that starts at `decodeTime` with sample durations `durations` are
 * served from decode time `from`: those that start at or after `from`, so the segment starts
 * within one sample after the listed `$Time$` and holds no media before the Period (its first
 * presentation time is not before the PTO). When none does (the listed segment is shorter than
 * the fragment's last sample), that last sample is kept: it is the only one with media inside the
 * segment, and an empty fragment would not be a segment at all.
 */
export function samplesFrom(durations: readonly number[], decodeTime: bigint, from: bigint): SampleCut {
  let start = decodeTime;
  let skipped = 0;
  while (skipped < durations.length && start < from) start += BigInt(durations[skipped++]!);
  if (skipped === durations.length && skipped > 0) skipped--;
  return { skipped, kept: durations.length - skipped };
}
