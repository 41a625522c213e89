/**
 * DRM on the segment path (drm-events.md §6.7, §7, §8): init segments get their `moov` pssh
 * boxes and, for on-the-fly encryption, encv/enca with sinf; fragments are encrypted on the fly.
 * Results are cached in the segment cache under keys that include scheme and KID (§8.7).
 */
import {
  cbcsConstantIv,
  cencFragmentIvBase,
  cencTrackOf,
  encryptFragment,
  encryptInit,
  rewriteInit,
  type CencTrack,
  type IndexedSegment,
} from '@loopcast/bmff';
import type { SegmentDrm } from '@loopcast/dash';
import { createHash } from 'node:crypto';
import type { SegmentSource } from './segment-source.js';

const TRACKS = new Map<string, CencTrack>();

/** Representations already warned about for slices left clear (§8.6: one warning each). */
const CLEAR_SLICES_WARNED = new Set<string>();
const MAX_CLEAR_SLICES_WARNED = 1024;

export interface DrmWarnings {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The served init segment with the DRM changes of §7 and §8.2. */
export function drmInit(init: Buffer, drm: SegmentDrm, segments: SegmentSource, baseKey: string): Buffer {
  const otf = drm.otf;
  if (!otf && drm.initPssh.length === 0) return init;
  // the pssh bytes (LA_URL, versions) are part of the cache key, not only their count
  const psshHash = createHash('sha256').update(Buffer.concat(drm.initPssh)).digest('hex').slice(0, 32);
  const key = `${baseKey}#drm-${otf ? `${otf.scheme}-${otf.kid}` : 'stored'}-${psshHash}`;
  return segments.derived(key, () => {
    let bytes = init;
    if (otf) {
      bytes = encryptInit(bytes, {
        scheme: otf.scheme,
        kid: otf.kid,
        ...(otf.scheme === 'cbcs' ? { constantIv: cbcsConstantIv(otf.kid, otf.representationId) } : {}),
      });
    }
    if (drm.initPssh.length > 0) bytes = rewriteInit(bytes, { dropMehd: false, pssh: drm.initPssh });
    return bytes;
  });
}

/** The track facts fragment encryption needs, from the stored init segment (cached by blob). */
export async function cencTrack(
  segments: SegmentSource,
  blobKey: string,
  init: IndexedSegment,
): Promise<CencTrack> {
  let track = TRACKS.get(blobKey);
  if (!track) {
    track = cencTrackOf(await segments.fragment(blobKey, 0, init));
    if (TRACKS.size >= 4096) TRACKS.clear();
    TRACKS.set(blobKey, track);
  }
  return track;
}

/**
 * A fragment encrypted on the fly (§8.3), or the fragment itself when nothing is encrypted.
 * `cacheKey` is null when the input is not the stored fragment (corrupted video, §8.7).
 */
export function drmFragment(
  fragment: Buffer,
  drm: SegmentDrm,
  track: CencTrack | null,
  at: { fragmentIndex: number; sourceOffset: number },
  segments: SegmentSource,
  cacheKey: string | null,
  log: DrmWarnings,
): Buffer {
  const otf = drm.otf;
  if (!otf || !track) return fragment;
  // §8.6: a slice header that cannot be parsed leaves its NAL unit clear, one warning per Representation
  const onClearSlices = (reason: string): void => {
    const key = `${otf.kid}/${otf.representationId}`;
    if (CLEAR_SLICES_WARNED.has(key)) return;
    if (CLEAR_SLICES_WARNED.size >= MAX_CLEAR_SLICES_WARNED) CLEAR_SLICES_WARNED.clear();
    CLEAR_SLICES_WARNED.add(key);
    log.warn({ representation: otf.representationId, scheme: otf.scheme }, reason);
  };
  const make = () =>
    encryptFragment(fragment, {
      scheme: otf.scheme,
      key: Buffer.from(otf.key, 'hex'),
      ivBase: cencFragmentIvBase(otf.kid, otf.representationId, at.fragmentIndex),
      ...(otf.scheme === 'cbcs' ? { constantIv: cbcsConstantIv(otf.kid, otf.representationId) } : {}),
      track,
      sourceOffset: at.sourceOffset,
      onClearSlices,
    });
  // the key is part of the cache key: an edited key must not serve old ciphertext
  return cacheKey === null
    ? make()
    : segments.derived(`${cacheKey}#otf-${otf.scheme}-${otf.kid}-${otf.key}`, make);
}
