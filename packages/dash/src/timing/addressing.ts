/** SegmentTemplate timescale, duration and presentationTimeOffset in exact form (dash.md §7.7). */
import { gcd } from './exact.js';
import type { TrackTiming } from './track.js';

export interface DurationAddressing {
  timescale: bigint;
  duration: bigint;
  /** Multiply a tick value of the track by this to express it in `timescale`. */
  scale: bigint;
}

/**
 * `timescale` = ts and `duration` = Dn when Dn is an integer; otherwise the smallest exact
 * form `timescale = ts × (tsRef·N / g)`, `duration = Mref·ts / g`, g = gcd(Mref·ts, tsRef·N).
 */
export function durationAddressing(t: TrackTiming): DurationAddressing {
  const { num, den } = t.addressing;
  if (num % den === 0n) return { timescale: t.ts, duration: num / den, scale: 1n };
  const g = gcd(num, den);
  return { timescale: (t.ts * den) / g, duration: num / g, scale: den / g };
}
