/**
 * Scheduled errors (drm-events.md §10.2, §10.3): `merr` on an update count or a time window,
 * `verr` / `aerr` / `terr` on a segment number or a time. Pure: the caller gives the request's
 * clock, availabilityStartTime and timing; the first matching item of a list wins.
 */
import type { FaultItem } from '../options/domain-codecs.js';
import type { Options } from '../options/registry.js';
import type { TrackTiming } from '../timing/track.js';
import { resolvePosition, segmentNumberAt, type FaultPosition } from './positions.js';

export type FaultUsage = 'manifest' | 'video' | 'audio' | 'text';

export interface FaultHit {
  code: number;
  usage: FaultUsage;
  /** Counter key of `failures` (§10.4): usage letter + code + `@` + position. */
  key: string;
}

const LETTER: Record<FaultUsage, string> = { manifest: 'm', video: 'v', audio: 'a', text: 't' };
const LIST: Record<Exclude<FaultUsage, 'manifest'>, 'verr' | 'aerr' | 'terr'> = {
  video: 'verr',
  audio: 'aerr',
  text: 'terr',
};

function keyOf(usage: FaultUsage, code: number, p: FaultPosition): string {
  const where = p.kind === 'number' ? String(p.n) : `t${Math.floor(p.ms / 1000)}`;
  return `${LETTER[usage]}${code}@${where}`;
}

export interface ManifestFaultContext {
  live: boolean;
  astMs: number;
  /** Manifest clock (drift applied). */
  clockMs: number;
  /** The MPD's MUP, or the default MUP when it has none (§10.2). */
  mupSeconds: number;
}

/** §10.2: the first `merr` item matching the request's `update` count or clock. */
export function manifestFault(options: Options, ctx: ManifestFaultContext): FaultHit | null {
  for (const item of options.merr as readonly FaultItem[]) {
    const p = resolvePosition(item.position, ctx.astMs);
    if (!p) continue;
    const hit =
      p.kind === 'number'
        ? options.update === p.n
        : ctx.live && ctx.clockMs >= p.ms && ctx.clockMs <= p.ms + ctx.mupSeconds * 1000;
    if (hit) return { code: item.code, usage: 'manifest', key: keyOf('manifest', item.code, p) };
  }
  return null;
}

export interface SegmentFaultContext {
  usage: Exclude<FaultUsage, 'manifest'>;
  /** The addressed segment number; 'init' for an init segment (matched by position 0). */
  number: number | 'init';
  /** Timing of the requested Representation (time positions become numbers with it). */
  timing: TrackTiming;
  /** Live AST; null in vod, where time positions never fire. */
  astMs: number | null;
}

/** §10.3: the first item of `verr` / `aerr` / `terr` addressing this segment. */
export function segmentFault(options: Options, ctx: SegmentFaultContext): FaultHit | null {
  const list = options[LIST[ctx.usage]] as readonly FaultItem[];
  for (const item of list) {
    const n = positionNumber(item.position, ctx);
    if (n === null) continue;
    const p = resolvePosition(item.position, ctx.astMs ?? 0)!;
    if (ctx.number === 'init' ? n === 0 : n === ctx.number)
      return { code: item.code, usage: ctx.usage, key: keyOf(ctx.usage, item.code, p) };
  }
  return null;
}

/** A position as a segment number (§10.3, dash.md §7.11), or null when it cannot apply. */
export function positionNumber(
  text: string,
  ctx: Pick<SegmentFaultContext, 'timing' | 'astMs'>,
): number | null {
  const p = resolvePosition(text, ctx.astMs ?? 0);
  if (!p) return null;
  if (p.kind === 'number') return p.n;
  return ctx.astMs === null ? null : segmentNumberAt(ctx.timing, ctx.astMs, p.ms);
}
