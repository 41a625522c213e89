/** minimumUpdatePeriod and the publish instant (dash.md §7.4). */
import type { MediaIndex } from '@loopcast/bmff';

/**
 * MUP in seconds, or null for "never refresh": `mup` absent → round(2 × Dref / tsRef) (halves
 * up, at least 1); `mup` ≤ 0 → none; otherwise the value.
 */
export function minimumUpdatePeriod(mup: number | null, ref: MediaIndex): number | null {
  if (mup === null) return Math.max(1, Math.round((2 * ref.segmentDuration) / ref.timescale));
  return mup <= 0 ? null : mup;
}

/** The default MUP, used where an MPD has none but a period is still needed (§7.4, §7.11). */
export function defaultUpdatePeriod(ref: MediaIndex): number {
  return Math.max(1, Math.round((2 * ref.segmentDuration) / ref.timescale));
}

/**
 * The publish instant P (epoch ms): with a MUP, AST + floor((c − AST) / MUP) × MUP; without,
 * the clock truncated to whole seconds.
 */
export function publishInstant(astMs: number, cMs: number, mupSeconds: number | null): number {
  if (mupSeconds === null) return Math.floor(cMs / 1000) * 1000;
  const step = mupSeconds * 1000;
  return astMs + Math.floor((cMs - astMs) / step) * step;
}
