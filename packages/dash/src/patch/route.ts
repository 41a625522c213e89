/**
 * The patch route (drm-events.md §11.2): every MPD is a pure function of its URL and publish
 * instant, so the base MPD for `{publish}` and the current one are both generated and diffed;
 * no node keeps history. Refusals: 404 (no such base), 425 (base ahead or current), 410 (base
 * expired, or the event ended).
 */
import { buildManifest } from '../manifest/manifest.js';
import type { ManifestRefusal, ManifestRequest } from '../manifest/build.js';
import type { ManifestTiming } from '../timing/presentation.js';
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
  return patchBetween(req.publish, req.nowMs, (nowMs) => buildManifest({ ...req, nowMs }));
}

/** What `patchBetween` needs of a generated MPD. */
export interface PatchSource {
  kind: 'manifest';
  xml: string;
  timing: ManifestTiming;
  cacheControl: string;
}

/**
 * §11.2 steps 2–8 for any MPD builder (a stream's, a multi-period stream's): `build(nowMs)`
 * generates the MPD of the same request at another request clock.
 */
export function patchBetween(
  publish: string,
  nowMs: number,
  build: (nowMs: number) => PatchSource | PatchRefusal,
): PatchAnswer | PatchRefusal {
  const pb = parsePublish(publish);
  if (pb === null) return { kind: 'NotFound', reason: 'no MPD had this publishTime' };
  const current = build(nowMs);
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
  const base = build(pb + (nowMs - clock));
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
