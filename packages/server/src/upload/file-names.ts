/**
 * The media-file name rule (spec app.md §5.2), shared by the upload route and the download CLI
 * (§10.5), which re-checks names before it writes under a destination folder.
 */

/** Extensions a media upload may carry (§5.2). */
export const MEDIA_EXTENSIONS = ['.mp4', '.m4v', '.m4a', '.m4s', '.cmfv', '.cmfa', '.cmft'] as const;

/**
 * Stems reserved for generated representations and BaseURL prefixes (dash.md §3 and §11,
 * drm-events.md §10.8): `timestpp-…`, `timewvtt-…`, `t999`, `bu<digits>`, any case.
 */
const RESERVED = /^(timestpp-|timewvtt-|t999$|bu[0-9]+$)/i;

export type NameCheck = { ok: true; fileName: string; stem: string } | { ok: false; reason: string };

/** The last path segment with characters outside `[A-Za-z0-9._-]` replaced by `_`. */
export function safeFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  return last.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Applies §5.2 to an upload's file name; the reason completes "file …". */
export function checkMediaFileName(raw: string): NameCheck {
  const fileName = safeFileName(raw);
  const lower = fileName.toLowerCase();
  const ext = MEDIA_EXTENSIONS.find((e) => lower.endsWith(e));
  if (!ext) return { ok: false, reason: `must end in one of ${MEDIA_EXTENSIONS.join(', ')}` };
  const stem = fileName.slice(0, -ext.length);
  if (stem.length === 0 || stem.length > 200 || !/^[A-Za-z0-9]/.test(stem)) {
    return { ok: false, reason: 'needs a name of 1–200 characters starting with a letter or digit' };
  }
  if (RESERVED.test(stem)) {
    return {
      ok: false,
      reason: `has the reserved name ${stem} (timestpp-…, timewvtt-…, t999 and bu<digits> name generated representations)`,
    };
  }
  return { ok: true, fileName, stem };
}
