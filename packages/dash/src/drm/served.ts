/**
 * Which files are served, and how they are protected, when DRM is selected (drm-events.md
 * §3.4). The manifest and the segment route both call these functions with the stream and the
 * URL's options, so every node serves the same bytes for the same URL.
 */
import type { Options } from '../options/registry.js';
import type { StreamFile, StreamModel } from '../stream.js';
import type { Mode } from '../templates/registry.js';

export type EncryptionScheme = 'cenc' | 'cbcs';

export type Protection =
  | { kind: 'clear' }
  /** A pre-encrypted file, served as stored. */
  | { kind: 'stored' }
  /** A clear file encrypted while served (§8) with the stream's on-the-fly KID. */
  | { kind: 'otf'; scheme: EncryptionScheme; kid: string; key: string };

const CLEAR: Protection = { kind: 'clear' };

/** Video sample entries §8.1 can encrypt (sub-sample encryption of their NAL units). */
const OTF_VIDEO = new Set(['avc1', 'avc3', 'hev1', 'hvc1']);

type DrmOptions = Pick<Options, 'drm' | 'otf' | 'enc_scheme'>;

const hasEncrypted = new WeakMap<StreamModel, boolean>();

function streamHasEncrypted(stream: StreamModel): boolean {
  let v = hasEncrypted.get(stream);
  if (v === undefined) hasEncrypted.set(stream, (v = stream.files.some((f) => f.index.encryption)));
  return v;
}

/** Whether a clear file can be encrypted on the fly (§8.1): codec and a stored key. */
export function canEncryptOnTheFly(stream: StreamModel, file: StreamFile): boolean {
  const ix = file.index;
  if (ix.contentType === 'audio') return stream.keys[stream.otfKid]?.key ? true : false;
  if (ix.contentType !== 'video' || !OTF_VIDEO.has(ix.sampleEntry)) return false;
  return Boolean(stream.keys[stream.otfKid]?.key);
}

/** §3.4 for one file: how it is protected when served under these options. */
export function protectionOf(
  stream: StreamModel,
  file: StreamFile,
  options: DrmOptions,
  mode: Mode,
): Protection {
  if (options.drm.length === 0) return CLEAR;
  if (file.index.encryption) return { kind: 'stored' };
  if (file.index.contentType === 'text' || mode === 'odvod' || options.otf === '0') return CLEAR;
  if (options.otf === 'auto' && streamHasEncrypted(stream)) return CLEAR;
  const scheme = options.enc_scheme === 'cbcs' ? 'cbcs' : 'cenc';
  if (!canEncryptOnTheFly(stream, file)) return CLEAR;
  return {
    kind: 'otf',
    scheme,
    kid: stream.otfKid,
    key: stream.keys[stream.otfKid]!.key,
  };
}

/**
 * §3.4 for one track's files (already filtered by codec and language): its encrypted files when
 * DRM is selected, they exist and `otf` is not `1`; otherwise its clear files. Without DRM the
 * clear files, and the encrypted ones only when the track has nothing else (the manifest lists
 * what exists; the segment route answers 404 for an encrypted file without `drm`).
 */
export function servedFiles(files: readonly StreamFile[], options: DrmOptions): StreamFile[] {
  const enc = files.filter((f) => f.index.encryption);
  const clear = files.filter((f) => !f.index.encryption);
  if (options.drm.length === 0) return clear.length > 0 ? clear : enc;
  const text = files.every((f) => f.index.contentType === 'text');
  if (text) return clear;
  if (enc.length > 0 && options.otf !== '1') return enc;
  return clear.length > 0 ? clear : enc;
}
