/**
 * Manifest paths by mode (dash.md §3.1, drm-events.md §12.5): `live`/`vod`/`odvod` under `/dash/`,
 * and the player page's `mps-live`/`mps-vod` for multi-period streams under `/mps/{live|vod}/`.
 * The builder lists multi-period streams as `mps:{name}` beside the normal streams (app.md §9.3).
 */
import { manifestPath, type Mode } from '../registry.ts';

export const MPS_PREFIX = 'mps:';
/** Multi-period manifests come from one template (drm-events.md §12.5). */
export const MPS_TEMPLATE = 'hand_made';
export const MPS_MODES: readonly Mode[] = ['live', 'vod'];

export const mpsNameOf = (streamChoice: string): string | null =>
  streamChoice.startsWith(MPS_PREFIX) ? streamChoice.slice(MPS_PREFIX.length) : null;

export function playedPath(mode: string, stream: string, template: string): string {
  if (mode === 'mps-live' || mode === 'mps-vod') {
    return `/mps/${mode.slice(4)}/${encodeURIComponent(stream)}/${encodeURIComponent(template)}.mpd`;
  }
  return manifestPath({ mode: mode as Mode, stream, template });
}
