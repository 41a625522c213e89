/**
 * What the segment route does for DRM (drm-events.md §3.4, §6.7, §7, §8): the same file choice
 * as the manifest, the pssh boxes for the `moov` location, whether the PIFF box is added, and the
 * parameters of on-the-fly encryption. Pure: the server applies it to the bytes.
 */
import type { Options } from '../options/registry.js';
import { representationIdOf, type StreamFile, type StreamModel } from '../stream.js';
import type { Mode } from '../templates/registry.js';
import { protectionOf, type EncryptionScheme, type Protection } from './served.js';
import { initPsshBoxes } from './signalling.js';

export interface SegmentDrm {
  protection: Protection;
  /** pssh boxes appended to moov of the init segment (§7), ClearKey's first. */
  initPssh: Buffer[];
  /** Copy senc into a PIFF sample-encryption box (§6.7). */
  piff: boolean;
  /** On-the-fly encryption parameters (§8), or null. */
  otf: { scheme: EncryptionScheme; kid: string; key: string; representationId: string } | null;
}

export function segmentDrm(stream: StreamModel, file: StreamFile, options: Options, mode: Mode): SegmentDrm {
  const protection = protectionOf(stream, file, options, mode);
  if (protection.kind === 'clear') return { protection, initPssh: [], piff: false, otf: null };
  const playready = options.drm.some((d) => d.system === 'playready');
  return {
    protection,
    // the on-demand file is served unmodified (§3.2: moov has no effect in odvod)
    initPssh: mode === 'odvod' ? [] : initPsshBoxes([file], protection, stream, options),
    piff: playready && (options.playready__version === '1.0' || options.playready__piff),
    otf:
      protection.kind === 'otf'
        ? {
            scheme: protection.scheme,
            kid: protection.kid,
            key: protection.key,
            representationId: representationIdOf(file.name),
          }
        : null,
  };
}
