/**
 * `vcorrupt` and `frames` (drm-events.md §10.6): which video segments are corrupted and how many
 * NAL units each. The byte work is `corruptSegment` in `@loopcast/bmff`.
 */
import type { Options } from '../options/registry.js';
import { positionNumber } from './errors.js';
import type { TrackTiming } from '../timing/track.js';

/** Default `frames` (§10.6). */
export const DEFAULT_CORRUPT_FRAMES = 4;

/** NAL units to corrupt in video segment `number`, or 0 when it is not listed. */
export function corruptFrames(
  options: Options,
  number: number,
  timing: TrackTiming,
  astMs: number | null,
): number {
  const listed = (options.vcorrupt as readonly string[]).some(
    (p) => positionNumber(p, { timing, astMs }) === number,
  );
  return listed ? (options.frames ?? DEFAULT_CORRUPT_FRAMES) : 0;
}
