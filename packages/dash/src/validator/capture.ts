/**
 * "Save this stream" (validator.md §7 `--save`, §8.3): captures the first Period of a DASH stream
 * as one fragmented MP4 per Representation — its init segment followed by its media segments in
 * order (static: every segment up to the cap; dynamic: the segments available in the current
 * window, same cap). The plan is pure; the fetch loop goes through the injected `Fetcher` (so the
 * §6.2 limits and, on the server, the address rule apply) and hands each body to a sink at once:
 * at most one segment is held in memory.
 */
import { buildMpdModel, MPD_NS, type MpdModel } from './mpd.js';
import { planRepresentation, type InitRef, type SegmentRef } from './plan.js';
import type { Fetcher, FetchKind, FetchResult } from './types.js';
import { attr, child, children, parseXml, textOf } from './xml.js';

const CENC_NS = 'urn:mpeg:cenc:2013';

/** §8.4 `LOOPCAST_VALIDATOR_SAVE_MAX_SEGMENTS` default. */
export const DEFAULT_SAVE_MAX_SEGMENTS = 900;

export interface CaptureTrack {
  representationId: string;
  contentType: string;
  bandwidth?: number;
  /** Lower-case hex, no dashes, from `cenc:default_KID` (ISO/IEC 23001-7 §11.2). */
  kids: string[];
  init?: InitRef;
  segments: { url: string; range?: [number, number] }[];
  /** SegmentBase or a single BaseURL: the whole resource is already one fragmented MP4. */
  whole: boolean;
}

export interface CapturePlan {
  mpdUrl: string;
  type: 'static' | 'dynamic';
  /** ProgramInformation/Title, when present. */
  title?: string;
  tracks: CaptureTrack[];
  /** Index into `tracks` of the timing reference: the highest-bandwidth video, else the first. */
  timingRef: number;
  /** Set when the plan is empty or a Representation cannot be expanded. */
  problems: string[];
}

const kidOf = (v: string): string | undefined => {
  const hex = v.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
};

/** Pure: the capture plan of the first Period at `nowMs` (dynamic windows depend on it). */
export function planCapture(mpd: MpdModel, nowMs: number, maxSegments: number): CapturePlan {
  const period = mpd.periods[0];
  const problems: string[] = [];
  const tracks: CaptureTrack[] = [];
  const info = child(mpd.root, 'ProgramInformation');
  const titleEl = info ? child(info, 'Title') : undefined;
  const title = titleEl ? textOf(titleEl) || undefined : undefined;
  if (!period) problems.push('the manifest has no Period');
  for (const set of period?.adaptationSets ?? []) {
    for (const rep of set.representations) {
      const kids = new Set<string>();
      for (const cp of [...children(set.el, 'ContentProtection'), ...rep.contentProtection]) {
        const v = cp.getAttributeNS(CENC_NS, 'default_KID') || attr(cp, 'cenc:default_KID');
        const kid = v ? kidOf(v) : undefined;
        if (kid) kids.add(kid);
      }
      const common = {
        representationId: rep.id,
        contentType: rep.contentType,
        ...(rep.bandwidth !== undefined && { bandwidth: rep.bandwidth }),
        kids: [...kids],
      };
      const kind = rep.addressing.kind;
      if (kind === 'single' || kind === 'base') {
        tracks.push({ ...common, segments: [{ url: rep.baseUrl }], whole: true });
        continue;
      }
      const plan = planRepresentation(mpd, period!, rep, nowMs);
      if (plan.unresolved) problems.push(`Representation ${rep.id}: ${plan.unresolved}`);
      if (!plan.init) problems.push(`Representation ${rep.id} has no init segment`);
      const chosen: SegmentRef[] = plan.segments.slice(0, maxSegments);
      tracks.push({
        ...common,
        ...(plan.init && { init: plan.init }),
        segments: chosen.map((s) => ({ url: s.url, ...(s.range && { range: s.range }) })),
        whole: false,
      });
    }
  }
  if (period && tracks.length === 0) problems.push('the first Period has no Representation');
  let timingRef = 0;
  tracks.forEach((t, i) => {
    const best = tracks[timingRef]!;
    if (t.contentType !== 'video') return;
    if (best.contentType !== 'video' || (t.bandwidth ?? 0) > (best.bandwidth ?? 0)) timingRef = i;
  });
  return { mpdUrl: mpd.url, type: mpd.type, ...(title && { title }), tracks, timingRef, problems };
}

/** Where the captured bytes go: one `open … write* … close` per track, `abort` on failure. */
export interface CaptureSink {
  open(track: CaptureTrack): Promise<void>;
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface CaptureOptions {
  url: string;
  fetcher: Fetcher;
  sink: CaptureSink;
  maxSegments?: number;
  signal?: AbortSignal;
  now?: () => number;
  progress?: (p: { done: number; total: number; text: string }) => void;
}

export class CaptureError extends Error {}

function describe(r: FetchResult): string {
  return r.failure ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}` : `HTTP ${r.status}`;
}

/** Fetches and parses the MPD; throws `CaptureError` naming what went wrong. */
export async function fetchMpdModel(url: string, fetcher: Fetcher, signal: AbortSignal): Promise<MpdModel> {
  const r = await fetcher.fetch({ url, method: 'GET', kind: 'manifest', signal });
  if (r.status !== 200) throw new CaptureError(`the manifest ${url}: ${describe(r)}`);
  const parsed = parseXml(Buffer.from(r.body).toString('utf8'));
  if (!parsed.ok) throw new CaptureError(`the manifest is not well-formed XML: ${parsed.message}`);
  if (parsed.xml.root.localName !== 'MPD' || parsed.xml.root.namespaceURI !== MPD_NS)
    throw new CaptureError('the document is not a DASH MPD');
  return buildMpdModel(parsed.xml, r.url);
}

/** Fetches the manifest, plans the capture and streams every track through the sink. */
export async function captureStream(opts: CaptureOptions): Promise<CapturePlan> {
  const signal = opts.signal ?? new AbortController().signal;
  const mpd = await fetchMpdModel(opts.url, opts.fetcher, signal);
  const plan = planCapture(mpd, (opts.now ?? Date.now)(), opts.maxSegments ?? DEFAULT_SAVE_MAX_SEGMENTS);
  if (plan.problems.length) throw new CaptureError(plan.problems.join('; '));
  const total = plan.tracks.reduce((n, t) => n + t.segments.length + (t.init ? 1 : 0), 0);
  let done = 0;
  const get = async (
    kind: FetchKind,
    ref: { url: string; range?: [number, number] },
    what: string,
  ): Promise<Uint8Array> => {
    if (signal.aborted) throw new CaptureError('cancelled');
    const r = await opts.fetcher.fetch({
      url: ref.url,
      method: 'GET',
      kind,
      signal,
      ...(ref.range && { range: ref.range }),
    });
    if (r.status !== 200 && r.status !== 206) throw new CaptureError(`${what} ${ref.url}: ${describe(r)}`);
    return r.body;
  };
  for (const track of plan.tracks) {
    await opts.sink.open(track);
    try {
      const id = track.representationId;
      if (track.init) {
        await opts.sink.write(await get('init', track.init, `the init segment of ${id}`));
        opts.progress?.({ done: ++done, total, text: `${id}: init segment` });
      }
      for (const [k, seg] of track.segments.entries()) {
        await opts.sink.write(await get('media', seg, `segment ${k + 1} of ${id}`));
        opts.progress?.({ done: ++done, total, text: `${id}: segment ${k + 1}/${track.segments.length}` });
      }
      await opts.sink.close();
    } catch (err) {
      await opts.sink.abort();
      throw err;
    }
  }
  return plan;
}
