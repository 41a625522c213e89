/**
 * AdaptationSets and Representations of the manifest model (dash.md §5.3, §6.1): derived
 * attributes (par, max sizes, bandwidth ranges, shared codecs) and addressing per set.
 */
import type { StreamFile } from '../stream.js';
import { representationIdOf } from '../stream.js';
import { staticSegments, timelineEntries } from '../timing/timeline.js';
import { sameTiming, trackTiming, type TrackTiming } from '../timing/track.js';
import { continuousAt, periodStartMs } from '../timing/periods.js';
import { formatDateTime } from '../options/codec.js';
import {
  dynamicOf,
  resyncDistance,
  segmentListFor,
  segmentTemplateFor,
  type AddressingContext,
} from './addressing.js';
import type { AdaptationSetModel, RepresentationModel, SegmentTemplateModel } from './model.js';
import type { SelectedSet } from './tracks.js';

function gcdNum(a: number, b: number): number {
  return b === 0 ? a : gcdNum(b, a % b);
}

function frameRateValue(text: string): number {
  const [n, d] = text.split('/').map(Number);
  return (n ?? 0) / (d ?? 1);
}

/** Reduced ratio of width × SAR to height (§6.1). */
export function pictureAspectRatio(width: number, height: number, sar: string): string {
  const [sn, sd] = sar.split(':').map(Number);
  const w = width * (sn || 1);
  const h = height * (sd || 1);
  const g = gcdNum(w, h) || 1;
  return `${w / g}:${h / g}`;
}

/**
 * SegmentTemplates already built for this set, by the inputs they depend on: the content type
 * and the track's timing. Representations of a ladder usually share both, so the template (a
 * timeline of hundreds of S elements, in live) is built once and shared by identity.
 */
type TemplateCache = { contentType: string; timing: TrackTiming; template: SegmentTemplateModel }[];

function templateFor(file: StreamFile, ctx: AddressingContext, cache: TemplateCache): SegmentTemplateModel {
  const timing = trackTiming(file.index, ctx.ref, ctx.options.snr);
  const contentType = file.index.contentType;
  for (const c of cache) if (c.contentType === contentType && sameTiming(c.timing, timing)) return c.template;
  const template = segmentTemplateFor(file, ctx);
  cache.push({ contentType, timing, template });
  return template;
}

function representation(
  file: StreamFile,
  ctx: AddressingContext,
  odvod: boolean,
  templates: TemplateCache,
): RepresentationModel {
  const ix = file.index;
  const rep: RepresentationModel = {
    id: representationIdOf(file.name),
    mimeType: ix.mimeType,
    codecs: ix.codecs,
    bandwidth: ix.bitrate,
  };
  if (ix.video) {
    rep.width = ix.video.width;
    rep.height = ix.video.height;
    rep.frameRate = ix.video.frameRate;
    rep.sar = ix.video.sar;
  }
  if (ix.audio) {
    rep.audioSamplingRate = ix.audio.sampleRate;
    rep.channels = ix.audio.channels;
  }
  if (odvod) Object.assign(rep, segmentListFor(file, ctx));
  else rep.segmentTemplate = templateFor(file, ctx, templates);
  return rep;
}

function common<T>(values: T[]): T | undefined {
  const first = values[0];
  const firstText = values.every((v) => v === first) ? null : JSON.stringify(first);
  return firstText === null || values.every((v) => v === first || JSON.stringify(v) === firstText)
    ? first
    : undefined;
}

export function adaptationSet(
  set: SelectedSet,
  group: number,
  ctx: AddressingContext,
  odvod: boolean,
): AdaptationSetModel {
  const templates: TemplateCache = [];
  const reps = set.files
    .map((f) => representation(f, ctx, odvod, templates))
    .sort((a, b) => a.bandwidth - b.bandwidth);
  // whether Representations share one SegmentTemplate compares timelines, which move with the
  // clock: a recorded document (dynamic.ts) cannot take that decision once for every request
  dynamicOf(ctx).require(templates.length <= 1, 'Representations with different timelines');
  const first = set.files[0]!.index;
  const bandwidths = reps.map((r) => r.bandwidth);
  const model: AdaptationSetModel = {
    id: set.trackId,
    group,
    contentType: set.contentType,
    mimeType: first.mimeType,
    minBandwidth: Math.min(...bandwidths),
    maxBandwidth: Math.max(...bandwidths),
    representations: reps,
  };
  if (first.language) model.lang = first.language;
  const codecs = common(reps.map((r) => r.codecs));
  if (codecs !== undefined) model.codecs = codecs;
  if (set.role) model.role = set.role;
  if (set.accessibility) model.accessibility = set.accessibility;
  if (set.contentType === 'video') {
    const largest = [...set.files].sort(
      (a, b) =>
        (b.index.video?.width ?? 0) * (b.index.video?.height ?? 0) -
        (a.index.video?.width ?? 0) * (a.index.video?.height ?? 0),
    )[0]!.index.video;
    const widths = reps.map((r) => r.width ?? 0);
    const heights = reps.map((r) => r.height ?? 0);
    model.minWidth = Math.min(...widths);
    model.maxWidth = Math.max(...widths);
    model.minHeight = Math.min(...heights);
    model.maxHeight = Math.max(...heights);
    model.maxFrameRate = reps
      .map((r) => r.frameRate ?? '0')
      .reduce((m, f) => (frameRateValue(f) > frameRateValue(m) ? f : m));
    if (largest) model.par = pictureAspectRatio(largest.width, largest.height, largest.sar);
  }
  if (set.contentType === 'audio') {
    const ch = common(reps.map((r) => r.channels));
    if (ch !== undefined) model.channels = ch;
    const sr = common(reps.map((r) => r.audioSamplingRate));
    if (sr !== undefined) model.audioSamplingRate = sr;
  }
  if (ctx.timing.kind === 'live' && ctx.options.chunkdur !== null) {
    const chunkMs = ctx.options.chunkdur;
    const st = reps[0]?.segmentTemplate;
    model.producerReferenceTime = {
      wallClockTime: formatDateTime(
        ctx.timing.astMs + (ctx.period ? periodStartMs(ctx.period.length, ctx.period.index) : 0),
      ),
      presentationTime: st?.presentationTimeOffset ?? '0',
      utcTiming: { schemeIdUri: 'urn:mpeg:dash:utc:http-xsdate:2014', value: `${ctx.origin}/time/xsd` },
    };
    const byRep = set.files.map((f) => resyncDistance(f.index, ctx.ref, chunkMs, ctx.options.timeline));
    const same = common(byRep);
    if (same !== undefined && same !== null) model.resyncDT = same;
    else if (same === undefined) {
      const byId = new Map(set.files.map((f, i) => [representationIdOf(f.name), byRep[i]]));
      for (const r of reps) {
        const dT = byId.get(r.id);
        if (dT) r.resyncDT = dT;
      }
    }
  }
  if (ctx.period && ctx.period.index > 0 && ctx.options.continuous) {
    const { index, length } = ctx.period;
    const continuous = set.files.every((f) =>
      continuousAt(trackTiming(f.index, ctx.ref, null), length, index),
    );
    model.periodContinuity = {
      schemeIdUri: `urn:mpeg:dash:period-${continuous ? 'continuity' : 'connectivity'}:2015`,
      value: `p${index - 1}`,
    };
  }
  const shared = common(reps.map((r) => r.segmentTemplate));
  if (shared) model.segmentTemplate = shared;
  if (odvod) {
    const t = trackTiming(first, ctx.ref, null);
    model.segmentDurations = {
      timescale: t.ts.toString(),
      entries: timelineEntries(staticSegments(t), 0n).map((e) => ({
        d: e.d.toString(),
        ...(e.r ? { r: e.r } : {}),
      })),
    };
  }
  return model;
}
