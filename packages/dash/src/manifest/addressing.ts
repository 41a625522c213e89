/**
 * Addressing of one Representation (dash.md §6.1, §7.7, §7.8, §9.5): a SegmentTemplate with
 * `@duration` or a SegmentTimeline for live and vod, a SegmentList of byte ranges for odvod.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { Options } from '../options/registry.js';
import { formatSecondsMs } from '../options/codec.js';
import type { StreamFile } from '../stream.js';
import { representationIdOf } from '../stream.js';
import { durationAddressing } from '../timing/addressing.js';
import type { EndedManifestTiming, LiveManifestTiming, ManifestTiming } from '../timing/presentation.js';
import {
  boundedTimeline,
  isRegularTrack,
  liveSegments,
  staticSegments,
  timelineEntries,
  timelineBounds,
  type BoundedTimeline,
  type PeriodTicks,
  type TimelineEntry,
} from '../timing/timeline.js';
import { liveSegment, trackTiming, type LiveSegment, type TrackTiming } from '../timing/track.js';
import { numberWindow } from '../timing/window.js';
import { startsBeforeEnd, type EventEnd } from '../timing/event-end.js';
import type { Ratio } from '../timing/exact.js';
import { loopAt } from '../timing/track.js';
import { gappedTimeline, timelineLossFilter } from '../timing/timeline-loss.js';
import { immediateValues, timingScope, type Dynamic, type WindowScope } from './dynamic.js';
import type { SegmentListModel, SegmentTemplateModel, TimelineS } from './model.js';

export type MediaType = 'video' | 'audio' | 'text';

export interface AddressingContext {
  timing: ManifestTiming;
  options: Options;
  ref: MediaIndex;
  /** '' with base=1; `/dash/<mode>/<stream>/` with base=0. */
  urlPrefix: string;
  /** Scheme and host of loopcast's own URLs. */
  origin: string;
  /** Automatic Period j of length L (§7.15); absent for a single Period. */
  period?: { index: number; length: Ratio };
  /** Child query per content type (§4.4), '' or `?…`. */
  queries: Record<MediaType, string>;
  /** How values that vary with the clock are asked for (dynamic.ts); default: evaluated at once. */
  dyn?: Dynamic;
}

/** The context's `dyn`, or values evaluated at once with its timing. */
export function dynamicOf(ctx: AddressingContext): Dynamic {
  return ctx.dyn ?? immediateValues(timingScope(ctx.timing));
}

export const EXTENSION: Record<MediaType, string> = { video: 'm4v', audio: 'm4a', text: 'mp4' };

function sEntries(entries: TimelineEntry[]): TimelineS[] {
  return entries.map((e) => ({
    ...(e.t !== undefined ? { t: e.t.toString() } : {}),
    d: e.d.toString(),
    ...(e.r ? { r: e.r } : {}),
  }));
}

/** startNumber text, left out where `snr=-1` and the value is 1 (§7.16). */
function startNumberText(options: Options, n: number): string | undefined {
  return options.snr === -1 && n === 1 ? undefined : String(n);
}

export function segmentTemplateFor(file: StreamFile, ctx: AddressingContext): SegmentTemplateModel {
  const type = file.index.contentType;
  const ext = EXTENSION[type];
  const query = ctx.queries[type];
  const t = trackTiming(file.index, ctx.ref, ctx.options.snr);
  const timeline = ctx.options.timeline;
  const media =
    timeline === 'time'
      ? `${ctx.urlPrefix}$RepresentationID$/time/$Time$.${ext}${query}`
      : `${ctx.urlPrefix}$RepresentationID$/$Number$.${ext}${query}`;
  const base = { initialization: `${ctx.urlPrefix}$RepresentationID$/init.${ext}${query}`, media };
  const ato = ctx.timing.kind === 'live' ? ctx.timing.atoMs : 0; // none once an event has ended
  const atoAttr = {
    ...(ato === 'inf'
      ? { availabilityTimeOffset: 'INF' }
      : ato > 0
        ? { availabilityTimeOffset: formatSecondsMs(ato) }
        : {}),
    ...(ctx.timing.kind === 'live' && ctx.options.chunkdur !== null
      ? { availabilityTimeComplete: 'false' }
      : {}),
  };
  const period = ctx.period;
  if (timeline === 'duration') {
    const a = durationAddressing(t);
    let first = t.s0;
    let pto = t.t0 * a.scale;
    if (period) {
      // j·L is a whole number of addressing durations (checked when the Periods were laid out)
      const j = BigInt(period.index);
      const perPeriod =
        (period.length.num * t.ts * t.addressing.den) / (period.length.den * t.addressing.num);
      first = t.s0 + Number(j * perPeriod);
      pto += (j * period.length.num * t.ts * a.scale) / period.length.den;
    }
    const sn = startNumberText(ctx.options, first);
    return {
      timescale: a.timescale.toString(),
      duration: a.duration.toString(),
      ...(sn !== undefined ? { startNumber: sn } : {}),
      presentationTimeOffset: pto.toString(),
      ...base,
      ...atoAttr,
    };
  }
  let pto = t.t0;
  let periodTicks: PeriodTicks | null = null;
  if (period) {
    const j = BigInt(period.index);
    const den = period.length.den;
    periodTicks = { lo: j * period.length.num * t.ts, hi: (j + 1n) * period.length.num * t.ts, den };
    pto += periodTicks.lo / den;
  }
  // gaps (drm-events.md §10.10) are listed segment by segment
  const keep = ctx.timing.kind === 'static' ? null : timelineLossFilter(ctx.options, type, t);
  const gaps = keep ? { keep, numbers: timeline === 'number' } : null;
  const byBounds = ctx.timing.kind !== 'static' && isRegularTrack(t) && !gaps;
  // the listed segments move with the clock: one computation per request for the timeline and
  // its startNumber
  const dyn = dynamicOf(ctx);
  const window = {};
  const listedAt = (s: WindowScope): BoundedTimeline =>
    s.once(window, () => {
      const timing = s.timing;
      return byBounds && timing.kind !== 'static'
        ? listedByBounds(t, timing, periodTicks)
        : listedBySegments(t, timing, periodTicks, gaps);
    });
  if (periodTicks && timeline === 'number' && dyn.shape((s) => listedAt(s).timeline.length === 0)) {
    const { lo, den } = periodTicks;
    const firstAfter = firstSegmentFrom(t, (lo + den - 1n) / den);
    const sn = startNumberText(ctx.options, firstAfter);
    return {
      timescale: t.ts.toString(),
      ...(sn !== undefined ? { startNumber: sn } : {}),
      presentationTimeOffset: pto.toString(),
      ...base,
      timeline: [],
      ...atoAttr,
    };
  }
  const sn =
    timeline === 'number'
      ? dyn.text((s) => startNumberText(ctx.options, firstNumberOf(t, listedAt(s), s.timing)))
      : undefined;
  return {
    timescale: t.ts.toString(),
    ...(sn !== undefined ? { startNumber: sn } : {}),
    presentationTimeOffset: pto.toString(),
    ...base,
    timeline: dyn.timeline((s) => listedAt(s).timeline),
    ...atoAttr,
  };
}

/** The number of the first listed segment (§7.7, §7.16). */
function firstNumberOf(t: TrackTiming, listed: BoundedTimeline, timing: ManifestTiming): number {
  return (
    listed.firstNumber ??
    (timing.kind === 'ended' ? t.s0 : undefined) ??
    (timing.kind === 'live' ? numberWindow(t, timing.bufferStartMs, timing.edgeMs).first : t.s0)
  );
}

/** The listed segments of a live or ended timeline, loop by loop (`boundedTimeline`). */
function listedByBounds(
  t: TrackTiming,
  timing: LiveManifestTiming | EndedManifestTiming,
  period: PeriodTicks | null,
): BoundedTimeline {
  const bounds = timelineBounds(t, {
    live: timing.kind === 'live' ? timing : null,
    end: timing.end,
    period,
  });
  return boundedTimeline(t, bounds, t.t0);
}

/** The same, segment by segment: static timelines and tracks `boundedTimeline` cannot take. */
function listedBySegments(
  t: TrackTiming,
  timing: ManifestTiming,
  period: PeriodTicks | null,
  gaps: { keep: (s: { loop: number; k: number }) => boolean; numbers: boolean } | null = null,
): BoundedTimeline {
  let segments: { position: bigint; duration: bigint; number: number; k: number; loop?: number }[];
  if (timing.kind === 'live') {
    segments = liveSegments(t, timing.bufferStartMs, timing.edgeMs);
    const end = timing.end;
    if (end) segments = segments.filter((s) => startsBeforeEnd(t, s.position, end));
  } else if (timing.kind === 'ended') {
    segments = eventSegments(t, timing.end);
  } else {
    segments = staticSegments(t);
  }
  if (period) {
    const { lo, hi, den } = period;
    segments = segments.filter((s) => s.position * den < hi && (s.position + s.duration) * den > lo);
  }
  if (gaps) {
    const kept = segments.filter((s) => gaps.keep({ loop: s.loop ?? 0, k: s.k }));
    return { timeline: gappedTimeline(kept, t.t0, gaps.numbers), firstNumber: kept[0]?.number ?? null };
  }
  return { timeline: sEntries(timelineEntries(segments, t.t0)), firstNumber: segments[0]?.number ?? null };
}

/** Number of the first segment starting at or after tick position b. */
function firstSegmentFrom(t: TrackTiming, b: bigint): number {
  for (let loop = Math.max(0, loopAt(t, b) - 1); ; loop++) {
    for (let k = 1; k <= t.count; k++) {
      const s = liveSegment(t, loop, k);
      if (s.position >= b) return s.number;
    }
  }
}

/** Every segment (l, k) of an ended event that starts before Z, from the first (§7.14). */
export function eventSegments(t: TrackTiming, end: EventEnd): LiveSegment[] {
  const out: LiveSegment[] = [];
  for (let loop = 0; ; loop++) {
    for (let k = 1; k <= t.count; k++) {
      const s = liveSegment(t, loop, k);
      if (!startsBeforeEnd(t, s.position, end)) return out;
      out.push(s);
    }
  }
}

/** odvod: BaseURL and SegmentList with the index's byte ranges (§9.5). */
export function segmentListFor(
  file: StreamFile,
  ctx: AddressingContext,
): { baseUrl: string; segmentList: SegmentListModel } {
  const type = file.index.contentType;
  const t = trackTiming(file.index, ctx.ref, null);
  const range = (s: { pos: number; size: number }) => `${s.pos}-${s.pos + s.size - 1}`;
  const init = file.index.segments[0] ?? { pos: 0, size: 0 };
  const common = {
    initializationRange: range(init),
    mediaRanges: file.index.segments.slice(1).map(range),
  };
  const baseUrl = `${ctx.urlPrefix}${representationIdOf(file.name)}.${EXTENSION[type]}${ctx.queries[type]}`;
  if (ctx.options.timeline === 'duration') {
    const a = durationAddressing(t);
    return {
      baseUrl,
      segmentList: { timescale: a.timescale.toString(), duration: a.duration.toString(), ...common },
    };
  }
  return {
    baseUrl,
    segmentList: {
      timescale: t.ts.toString(),
      timeline: sEntries(timelineEntries(staticSegments(t), t.t0)),
      ...common,
    },
  };
}

/**
 * Resync@dT (§10.2): the longest distance between chunk starts, ceil(C·ts / sd) × sd, in the
 * SegmentTemplate's timescale; null when the samples differ in duration.
 */
export function resyncDistance(
  index: MediaIndex,
  ref: MediaIndex,
  chunkMs: number,
  timeline: Options['timeline'],
): string | null {
  if (index.sampleDuration === null || index.sampleDuration <= 0) return null;
  const t = trackTiming(index, ref, null);
  const sd = BigInt(index.sampleDuration);
  const chunkTicks = BigInt(chunkMs) * t.ts;
  const samples = (chunkTicks + 1000n * sd - 1n) / (1000n * sd);
  const scale = timeline === 'duration' ? durationAddressing(t).scale : 1n;
  return (samples * sd * scale).toString();
}

/** Longest segment of a track in ms, rounded up; live includes the loop correction (§6.1). */
export function longestSegmentMs(index: MediaIndex, ref: MediaIndex, live: boolean): number {
  const t: TrackTiming = trackTiming(index, ref, null);
  let memo = LONGEST.get(t);
  if (!memo) LONGEST.set(t, (memo = {}));
  return (memo[live ? 'live' : 'static'] ??= computeLongestSegmentMs(t, live));
}

/** Per track timing (itself memoised per index): the answer depends on nothing else. */
const LONGEST = new WeakMap<TrackTiming, { live?: number; static?: number }>();

function computeLongestSegmentMs(t: TrackTiming, live: boolean): number {
  let longest = t.dur.reduce((m, d) => (d > m ? d : m), 0n);
  if (live) {
    for (const loop of [0, 1]) {
      const d = liveSegment(t, loop, t.count).duration;
      if (d > longest) longest = d;
    }
  }
  return Number((longest * 1000n + t.ts - 1n) / t.ts);
}
