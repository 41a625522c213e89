/**
 * The typed manifest model every template renders (dash.md §6). Values are final text (numbers
 * already formatted) so templates hold no logic beyond loops and conditionals.
 */
import type { Mode, TemplateName } from '../templates/registry.js';
import type { ContentProtectionModel } from '../drm/signalling.js';
import type { EventStreamModel, InbandEventStreamModel } from '../events/mpd.js';
import type { BaseUrlEntry } from '../faults/baseurls.js';

export interface TimelineS {
  t?: string;
  /** `S@n` after a gap with `timeline=number` (drm-events.md §10.10). */
  n?: string;
  d: string;
  r?: number;
}

export interface SegmentTemplateModel {
  timescale: string;
  duration?: string;
  startNumber?: string;
  presentationTimeOffset: string;
  /** Absent for thumbnails. */
  initialization?: string;
  media: string;
  timeline?: TimelineS[];
  availabilityTimeOffset?: string;
  /** `false` with chunked delivery (§10.2). */
  availabilityTimeComplete?: string;
}

export interface SegmentListModel {
  timescale: string;
  duration?: string;
  timeline?: TimelineS[];
  initializationRange: string;
  mediaRanges: string[];
}

export interface RepresentationModel {
  id: string;
  mimeType: string;
  codecs: string;
  bandwidth: number;
  width?: number;
  height?: number;
  frameRate?: string;
  sar?: string;
  audioSamplingRate?: number;
  channels?: number;
  /** Live and vod: this Representation's own SegmentTemplate. */
  segmentTemplate?: SegmentTemplateModel;
  /** odvod: `<rep>.<ext>[?query]`. */
  baseUrl?: string;
  segmentList?: SegmentListModel;
  /** Resync@dT when the set's Representations disagree (§10.2). */
  resyncDT?: string;
}

export interface AdaptationSetModel {
  id: number;
  /** 1, 2, … in document order. */
  group: number;
  contentType: 'video' | 'audio' | 'text' | 'image';
  mimeType: string;
  lang?: string;
  /** The codecs string when every Representation shares it. */
  codecs?: string;
  role?: 'main' | 'alternate';
  /** A multi-period track's DASH role, written for any content type (drm-events.md §12.1). */
  dashRole?: string;
  /** AudioPurposeCS value (1 audio description, 2 hard-of-hearing subtitles). */
  accessibility?: string;
  /** Channel count when every Representation shares it. */
  channels?: number;
  audioSamplingRate?: number;
  minWidth?: number;
  maxWidth?: number;
  minHeight?: number;
  maxHeight?: number;
  maxFrameRate?: string;
  par?: string;
  minBandwidth: number;
  maxBandwidth: number;
  /** period-continuity or period-connectivity SupplementalProperty (§7.15). */
  periodContinuity?: { schemeIdUri: string; value: string };
  /** Low latency (§10.2): ProducerReferenceTime and a shared Resync@dT. */
  producerReferenceTime?: { wallClockTime: string; presentationTime: string; utcTiming: UtcTimingModel };
  resyncDT?: string;
  /** The DRM block of an encrypted set (drm-events.md §4). */
  contentProtection?: ContentProtectionModel[];
  /** In-band events carried by this set (drm-events.md §9.3). */
  inbandEventStreams?: InbandEventStreamModel[];
  /** The shared SegmentTemplate, when all Representations agree (§6.1). */
  segmentTemplate?: SegmentTemplateModel;
  /** manifest_vod_aiv: run-length coded real durations. */
  segmentDurations?: { timescale: string; entries: TimelineS[] };
  representations: RepresentationModel[];
}

export interface PeriodModel {
  id: string;
  /** A Period's own BaseURL (multi-period streams, drm-events.md §12.6). */
  baseUrl?: string;
  start: string;
  duration?: string;
  /** MPD events (drm-events.md §9.4). */
  eventStreams?: EventStreamModel[];
  adaptationSets: AdaptationSetModel[];
}

export interface UtcTimingModel {
  schemeIdUri: string;
  value: string;
}

export interface ManifestModel {
  template: TemplateName;
  mode: Mode;
  type: 'static' | 'dynamic';
  id: string;
  title: string;
  availabilityStartTime?: string;
  publishTime: string;
  minimumUpdatePeriod?: string;
  timeShiftBufferDepth?: string;
  suggestedPresentationDelay?: string;
  mediaPresentationDuration?: string;
  maxSegmentDuration: string;
  /** `http(s)://host/dash/<mode>/<stream>/` with `base=1`, else absent. */
  baseUrl?: string;
  /** `baseurls` ≥ 2: the BaseURLs `<baseUrl>bu{i}/` replacing `baseUrl` (drm-events.md §10.8). */
  baseUrls?: BaseUrlEntry[];
  /** Canonical manifest URL (pinned start, update+1). */
  location: string;
  /** `xmlns:cenc` on the MPD: some set has a DRM block (drm-events.md §4.5). */
  cencNamespace?: boolean;
  /** MPD patch (drm-events.md §11.1). */
  patchLocation?: { url: string; ttl: number };
  /** Low-latency ServiceDescription (§10.2). */
  serviceDescription?: { target: number; min: number; max: number };
  /** The request URL as received (manifest_e's second Location). */
  requestUrl: string;
  periods: PeriodModel[];
  utcTimings: UtcTimingModel[];
}
