/**
 * The request-varying values of a manifest (dynamic.ts), computed once per request: child-URL
 * queries (they carry `now` when it is given, and fault positions relative to the clock,
 * drm-events.md §10.3), the Location URL, UTCTiming values (§8.1), the PatchLocation (drm-events.md
 * §11.1) and Cache-Control (§3.8).
 */
import { childFaultExtras, type ChildFaultExtras } from '../faults/child-positions.js';
import { childQueries, type ChildQueryFor } from '../options/child-url.js';
import { OPTION_PARAMS, optionRow, registryDefaults, type Options } from '../options/registry.js';
import { patchLocation, patchQueryOmits } from '../patch/location.js';
import type { ManifestTiming } from '../timing/presentation.js';
import { utcTimingElements, type UtcTimingElement } from '../utc-timing.js';
import type { ManifestRequest } from './build.js';
import type { WindowScope } from './dynamic.js';

type SegmentUsage = 'video' | 'audio' | 'text';

export class RequestScope implements WindowScope {
  private memo: Map<object, unknown> | null = null;
  private queryFor: ChildQueryFor | null = null;
  private faults: Record<SegmentUsage, ChildFaultExtras> | null = null;
  private readonly media: Partial<Record<SegmentUsage, string>> = {};
  private locationUrl: string | null = null;
  private utc: UtcTimingElement[] | null = null;

  constructor(
    readonly req: ManifestRequest,
    readonly timing: ManifestTiming,
    /** `optionValues` of the request's options, when already read (memo.ts). */
    private readonly optionValues?: readonly unknown[],
  ) {}

  once<T>(key: object, compute: () => T): T {
    const memo = (this.memo ??= new Map<object, unknown>());
    if (memo.has(key)) return memo.get(key) as T;
    const value = compute();
    memo.set(key, value);
    return value;
  }

  get childQuery(): ChildQueryFor {
    const { options, baseline } = this.req.resolved;
    return (this.queryFor ??= childQueries(options, baseline, this.optionValues));
  }

  /** The pinned availabilityStartTime and event end of live child URLs (dash.md §4.4). */
  private pin(): { start?: number; stop?: number } {
    const t = this.timing;
    if (t.kind === 'static') return {};
    return t.end ? { start: t.astMs, stop: t.end.endMs } : { start: t.astMs };
  }

  /** The query of a segment child URL (initialization, media). */
  mediaQuery(usage: SegmentUsage): string {
    let q = this.media[usage];
    if (q === undefined) {
      const { stream, resolved } = this.req;
      this.faults ??= withoutFaults(resolved.options)
        ? NO_FAULTS
        : childFaultExtras(stream, resolved.options, this.timing);
      this.media[usage] = q = this.childQuery(usage, { ...this.pin(), ...this.faults[usage] });
    }
    return q;
  }

  /** The canonical manifest URL (pinned start, update + 1). */
  location(): string {
    if (this.locationUrl === null) {
      const { options } = this.req.resolved;
      const query = this.childQuery('manifest', {
        ...this.pin(),
        ...(options.update !== null ? { set: { update: String(options.update + 1) } } : {}),
      });
      const { origin, mode, stream, template } = this.req;
      this.locationUrl = `${origin}/dash/${mode}/${stream.directory}/${template.name}.mpd${query}`;
    }
    return this.locationUrl;
  }

  /** UTCTiming elements: in live, and always in manifest_i (`direct`, §6.9). */
  utcTimings(): UtcTimingElement[] {
    if (this.utc === null) {
      const { template, mode, resolved, origin } = this.req;
      const options = resolved.options;
      const methods = template.name === 'manifest_i' ? (['direct'] as const) : options.time;
      this.utc =
        mode === 'live' || template.name === 'manifest_i'
          ? utcTimingElements({
              methods: methods ? [...methods] : null,
              timeValue: options.time_value,
              ntpServers: options.ntp_servers,
              clockMs: this.timing.clockMs,
              origin,
              timeQuery: this.childQuery('time'),
            })
          : [];
    }
    return this.utc;
  }

  /** The PatchLocation of a live MPD with `patch=1`. */
  patchLocation(): { url: string; ttl: number } | null {
    const t = this.timing;
    const { options } = this.req.resolved;
    if (t.kind !== 'live' || !options.patch || this.req.mode !== 'live') return null;
    return this.once(PATCH, () => {
      const query = this.childQuery('manifest', { ...this.pin(), omit: patchQueryOmits(options.timeline) });
      const { origin, stream, template } = this.req;
      const where = { origin, stream: stream.directory, template: template.name, query };
      return patchLocation({ ...where, ...t, publishMs: t.publishMs });
    });
  }

  /** Cache-Control of this MPD (§3.8). */
  cacheControl(): string {
    const direct = this.utcTimings().some((u) => u.schemeIdUri.includes(':direct:'));
    return cacheControl(this.timing, direct);
  }
}

const PATCH = {};

const NO_FAULTS: Record<SegmentUsage, ChildFaultExtras> = { video: {}, audio: {}, text: {} };
const DEFAULTS = registryDefaults();
const FAULT_PARAMS = OPTION_PARAMS.filter((p) => optionRow(p).group === 'faults');

/**
 * True when no fault option is set: then `childFaultExtras` has nothing to convert (its lists,
 * `verr` `vcorrupt` `aerr` `terr`, are fault options and empty by default), and a live manifest
 * is spared its per-request pass over the tracks.
 */
function withoutFaults(options: Options): boolean {
  for (const p of FAULT_PARAMS) if (options[p] !== DEFAULTS[p]) return false;
  return true;
}

/** Cache-Control of an MPD (§3.8). */
export function cacheControl(timing: ManifestTiming, hasDirect: boolean): string {
  if (hasDirect) return 'no-cache';
  if (timing.kind !== 'live') return 'public, max-age=60';
  if (timing.mupSeconds === null) return 'no-cache';
  let next = timing.publishMs + timing.mupSeconds * 1000;
  if (timing.end && timing.end.endMs < next) next = timing.end.endMs;
  const n = Math.ceil((next - timing.clockMs) / 1000);
  return `public, max-age=${Math.min(timing.mupSeconds, Math.max(1, n))}`;
}
