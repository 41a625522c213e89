/**
 * VOD and live manifests of a multi-period stream (drm-events.md §12.6, §12.7): a pure function
 * of (model, options, clock). The AdaptationSets reuse the normal stream's attribute derivation
 * (`adaptationSet`, dash.md §6.1); only the SegmentTemplates are the Period's own, a
 * SegmentTimeline from the slice's PTO, restricted to the window in live.
 */
import { childQueries } from '../options/child-url.js';
import { formatDateTime } from '../options/codec.js';
import type { ResolvedOptions } from '../options/parse.js';
import { representationIdOf, timingReferenceOf, type StreamFile } from '../stream.js';
import { adaptationSet } from '../manifest/adaptation-sets.js';
import { EXTENSION, longestSegmentMs, type AddressingContext } from '../manifest/addressing.js';
import { cacheControl, type BuiltManifest, type ManifestRefusal } from '../manifest/build.js';
import type {
  AdaptationSetModel,
  ManifestModel,
  PeriodModel,
  SegmentTemplateModel,
} from '../manifest/model.js';
import { renderManifest } from '../manifest/render.js';
import { formatDuration } from '../timing/durations.js';
import { manifestTiming, type LiveManifestTiming } from '../timing/presentation.js';
import { timelineEntries } from '../timing/timeline.js';
import { utcTimingElements } from '../utc-timing.js';
import { signalDrm } from '../drm/manifest-drm.js';
import { eventBoundIssues } from '../events/inband.js';
import { attachEvents } from '../events/mpd.js';
import type { SelectedSet } from '../manifest/tracks.js';
import type { OptionIssue } from '../options/row.js';
import type { MultiPeriodStream } from './model.js';
import { liveInstances, playlistLengthMs, vodInstances, type PeriodInstance } from './playlist.js';
import { trackSlice } from './slices.js';
import { trackFiles } from './tracks.js';
import { mpsPatchLocation } from './patch.js';

export interface MpsManifestRequest {
  mps: MultiPeriodStream;
  mode: 'live' | 'vod';
  resolved: Pick<ResolvedOptions, 'options' | 'baseline'>;
  nowMs: number;
  origin: string;
  requestUrl?: string;
}

/** Most Period instances one live MPD may list (a small T with a large depth). */
const MAX_LISTED = 500;

export function buildMpsManifestModel(req: MpsManifestRequest): BuiltManifest | ManifestRefusal {
  const { mps, mode } = req;
  const { options, baseline } = req.resolved;
  const refs = mps.periods.map((p) => timingReferenceOf(p.stream));
  if (refs.some((r) => r === null)) return { kind: 'NoTimingReference' };
  // §12.7: the default MUP follows the longest segment among the sources' timing references.
  const longest = refs
    .map((r) => r!.index)
    .reduce((a, b) => (b.segmentDuration / b.timescale > a.segmentDuration / a.timescale ? b : a));
  const timing = manifestTiming(longest, options, req.nowMs);
  if (timing.kind === 'TooEarly' || timing.kind === 'InvalidOptions') return timing;
  if (timing.kind === 'ended') return { kind: 'NotFound', reason: 'a multi-period stream has no end' };
  const live = timing.kind === 'live' ? timing : null;
  // §9, §12.5: events on the presentation timeline, in the MPD per Period or in-band in the
  // video segments of each Period instance (§9.3's bound per source stream)
  const eventIssues = mps.periods.flatMap((p) => eventBoundIssues(p.stream, options));
  if (eventIssues.length > 0) return { kind: 'InvalidOptions', issues: eventIssues.slice(0, 1) };
  let instances: PeriodInstance[];
  if (live) {
    const listed = liveInstances(mps, live.bufferStartMs, live.edgeMs, MAX_LISTED);
    if (!listed) {
      return {
        kind: 'InvalidOptions',
        issues: [
          {
            param: 'depth',
            value: String(options.depth),
            reason: `expected a depth that lists at most ${MAX_LISTED} Periods of this playlist`,
          },
        ],
      };
    }
    instances = listed;
  } else {
    instances = vodInstances(mps);
  }
  const pin = live ? { start: live.astMs } : {};
  const childQuery = childQueries(options, baseline);
  const queries = {
    video: childQuery('video', pin),
    audio: childQuery('audio', pin),
    text: childQuery('text', pin),
  };
  let maxSegMs = 1;
  let drmIssues: OptionIssue[] | null = null;
  let cencNamespace = false;
  const periods: PeriodModel[] = instances.map((inst) => {
    const ref = refs[inst.index]!.index;
    const ctx: AddressingContext = {
      timing: { kind: 'static', clockMs: timing.clockMs, publishMs: timing.publishMs },
      options,
      ref,
      urlPrefix: '',
      origin: req.origin,
      queries,
    };
    const sets: AdaptationSetModel[] = [];
    // §12.1: only tracks marked encrypted carry a DRM block (stored twins or on the fly, §3.4)
    const protectedSets: AdaptationSetModel[] = [];
    const protectedSelection: SelectedSet[] = [];
    for (const track of inst.period.tracks) {
      const files = trackFiles(inst.period.stream, track, options);
      const first = files[0];
      if (!first) continue;
      const selection: SelectedSet = { trackId: track.trackId, contentType: first.index.contentType, files };
      for (const f of files) maxSegMs = Math.max(maxSegMs, longestSegmentMs(f.index, ref, false));
      const set = adaptationSet(selection, sets.length + 1, ctx, false);
      const templates = new Map(
        files.map((f) => [representationIdOf(f.name), periodTemplate(f, inst, ref, queries, live)]),
      );
      delete set.segmentTemplate;
      for (const r of set.representations) r.segmentTemplate = templates.get(r.id);
      shareTemplate(set);
      set.dashRole = track.role;
      if (track.lang !== null) set.lang = track.lang;
      sets.push(set);
      if (track.encrypted) {
        protectedSets.push(set);
        protectedSelection.push(selection);
      }
    }
    if (options.drm.length > 0 && protectedSets.length > 0) {
      const drm = signalDrm([{ adaptationSets: protectedSets }], protectedSelection, {
        stream: inst.period.stream,
        options,
        mode,
        origin: req.origin,
      });
      if ('issues' in drm) drmIssues ??= drm.issues;
      else if (drm.used) cencNamespace = true;
    }
    const showDuration = !live || options.periodDur;
    return {
      id: inst.id,
      start: formatDuration(inst.startMs),
      ...(showDuration ? { duration: formatDuration(inst.period.durationMs) } : {}),
      baseUrl: `${req.origin}/mps/${mode}/${mps.name}/${inst.id}/`,
      adaptationSets: sets,
    };
  });
  if (drmIssues) return { kind: 'InvalidOptions', issues: drmIssues };
  attachEvents(periods, options, timing, playlistLengthMs(mps));
  const locationQuery = childQuery('manifest', pin);
  const location = `${req.origin}/mps/${mode}/${mps.name}/hand_made.mpd${locationQuery}`;
  const utcTimings = live
    ? utcTimingElements({
        methods: options.time ? [...options.time] : null,
        timeValue: options.time_value,
        ntpServers: options.ntp_servers,
        clockMs: timing.clockMs,
        origin: req.origin,
        timeQuery: childQuery('time'),
      })
    : [];
  const model: ManifestModel = {
    template: 'hand_made',
    mode,
    type: live ? 'dynamic' : 'static',
    id: mps.name,
    title: mps.title,
    publishTime: formatDateTime(timing.publishMs),
    maxSegmentDuration: formatDuration(maxSegMs),
    location,
    requestUrl: req.requestUrl ?? location,
    periods,
    utcTimings,
  };
  if (cencNamespace) model.cencNamespace = true;
  if (live) {
    model.availabilityStartTime = formatDateTime(live.astMs);
    model.timeShiftBufferDepth = formatDuration(live.tsbdSeconds * 1000);
    if (live.mupSeconds !== null) model.minimumUpdatePeriod = formatDuration(live.mupSeconds * 1000);
    if (options.spd !== -1) model.suggestedPresentationDelay = formatDuration(options.spd ?? 30000);
    mpsPatchLocation(model, req, live);
  } else {
    model.mediaPresentationDuration = formatDuration(playlistLengthMs(mps));
  }
  return {
    kind: 'manifest',
    model,
    timing,
    cacheControl: cacheControl(
      timing,
      utcTimings.some((u) => u.schemeIdUri.includes(':direct:')),
    ),
  };
}

export function buildMpsManifest(
  req: MpsManifestRequest,
): (BuiltManifest & { xml: string; contentType: 'application/dash+xml' }) | ManifestRefusal {
  const built = buildMpsManifestModel(req);
  if (built.kind !== 'manifest') return built;
  return { ...built, xml: renderManifest(built.model), contentType: 'application/dash+xml' };
}

/**
 * The SegmentTemplate of one file in one Period instance: PTO = t0 + offset × ts and the slice's
 * segments (§12.6); in live only those whose Period-time end lies in (B − PS, Em − PS] (§12.7).
 * A Period that ended by Em is listed to its last segment even when that segment overruns the
 * Period end (an audio fragment often does; players trim it): with the §12.7 bound alone the MPD
 * announcing the next Period would leave a hole before the boundary, where dash.js and Shaka
 * stalled in Chromium. Such a segment is still served only from its own end (§12.8).
 */
function periodTemplate(
  file: StreamFile,
  inst: PeriodInstance,
  ref: StreamFile['index'],
  queries: Record<'video' | 'audio' | 'text', string>,
  live: LiveManifestTiming | null,
): SegmentTemplateModel {
  const type = file.index.contentType;
  const ext = EXTENSION[type];
  const slice = trackSlice(file.index, ref, inst.period.startMs, inst.period.durationMs);
  let segments = slice.segments;
  if (live) {
    const low = BigInt(live.bufferStartMs - inst.startMs) * slice.ts;
    const ended = inst.startMs + inst.period.durationMs <= live.edgeMs;
    const high = BigInt(live.edgeMs - inst.startMs) * slice.ts;
    segments = segments.filter((s) => {
      const end = (s.position + s.duration) * 1000n;
      return end > low && (ended || end <= high);
    });
  }
  return {
    timescale: slice.ts.toString(),
    presentationTimeOffset: slice.pto.toString(),
    initialization: `$RepresentationID$/init.${ext}${queries[type]}`,
    media: `$RepresentationID$/time/$Time$.${ext}${queries[type]}`,
    timeline: timelineEntries(segments, slice.pto).map((e) => ({
      ...(e.t !== undefined ? { t: e.t.toString() } : {}),
      d: e.d.toString(),
      ...(e.r ? { r: e.r } : {}),
    })),
  };
}

/** Lifts a SegmentTemplate to the AdaptationSet when every Representation has the same one. */
function shareTemplate(set: AdaptationSetModel): void {
  const [first, ...rest] = set.representations.map((r) => JSON.stringify(r.segmentTemplate));
  if (first === undefined || rest.some((t) => t !== first)) return;
  set.segmentTemplate = set.representations[0]!.segmentTemplate;
  for (const r of set.representations) delete r.segmentTemplate;
}
