/**
 * The patch route (drm-events.md §11.2): every MPD is a pure function of its URL and publish
 * instant, so the base MPD for `{publish}` and the current one are both generated and diffed;
 * no node keeps history. Refusals: 404 (no such base), 425 (base ahead or current), 410 (base
 * expired, or the event ended).
 */
import { buildManifest } from '../manifest/manifest.js';
import type { ManifestRefusal, ManifestRequest } from '../manifest/build.js';
import { diffMpds, parseXml, patchDocument } from './diff.js';
import { parsePublish, patchTtl } from './location.js';

export interface PatchAnswer {
  kind: 'patch';
  xml: string;
  contentType: 'application/dash-patch+xml';
  cacheControl: string;
}

export type PatchRefusal =
  ManifestRefusal | { kind: 'Gone'; reason: string } | { kind: 'TooEarly'; retryAfterSeconds: number };

export interface PatchRequest extends ManifestRequest {
  /** The `{publish}` path segment. */
  publish: string;
}

export function buildPatch(req: PatchRequest): PatchAnswer | PatchRefusal {
  if (!req.template.features.has('patch') || req.mode !== 'live')
    return { kind: 'NotFound', reason: `${req.template.name} has no MPD patch` };
  const pb = parsePublish(req.publish);
  if (pb === null) return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  const current = buildManifest(req);
  if (current.kind !== 'manifest') return current;
  const timing = current.timing;
  // 2. an ended event's MPD is static: the client must fetch it whole
  if (timing.kind !== 'live') return { kind: 'Gone', reason: 'the live event has ended' };
  const pn = timing.publishMs;
  const clock = timing.clockMs;
  const mupMs = timing.mupSeconds === null ? 1000 : timing.mupSeconds * 1000;
  // 4. not on the publish grid
  if (pb < timing.astMs || (pb - timing.astMs) % mupMs !== 0)
    return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  // 5, 6. a base from the future, or the current MPD itself
  if (pb > pn) return { kind: 'TooEarly', retryAfterSeconds: (pb - clock) / 1000 };
  if (pb === pn) return { kind: 'TooEarly', retryAfterSeconds: (pn + mupMs - clock) / 1000 };
  // the base MPD: the same request when the manifest clock stood at Pb
  const base = buildManifest({ ...req, nowMs: pb + (req.nowMs - clock) });
  if (base.kind !== 'manifest' || base.timing.kind !== 'live')
    return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  // 7. expired: older than the ttl the base MPD carried
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
