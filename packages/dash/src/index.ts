/**
 * @loopcast/dash — the pure streaming core (dash.md): option registry and parsing, timing
 * model, templates and manifest building, segment planning, UTC timing. No clock, no I/O.
 */
export type { StreamModel, StreamFile } from './stream.js';
export { representationIdOf, timingReferenceOf, findRepresentation } from './stream.js';

// options
export type { OptionRow, OptionIssue, Usage } from './options/row.js';
export { issueMessage } from './options/row.js';
export type { Options, OptionParam } from './options/registry.js';
export {
  OPTION_REGISTRY,
  OPTION_PARAMS,
  optionRow,
  registryDefaults,
  formatOption,
} from './options/registry.js';
export type { ResolveInput, ResolvedOptions, RequestKind, QueryInput } from './options/parse.js';
export {
  resolveOptions,
  parseStreamDefaults,
  validateStreamDefaults,
  requestClock,
} from './options/parse.js';
export { childQuery, canonicalQuery, encodeQueryValue } from './options/child-url.js';
export type { CgiOptionEntry, ManifestEntry } from './options/documents.js';
export { cgiOptionsDocument, manifestsDocument } from './options/documents.js';
export type { DrmItem, UtcMethod, TimelineMode, AvailabilityStartSpec } from './options/domain-codecs.js';

// templates and manifests
export type { Mode, TemplateName, TemplateEntry } from './templates/registry.js';
export { TEMPLATES, TEMPLATE_NAMES, findTemplate } from './templates/registry.js';
export type { ManifestModel } from './manifest/model.js';
export type { ManifestRequest, ManifestRefusal, BuiltManifest } from './manifest/build.js';
export { buildManifestModel, cacheControl } from './manifest/build.js';
export { renderManifest } from './manifest/render.js';
export type { ManifestAnswer } from './manifest/manifest.js';
export { buildManifest } from './manifest/manifest.js';

// timing
export { resolveAvailabilityStart, manifestClock } from './timing/availability-start.js';
export { manifestTiming } from './timing/presentation.js';
export { missingFromTimeline } from './timing/timeline-loss.js';
export type { ManifestTiming, LiveManifestTiming, StaticManifestTiming } from './timing/presentation.js';
export { formatDuration, formatDateTime } from './timing/durations.js';

// segments
export type {
  SegmentAddress,
  SegmentPlan,
  InitSegmentPlan,
  MediaSegmentPlan,
  SegmentRefusal,
  InsertedBox,
} from './segments/plan.js';
export { planSegment, isRefusal } from './segments/plan.js';
export * from './low-latency/chunks.js';
export type { ThumbnailPlan } from './segments/plan.js';
export { THUMBNAIL_JPEG, THUMBNAIL_ID } from './thumbnails.js';
export type { GeneratedCue, GeneratedFormat, WvttSample } from './generated-text.js';
export { generatedCues, ttmlDocument, wvttSamples, mediaClockTime } from './generated-text.js';

// routes and time
export type { StreamingPath, SegmentExtension } from './routes/paths.js';
export { parseStreamingPath, legacyManifestTarget, segmentContentType } from './routes/paths.js';
export type { TimeSource, TimeResponse, UtcTimingElement } from './utc-timing.js';
export { timeResponse, utcTimingElements, isoWeekDate, ntpTimestamp, TIME_SOURCES } from './utc-timing.js';
export { supportedCombinations, type CombinationOptions } from './options/combinations.js';

// multi-period streams (drm-events.md §12)
export * from './multi-period/index.js';

// drm (drm-events.md §2–§8)
export * from './drm/index.js';

// validator fetcher (validator.md §6)
export * from './validator/fetch/index.js';
// validator checks, runner and report (validator.md §2–§4)
export * from './validator/index.js';

// events and faults (drm-events.md §9, §10)
export {
  eventGenerators,
  eventsIn,
  eventTime,
  type EventGenerator,
  type EventKind,
} from './events/generators.js';
export { spliceInfoSection, crc32Mpeg2, type Scte35Event, type SpliceCommandName } from './events/scte35.js';
export { carriesEvents, inbandEmsg, eventBoundIssues, MAX_EMSG_PER_SEGMENT } from './events/inband.js';
export * from './faults/index.js';
export * from './patch/index.js';
