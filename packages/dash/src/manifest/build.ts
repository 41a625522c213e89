/**
 * Manifest building in steps (dash.md §6, README §3.2): timing, track selection, adaptation
 * sets with addressing, MPD attributes, Location and UTCTiming — each a pure function feeding
 * the typed model that a template renders.
 */
import { formatDateTime } from '../options/codec.js';
import type { ResolvedOptions } from '../options/parse.js';
import type { OptionIssue } from '../options/row.js';
import { timingReferenceOf, type StreamModel } from '../stream.js';
import type { Mode, TemplateEntry } from '../templates/registry.js';
import { formatDuration } from '../timing/durations.js';
import { manifestTiming, type ManifestTiming } from '../timing/presentation.js';
import { adaptationSet } from './adaptation-sets.js';
import { longestSegmentMs, type AddressingContext } from './addressing.js';
import type { AdaptationSetModel, ManifestModel, PeriodModel, TimelineS } from './model.js';
import { immediateValues, type Dynamic } from './dynamic.js';
import { RequestScope } from './request-scope.js';
import type { StreamFile } from '../stream.js';
import type { MediaIndex } from '@loopcast/bmff';
import type { Ratio } from '../timing/exact.js';
import type { EndedManifestTiming, LiveManifestTiming } from '../timing/presentation.js';
import {
  addressingSeconds,
  isMultiple,
  listedPeriods,
  periodLength,
  periodStartMs,
  ratioText,
  smallestCommonLength,
} from '../timing/periods.js';
import type { SelectedSet } from './tracks.js';
import { thumbnailSet } from './thumbnail-set.js';
import { generatedTextFiles } from '../generated-text.js';
import { formatOption } from '../options/registry.js';
import { trackTiming } from '../timing/track.js';
import { numberWindow } from '../timing/window.js';
import { selectTracks } from './tracks.js';
import { signalDrm } from '../drm/manifest-drm.js';
import { eventBoundIssues } from '../events/inband.js';
import { attachEvents } from '../events/mpd.js';
import { baseUrlList } from '../faults/baseurls.js';

export interface ManifestRequest {
  stream: StreamModel;
  template: TemplateEntry;
  mode: Mode;
  resolved: Pick<ResolvedOptions, 'options' | 'baseline'>;
  /** The request clock (the `now` option when given, else the system clock). */
  nowMs: number;
  /** Scheme and host for BaseURL, Location and `/time` URLs, e.g. `http://localhost:5000`. */
  origin: string;
  /** The request URL as received (manifest_e's second Location); defaults to the canonical one. */
  requestUrl?: string;
}

export type ManifestRefusal =
  | { kind: 'NotFound'; reason: string }
  | { kind: 'NoTimingReference' }
  | { kind: 'TooEarly'; retryAfterSeconds: number }
  | { kind: 'InvalidOptions'; issues: OptionIssue[] };

export interface BuiltManifest {
  kind: 'manifest';
  model: ManifestModel;
  timing: ManifestTiming;
  /** `Cache-Control` value (§3.8). */
  cacheControl: string;
  /** Lines for the server's log (drm-events.md §4.1, §8.1). */
  warnings?: string[];
}

/** Templates that write suggestedPresentationDelay in live (§7.17). */
const WRITES_SPD = new Set(['hand_made', 'manifest_e']);

/** What every build starts from: the template allows the mode, a timing reference, the timing. */
export type ManifestStart = { kind: 'start'; ref: StreamFile; timing: ManifestTiming } | ManifestRefusal;

export function manifestStart(req: ManifestRequest): ManifestStart {
  const { stream, template, mode } = req;
  if (!template.modes.includes(mode))
    return { kind: 'NotFound', reason: `${template.name} does not allow mode ${mode}` };
  const ref = timingReferenceOf(stream);
  if (!ref) return { kind: 'NoTimingReference' };
  const timing = manifestTiming(ref.index, req.resolved.options, req.nowMs);
  if (timing.kind === 'TooEarly' || timing.kind === 'InvalidOptions') return timing;
  return { kind: 'start', ref, timing };
}

export function buildManifestModel(req: ManifestRequest): BuiltManifest | ManifestRefusal {
  const start = manifestStart(req);
  if (start.kind !== 'start') return start;
  const scope = new RequestScope(req, start.timing);
  const built = manifestModel(req, start.ref, start.timing, immediateValues(scope), (sets) =>
    checkLimits(sets, req, start.timing),
  );
  if (built.kind !== 'model') return built;
  return {
    kind: 'manifest',
    model: built.model,
    timing: start.timing,
    ...(built.warnings.length > 0 ? { warnings: built.warnings } : {}),
    cacheControl: scope.cacheControl(),
  };
}

export interface ModelOf {
  kind: 'model';
  model: ManifestModel;
  /** Lines for the server's log (drm-events.md §4.1, §8.1). */
  warnings: string[];
  /** The AdaptationSets of every Period, for the size and number limits. */
  sets: AdaptationSetModel[];
}

/**
 * The manifest model, every value that varies from request to request asked through `dyn`
 * (dynamic.ts); everything else is a function of the request without its clock and of the
 * timing's fields that memo.ts keys on. `limits` runs the checks that need the built sets.
 */
export function manifestModel(
  req: ManifestRequest,
  ref: StreamFile,
  timing: ManifestTiming,
  dyn: Dynamic<RequestScope>,
  limits: (sets: AdaptationSetModel[]) => ManifestRefusal | null,
): ModelOf | ManifestRefusal {
  const { stream, template, mode } = req;
  const { options } = req.resolved;
  const live = timing.kind === 'live';
  const liveMode = mode === 'live';
  const streamPath = `/dash/${mode}/${stream.directory}/`;
  const ctx: AddressingContext = {
    timing,
    options,
    ref: ref.index,
    urlPrefix: options.base ? '' : streamPath,
    origin: req.origin,
    // drm-events.md §10.3: fault time positions become segment numbers on child URLs
    queries: {
      video: dyn.text((s) => s.mediaQuery('video')),
      audio: dyn.text((s) => s.mediaQuery('audio')),
      text: dyn.text((s) => s.mediaQuery('text')),
    },
    dyn,
  };
  const generated = template.allTrackTypes && liveMode ? generatedTextFiles(ref.index, options) : [];
  const selected = selectTracks(stream, options, template.allTrackTypes, generated);
  let periods: PeriodModel[];
  let sets: AdaptationSetModel[];
  if (options.periods !== null && timing.kind !== 'static') {
    const layout = automaticPeriods(options, timing, ref.index, selected);
    if (layout.kind === 'InvalidOptions') return layout;
    periods = layout.periods.map(({ index, startMs, durationMs }) => ({
      id: `p${index}`,
      start: formatDuration(startMs),
      ...(durationMs !== null ? { duration: formatDuration(durationMs) } : {}),
      adaptationSets: withThumbnails(
        selected.map((s, i) =>
          adaptationSet(s, i + 1, { ...ctx, period: { index, length: layout.length } }, false),
        ),
        { ...ctx, period: { index, length: layout.length } },
      ),
    }));
    sets = periods.flatMap((p) => p.adaptationSets);
  } else {
    sets = selected.map((s, i) => adaptationSet(s, i + 1, ctx, mode === 'odvod'));
    if (mode !== 'odvod') sets = withThumbnails(sets, ctx);
    periods = [
      {
        id: 'p0',
        start: 'PT0S',
        ...(timing.kind !== 'live' ? { duration: formatDuration(presentationMsOf(timing, ref.index)) } : {}),
        adaptationSets: sets,
      },
    ];
  }
  const listed = selected.flatMap((s) => s.files);
  const maxSegMs = Math.max(...listed.map((f) => longestSegmentMs(f.index, ref.index, liveMode)));
  const presentationMs = presentationMsOf(timing, ref.index);

  const location = dyn.text((s) => s.location());
  const utcCount = dyn.shape((s) => s.utcTimings().length);
  const utcTimings = Array.from({ length: utcCount }, (_, i) => ({
    schemeIdUri: dyn.text((s) => s.utcTimings()[i]!.schemeIdUri),
    value: dyn.text((s) => s.utcTimings()[i]!.value),
  }));

  const refusal = limits(sets);
  if (refusal) return refusal;
  const drm = signalDrm(periods, selected, { stream, options, mode, origin: req.origin });
  if ('issues' in drm) return { kind: 'InvalidOptions', issues: drm.issues };
  const eventIssues = eventBoundIssues(stream, options);
  if (eventIssues.length > 0) return { kind: 'InvalidOptions', issues: eventIssues };
  attachEvents(periods, options, timing, presentationMs);

  const model: ManifestModel = {
    template: template.name,
    mode,
    type: live ? 'dynamic' : 'static',
    id: stream.directory,
    title: stream.title,
    publishTime: dyn.text((s) => formatDateTime(s.timing.publishMs)),
    maxSegmentDuration: formatDuration(maxSegMs),
    location,
    ...(drm.used ? { cencNamespace: true } : {}),
    requestUrl: dyn.text((s) => s.req.requestUrl ?? s.location()),
    periods,
    utcTimings,
  };
  if (options.base) model.baseUrl = `${req.origin}${streamPath}`;
  const baseUrls = model.baseUrl ? baseUrlList(model.baseUrl, options.baseurls) : null;
  if (baseUrls) model.baseUrls = baseUrls; // drm-events.md §10.8
  if (timing.kind !== 'static') model.availabilityStartTime = formatDateTime(timing.astMs);
  if (timing.kind === 'live') {
    if (options.patch && liveMode) {
      model.patchLocation = {
        url: dyn.text((s) => s.patchLocation()!.url),
        ttl: dyn.shape((s) => s.patchLocation()!.ttl),
      };
    }
    model.timeShiftBufferDepth = formatDuration(timing.tsbdSeconds * 1000);
    if (timing.mupSeconds !== null) model.minimumUpdatePeriod = formatDuration(timing.mupSeconds * 1000);
    const ato = timing.atoMs;
    if ((ato === 'inf' || ato > 0) && options.ltgt !== null) {
      const target = options.ltgt;
      model.serviceDescription = { target, min: Math.floor(0.75 * target), max: 2 * target };
    }
    if (WRITES_SPD.has(template.name) && options.spd !== -1) {
      model.suggestedPresentationDelay = formatDuration(options.spd ?? 30000);
    }
  } else {
    model.mediaPresentationDuration = formatDuration(presentationMs);
  }
  return { kind: 'model', model, warnings: drm.warnings, sets };
}

export { cacheControl } from './request-scope.js';

const MAX_NUMBER = 4294967296;
const MAX_ESTIMATED_BYTES = 8 * 1024 * 1024;

/** How the limit checks read a set's timelines and start numbers (memo.ts fills recorded ones). */
export interface LimitValues {
  timeline(tl: TimelineS[]): TimelineS[];
  startNumber(text: string): string;
}

const AS_BUILT: LimitValues = { timeline: (tl) => tl, startNumber: (text) => text };

/**
 * 400s that depend on the built sets: a segment number that reaches 2^32 (§7.16, `snr`) and a
 * manifest whose estimated size exceeds 8 MiB (§6.1, `depth`).
 */
export function checkLimits(
  sets: AdaptationSetModel[],
  req: ManifestRequest,
  timing: ManifestTiming,
  values: LimitValues = AS_BUILT,
): ManifestRefusal | null {
  const options = req.resolved.options;
  let bytes = 4096;
  for (const s of sets) {
    for (const r of s.representations) {
      const st = r.segmentTemplate;
      const timeline = st?.timeline ? values.timeline(st.timeline) : undefined;
      const count = timeline?.length ?? r.segmentList?.mediaRanges.length ?? 0;
      bytes += 800 + count * 48;
      if (st?.startNumber !== undefined && timeline) {
        const listed = timeline.reduce((n, e) => n + 1 + (e.r ?? 0), 0);
        if (Number(values.startNumber(st.startNumber)) + listed - 1 >= MAX_NUMBER) return snrIssue(options);
      }
    }
  }
  const ref = timingReferenceOf(req.stream);
  if (ref && options.timeline === 'duration' && req.mode !== 'odvod') {
    const t = trackTiming(ref.index, ref.index, options.snr);
    const last =
      timing.kind === 'live'
        ? numberWindow(t, timing.bufferStartMs, timing.edgeMs).last
        : timing.kind === 'ended'
          ? t.s0 + timing.end.count - 1
          : t.s0 + t.count - 1;
    if (last >= MAX_NUMBER) return snrIssue(options);
  }
  if (bytes > MAX_ESTIMATED_BYTES) {
    const param = options.periods !== null ? 'periods' : 'depth';
    return {
      kind: 'InvalidOptions',
      issues: [
        {
          param,
          value: formatOption(param, options[param]),
          reason: 'expected a value that keeps the manifest under 8 MiB',
        },
      ],
    };
  }
  return null;
}

function snrIssue(options: ManifestRequest['resolved']['options']): ManifestRefusal {
  return {
    kind: 'InvalidOptions',
    issues: [
      {
        param: 'snr',
        value: formatOption('snr', options.snr),
        reason: 'expected a start number that keeps every listed number below 2^32',
      },
    ],
  };
}

function presentationMsOf(timing: ManifestTiming, ref: MediaIndex): number {
  return timing.kind === 'ended'
    ? timing.end.lengthMs
    : Math.round((ref.mediaDuration * 1000) / ref.timescale);
}

interface PeriodLayout {
  kind: 'layout';
  length: Ratio;
  periods: { index: number; startMs: number; durationMs: number | null }[];
}

/** §7.15: checks the Period length and lists the Periods of the manifest. */
function automaticPeriods(
  options: ManifestRequest['resolved']['options'],
  timing: LiveManifestTiming | EndedManifestTiming,
  ref: MediaIndex,
  selected: SelectedSet[],
): PeriodLayout | { kind: 'InvalidOptions'; issues: OptionIssue[] } {
  const spec = options.periods!;
  const value = formatOption('periods', spec);
  const invalid = (reason: string) => ({
    kind: 'InvalidOptions' as const,
    issues: [{ param: 'periods' as const, value, reason }],
  });
  const length = periodLength(spec);
  const durations: Ratio[] = [addressingSeconds(ref, ref.segments.length - 1)];
  if (options.timeline === 'duration') {
    for (const s of selected)
      durations.push(addressingSeconds(ref, (s.files[0]?.index.segments.length ?? 2) - 1));
  }
  if (options.thumbnails) {
    const d = addressingSeconds(ref, ref.segments.length - 1);
    durations.push({ num: 4n * d.num, den: d.den });
  }
  if (!durations.every((d) => isMultiple(length, d))) {
    return invalid(
      `expected a Period length that is a multiple of every segment duration (the smallest valid length is ${ratioText(smallestCommonLength(durations))} s)`,
    );
  }
  const lengthMs = (n: bigint) => (n * length.den + length.num * 1000n - 1n) / (length.num * 1000n); // ceil(n ms / L)
  if (timing.kind === 'live') {
    if (timing.mupSeconds === null)
      return invalid(
        'expected a stream with a minimumUpdatePeriod (mup > 0): Periods are announced by MPD updates',
      );
    if (timing.atoMs === 'inf') return invalid('expected no ato=inf with automatic Periods');
    const span = BigInt(
      (options.depth === 0 ? 60 : options.depth) * 1000 + timing.mupSeconds * 1000 + timing.atoMs,
    );
    if (lengthMs(span) + 1n > 1000n)
      return invalid('expected at most 1000 Periods in a manifest: use longer Periods or a smaller depth');
    const limit = timing.elapsedMs + timing.mupSeconds * 1000 + timing.atoMs;
    const ends = timing.end?.lengthMs ?? null;
    return {
      kind: 'layout',
      length,
      periods: listedPeriods(length, timing.bufferStartMs, limit, ends).map((index) => ({
        index,
        startMs: periodStartMs(length, index),
        durationMs: options.periodDur
          ? periodStartMs(length, index + 1) - periodStartMs(length, index)
          : null,
      })),
    };
  }
  // the event's 1000-Period bound is checked with its end (timing/presentation.ts, §7.14)
  const z = timing.end.lengthMs;
  const listed = listedPeriods(length, 0, z, z);
  return {
    kind: 'layout',
    length,
    periods: listed.map((index, i) => {
      const startMs = periodStartMs(length, index);
      const last = i === listed.length - 1;
      return {
        index,
        startMs,
        durationMs: last
          ? z - startMs
          : options.periodDur
            ? periodStartMs(length, index + 1) - startMs
            : null,
      };
    }),
  };
}

/** Appends the thumbnail set (§11.2) when `thumbnails=1`, after every other set. */
function withThumbnails(sets: AdaptationSetModel[], ctx: AddressingContext): AdaptationSetModel[] {
  return ctx.options.thumbnails ? [...sets, thumbnailSet(ctx, sets.length + 1)] : sets;
}
