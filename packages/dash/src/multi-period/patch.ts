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
import { diffMpds, parseXml, patchDocument } from '../patch/diff.js';
import { formatPublish, parsePublish, patchQueryOmits, patchTtl } from '../patch/location.js';
import type { PatchAnswer, PatchRefusal } from '../patch/route.js';
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

/** The patch from the MPD published at `publish` to the current one (§11.2 steps 2–7). */
export function buildMpsPatch(req: MpsManifestRequest & { publish: string }): PatchAnswer | PatchRefusal {
  const pb = parsePublish(req.publish);
  const current = buildMpsManifest(req);
  if (current.kind !== 'manifest') return current;
  const timing = current.timing;
  if (timing.kind !== 'live') return { kind: 'NotFound', reason: 'a static MPD has no patch' };
  const pn = timing.publishMs;
  const mupMs = timing.mupSeconds === null ? 1000 : timing.mupSeconds * 1000;
  if (pb === null || pb < timing.astMs || (pb - timing.astMs) % mupMs !== 0)
    return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  if (pb >= pn)
    return { kind: 'TooEarly', retryAfterSeconds: ((pb > pn ? pb : pn + mupMs) - timing.clockMs) / 1000 };
  const base = buildMpsManifest({ ...req, nowMs: pb + (req.nowMs - timing.clockMs) });
  if (base.kind !== 'manifest' || base.timing.kind !== 'live')
    return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  if (pn - pb > patchTtl(base.timing.tsbdSeconds, base.timing.mupSeconds) * 1000)
    return { kind: 'Gone', reason: 'the base MPD has expired; fetch the whole MPD' };
  const a = parseXml(base.xml);
  const b = parseXml(current.xml);
  return {
    kind: 'patch',
    xml: patchDocument(a, b, diffMpds(a, b)),
    contentType: 'application/dash-patch+xml',
    cacheControl: current.cacheControl,
  };
}
