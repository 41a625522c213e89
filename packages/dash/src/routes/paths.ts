/**
 * Streaming route paths (dash.md §3.1) parsed as pure functions; anything that is not one of
 * these shapes is null (404).
 */
import { TEMPLATE_NAMES, type Mode, type TemplateName } from '../templates/registry.js';
import type { TimeSource } from '../utc-timing.js';
import { TIME_SOURCES } from '../utc-timing.js';
import type { SegmentAddress } from '../segments/plan.js';

export type SegmentExtension = 'mp4' | 'm4v' | 'm4a' | 'm4s' | 'jpg';

export type StreamingPath =
  | { kind: 'manifest'; mode: Mode; stream: string; template: TemplateName }
  | {
      kind: 'segment';
      mode: 'live' | 'vod';
      stream: string;
      rep: string;
      ext: SegmentExtension;
      /** `bu{i}` prefix (drm-events.md §10.8), null without one. */
      baseUrlIndex: number | null;
      address: SegmentAddress;
    }
  | { kind: 'odvod-file'; stream: string; rep: string; ext: SegmentExtension; baseUrlIndex: number | null }
  | { kind: 'stream-prefix'; mode: Mode; stream: string }
  | { kind: 'legacy-manifest'; name: string; stream: string | null }
  | { kind: 'time'; source: TimeSource };

const MODES: readonly Mode[] = ['live', 'vod', 'odvod'];
const STREAM = /^[A-Za-z0-9]{3,30}$/;
const REP = /^[A-Za-z0-9._-]{1,200}$/;
const MEDIA_EXT = new Set(['mp4', 'm4v', 'm4a', 'm4s']);
const THUMBNAIL_REP = 't999';

function splitExt(name: string): [string, string] | null {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : null;
}

function extensionFor(rep: string, ext: string): SegmentExtension | null {
  if (ext === 'jpg') return rep.toLowerCase() === THUMBNAIL_REP ? 'jpg' : null;
  return MEDIA_EXT.has(ext) ? (ext as SegmentExtension) : null;
}

function templateName(name: string): TemplateName | null {
  const n = name.endsWith('.mpd') ? name.slice(0, -4) : name;
  return (TEMPLATE_NAMES as readonly string[]).includes(n) ? (n as TemplateName) : null;
}

/** Parses the path of a streaming request (no query string). */
export function parseStreamingPath(pathname: string): StreamingPath | null {
  const parts = pathname.split('/');
  if (parts[0] !== '') return null;
  if (parts[1] === 'time' && parts.length === 3) {
    const source = TIME_SOURCES.find((s) => s === parts[2]);
    return source ? { kind: 'time', source } : null;
  }
  if (parts[1] !== 'dash') return null;
  const rest = parts.slice(2);
  // legacy: /dash/{name}.mpd and /dash/{stream}/{name}.mpd
  const last = rest[rest.length - 1] ?? '';
  if (last.endsWith('.mpd') && rest.length <= 2 && !(rest.length === 2 && MODES.includes(rest[0] as Mode))) {
    const name = last.slice(0, -4);
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) return null;
    if (rest.length === 1) return { kind: 'legacy-manifest', name, stream: null };
    return STREAM.test(rest[0] ?? '') ? { kind: 'legacy-manifest', name, stream: rest[0]! } : null;
  }
  const [modeText, stream, ...tail] = rest;
  const mode = MODES.find((m) => m === modeText);
  if (!mode || stream === undefined || !STREAM.test(stream)) return null;
  if (tail.length === 1 && tail[0] === '') return { kind: 'stream-prefix', mode, stream };
  let baseUrlIndex: number | null = null;
  let segs = tail;
  const bu = /^bu([0-7])$/.exec(segs[0] ?? '');
  if (bu && segs.length > 1) {
    baseUrlIndex = Number(bu[1]);
    segs = segs.slice(1);
    if (segs.length === 1 && segs[0] === '') return null;
  }
  if (segs.length === 1) {
    const name = segs[0]!;
    if (baseUrlIndex === null) {
      const t = templateName(name);
      if (t) return { kind: 'manifest', mode, stream, template: t };
    }
    if (mode !== 'odvod') return null;
    const se = splitExt(name);
    if (!se || !REP.test(se[0])) return null;
    const ext = extensionFor(se[0], se[1]);
    return ext && ext !== 'jpg' ? { kind: 'odvod-file', stream, rep: se[0], ext, baseUrlIndex } : null;
  }
  if (mode === 'odvod') return null;
  const rep = segs[0]!;
  if (!REP.test(rep)) return null;
  let address: SegmentAddress;
  let file: string;
  if (segs.length === 2) {
    file = segs[1]!;
    const se = splitExt(file);
    if (!se) return null;
    if (se[0] === 'init') address = { kind: 'init' };
    else if (/^[0-9]{1,15}$/.test(se[0])) address = { kind: 'number', number: Number(se[0]) };
    else return null;
  } else if (segs.length === 3 && segs[1] === 'time') {
    file = segs[2]!;
    const se = splitExt(file);
    if (!se || !/^[0-9]{1,20}$/.test(se[0])) return null;
    address = { kind: 'time', time: BigInt(se[0]) };
  } else {
    return null;
  }
  const ext = extensionFor(rep, splitExt(file)![1]);
  if (!ext) return null;
  return { kind: 'segment', mode, stream, rep, ext, baseUrlIndex, address };
}

/**
 * The `Location` of a legacy manifest URL (§3.5), given the stream the server chose; null for
 * an unknown name. `mode` comes from the query (default vod) and is dropped from it.
 */
export function legacyManifestTarget(name: string, stream: string, query: URLSearchParams): string | null {
  const q = new URLSearchParams(query);
  const mode = q.get('mode') ?? 'vod';
  q.delete('mode');
  if (!MODES.includes(mode as Mode)) return null;
  let template: string;
  if (name === 'hand_made' || name === 'manifest_vod') template = 'hand_made';
  else if (name === 'enc') {
    template = 'hand_made';
    q.set('drm', 'all');
  } else if (templateName(name)) template = name;
  else return null;
  const text = q.toString();
  return `/dash/${mode}/${stream}/${template}.mpd${text ? `?${text}` : ''}`;
}

/** `Content-Type` of a segment or on-demand file by content type or extension (§3.3). */
export function segmentContentType(contentType: 'video' | 'audio' | 'text' | 'image'): string {
  return contentType === 'video'
    ? 'video/mp4'
    : contentType === 'audio'
      ? 'audio/mp4'
      : contentType === 'image'
        ? 'image/jpeg'
        : 'application/mp4';
}
