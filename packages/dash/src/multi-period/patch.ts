/**
 * MPD patch for live multi-period streams (drm-events.md §11, §12.7, beyond the reference): the
 * PatchLocation `<origin>/mps/patch/{name}/hand_made/{publish}` and the patch document, made as
 * for a normal stream by generating the base MPD (the same request at publish instant Pb) and
 * the current one and diffing them; the patch removes Periods that left the window and adds the
 * new ones. Refusals follow §11.2 (404, 425, 410).
 */
import { childQueries } from '../options/child-url.js';
import type { ManifestModel } from '../manifest/model.js';
import type { LiveManifestTiming } from '../timing/presentation.js';
import { formatPublish, patchQueryOmits, patchTtl } from '../patch/location.js';
import { patchBetween, type PatchAnswer, type PatchRefusal } from '../patch/route.js';
import { buildMpsManifest, type MpsManifestRequest } from './manifest.js';

/** Sets `patchLocation` on a live MPS model when `patch=1` (§11.1). */
export function mpsPatchLocation(
  model: ManifestModel,
  req: MpsManifestRequest,
  timing: LiveManifestTiming,
): void {
  const { options, baseline } = req.resolved;
  if (!options.patch) return;
  const query = childQueries(options, baseline)('manifest', {
    start: timing.astMs,
    omit: patchQueryOmits(options.timeline),
  });
  model.patchLocation = {
    url: `${req.origin}/mps/patch/${req.mps.name}/hand_made/${formatPublish(timing.publishMs)}${query}`,
    ttl: patchTtl(timing.tsbdSeconds, timing.mupSeconds),
  };
}

/** The patch from the MPD published at `publish` to the current one (§11.2 steps 2–8). */
export function buildMpsPatch(req: MpsManifestRequest & { publish: string }): PatchAnswer | PatchRefusal {
  return patchBetween(req.publish, req.nowMs, (nowMs) => buildMpsManifest({ ...req, nowMs }));
}
