/**
 * The one table of validator checks (validator.md §4): code, severity, clause and rule. Messages,
 * docs and tests come from it; a check can only raise a code listed here. Codes never change
 * meaning (§1).
 */
import type { Severity } from './types.js';

export interface CheckRow {
  severity: Severity;
  /** ISO/IEC 23009-1 unless another standard is named. */
  clause?: string;
  rule: string;
}

const E = 'error' as const;
const W = 'warning' as const;
const I = 'info' as const;
const M = (c: string): string => `ISO/IEC 23009-1 ${c}`;
const BMFF = (c: string): string => `ISO/IEC 14496-12 ${c}`;
const CENC = (c: string): string => `ISO/IEC 23001-7 ${c}`.trim();

const row = (severity: Severity, rule: string, clause?: string): CheckRow =>
  clause === undefined ? { severity, rule } : { severity, rule, clause };

export const CHECKS = {
  // §4.1 document
  DOC_FETCH: row(E, 'The manifest answers 200 within the fetch limits'),
  DOC_CONTENT_TYPE: row(W, 'Content-Type is application/dash+xml', M('Annex C')),
  DOC_XML: row(E, 'Well-formed XML, UTF-8, no DOCTYPE'),
  DOC_ROOT: row(E, 'Root element MPD in namespace urn:mpeg:dash:schema:mpd:2011', M('5.3.1')),
  DOC_XSD: row(E, 'Valid against the configured schema (xmllint, else xmllint-wasm in process)', M('5.3')),
  DOC_XLINK: row(W, 'xlink:href elements are not followed', M('5.5')),
  DOC_UNKNOWN: row(I, 'Elements or attributes the 5th edition does not define'),
  // §4.2 MPD element
  MPD_PROFILES: row(E, '@profiles present; each a URI', M('5.3.1.2')),
  MPD_PROFILE_UNKNOWN: row(I, 'A profile other than the well-known ones', M('8')),
  MPD_TYPE: row(E, '@type is static or dynamic', M('5.3.1.2')),
  MPD_MIN_BUFFER: row(E, '@minBufferTime present and non-negative', M('5.3.1.2')),
  MPD_DURATIONS: row(E, 'Every xs:duration and xs:dateTime attribute parses', M('5.3.1.2')),
  MPD_DYNAMIC_AST: row(E, 'dynamic ⇒ @availabilityStartTime', M('5.3.1.2')),
  MPD_DYNAMIC_PUBLISH: row(W, 'dynamic ⇒ @publishTime', M('5.3.1.2')),
  MPD_DYNAMIC_TSBD: row(W, 'dynamic without @timeShiftBufferDepth: infinite time-shift buffer', M('5.3.1.2')),
  MPD_DYNAMIC_ID: row(W, 'dynamic ⇒ @id', M('5.3.1.2, 5.15')),
  MPD_STATIC_DURATION: row(E, 'static ⇒ @mediaPresentationDuration or a last Period @duration', M('5.3.1.2')),
  MPD_STATIC_NO_MUP: row(E, 'static ⇒ no @minimumUpdatePeriod', M('5.3.1.2')),
  MPD_STATIC_NO_PATCH: row(E, 'static ⇒ no PatchLocation', M('5.15.2')),
  MPD_PERIODS: row(E, 'At least one Period', M('5.3.1.2')),
  MPD_MAX_SEGMENT_DURATION: row(E, 'No listed segment is longer than @maxSegmentDuration', M('5.3.1.2')),
  MPD_BASEURL: row(E, 'Every resolved BaseURL is an absolute http/https URL', M('5.6')),
  MPD_BASEURL_ALTERNATIVES: row(
    W,
    'Alternative BaseURLs: distinct @serviceLocation, positive DVB priority/weight, the same init and first media segment bytes under each',
    M('5.6'),
  ),
  MPD_LOCATION: row(W, 'Location URLs are absolute http/https', M('5.3.1.2')),
  MPD_DYNAMIC_SPD: row(W, '@suggestedPresentationDelay ≤ @timeShiftBufferDepth', M('5.3.1.2')),
  MPD_UTCTIMING: row(W, 'dynamic ⇒ at least one UTCTiming (DASH-IF interoperability)'),
  // §4.3 periods
  PER_ID_LIVE: row(E, 'dynamic ⇒ every Period has @id', M('5.3.2.2')),
  PER_ID_UNIQUE: row(E, 'Period ids unique', M('5.3.2.2')),
  PER_START_FIRST: row(W, 'static: the first Period starts at 0', M('5.3.2.1')),
  PER_START_ORDER: row(E, '@start values strictly increase', M('5.3.2.1')),
  PER_CONTINUITY: row(W, 'Periods meet within 0.2 s', M('5.3.2.1')),
  PER_TOTAL: row(W, 'static: the Periods add up to @mediaPresentationDuration', M('5.3.1.2')),
  PER_SETS: row(W, 'At least one AdaptationSet', M('5.3.2.2')),
  PER_AS_ID_UNIQUE: row(E, 'AdaptationSet ids unique within the Period', M('5.3.3.2')),
  PER_REP_ID_UNIQUE: row(E, 'Representation ids unique within the Period', M('5.3.5.2')),
  // §4.4 adaptation sets
  AS_MIMETYPE: row(E, '@mimeType on the AdaptationSet or every Representation', M('5.3.7.2')),
  AS_CONTENT_TYPE: row(E, '@contentType valid and consistent with @mimeType', M('5.3.3.1, 5.3.4.2')),
  AS_LANG: row(E, '@lang is a well-formed BCP-47 tag', M('5.3.3.2')),
  AS_PAR: row(E, '@par is n:m', M('5.3.4.2')),
  AS_FRAMERATE: row(E, '@frameRate is N or N/D', M('5.3.12.2')),
  AS_BOUNDS: row(E, 'min/max attributes contain every Representation', M('5.3.3.2')),
  AS_ALIGNMENT: row(W, '@segmentAlignment: segment boundaries coincide', M('5.3.3.2')),
  AS_SAP: row(W, '@startWithSAP is 1 or 2', M('5.3.7.2')),
  AS_DESCRIPTOR: row(E, 'Descriptors have @schemeIdUri; DASH roles are known', M('5.8.4')),
  AS_AUDIO_CHANNELS: row(W, 'AudioChannelConfiguration equals the init segment', M('5.8.4')),
  // §4.5 representations
  REP_ID: row(E, '@id present without white space', M('5.3.5.2')),
  REP_BANDWIDTH: row(E, '@bandwidth present and positive', M('5.3.5.2')),
  REP_MIMETYPE: row(E, '@mimeType here or on the set', M('5.3.7.2')),
  REP_CODECS: row(W, '@codecs here or on the set', M('5.3.7.2')),
  REP_VIDEO_SIZE: row(W, 'video: @width and @height', M('5.3.7.2')),
  REP_AUDIO_RATE: row(W, 'audio: @audioSamplingRate', M('5.3.7.2')),
  REP_ADDRESSING: row(E, 'Exactly one addressing form', M('5.3.9')),
  REP_LIVE_TEMPLATE: row(E, 'isoff-live: a SegmentTemplate with @initialization', M('8')),
  REP_SEGMENTS: row(E, 'The addressing yields at least one media segment', M('5.3.9')),
  // §4.6 segment addressing
  SEG_TEMPLATE_IDS: row(E, 'Template identifiers valid', M('5.3.9.4.4')),
  SEG_TEMPLATE_DURATION: row(E, 'Without a SegmentTimeline, @duration present and positive', M('5.3.9')),
  SEG_DURATION_AND_TIMELINE: row(E, '@duration and a SegmentTimeline not both', M('5.3.9')),
  SEG_TIMESCALE: row(E, '@timescale positive integer', M('5.3.9')),
  SEG_START_NUMBER: row(E, '@startNumber non-negative integer', M('5.3.9')),
  SEG_TIMELINE_FIRST_T: row(W, 'The first S has @t', M('5.3.9.6')),
  SEG_TIMELINE_ORDER: row(E, 'No overlap in the SegmentTimeline', M('5.3.9.6')),
  SEG_TIMELINE_GAP: row(W, 'No gap in the SegmentTimeline', M('5.3.9.6')),
  SEG_TIMELINE_R: row(E, '@r ≥ −1, −1 only where allowed', M('5.3.9.6')),
  SEG_TIMELINE_D: row(E, '@d positive', M('5.3.9.6')),
  SEG_PTO: row(W, '@presentationTimeOffset ≤ the first segment time', M('5.3.9')),
  SEG_LIST: row(E, 'SegmentList well formed', M('5.3.9.3')),
  SEG_BASE: row(
    E,
    'SegmentBase: @indexRange; its sidx parses and its references add up to the media that follows',
    M('5.3.9.2'),
  ),
  SEG_URL_SCHEME: row(E, 'Every segment URL is http/https', M('5.6')),
  SEG_LIVE_WINDOW: row(W, 'dynamic: segments reach back to the time-shift window start', M('5.3.9')),
  SEG_NOT_IN_FUTURE: row(E, 'dynamic: no listed segment ends after publishTime + one segment', M('5.3.9')),
  SEG_LIVE_EDGE: row(W, 'dynamic: the newest segment is within two segments of the clock', M('5.3.9')),
  // §4.7 content protection
  CP_SCHEME: row(E, '@schemeIdUri is mp4protection or urn:uuid:', M('5.8.4.1')),
  CP_MP4PROTECTION: row(
    E,
    'mp4protection descriptor present with the init scheme',
    `${M('5.8.4.1')}, ${CENC('')}`,
  ),
  CP_DEFAULT_KID: row(E, 'cenc:default_KID equals tenc', CENC('')),
  CP_PSSH: row(E, 'cenc:pssh is one whole pssh box of the descriptor system', CENC('8.1')),
  CP_PLAYREADY: row(E, 'PlayReady objects parse and list the default KID'),
  CP_PLAYREADY_MATCH: row(W, 'mspr:pro and the PlayReady pssh hold the same object'),
  CP_CLEARKEY: row(W, 'ClearKey Laurl absolute; W3C pssh lists the default KID'),
  CP_MARLIN: row(E, 'MarlinContentId names a KID of the set'),
  CP_WIDEVINE: row(E, 'Widevine pssh data parses and lists the default KID'),
  CP_SYSTEM_UNKNOWN: row(I, 'An unknown DRM system id'),
  CP_STATE: row(E, 'ContentProtection present ⇔ encrypted init segments', M('5.8.4.1')),
  CP_EXPECTED: row(E, 'With --encrypted, every video and audio set is protected'),
  // §4.8 events
  EV_SCHEME: row(E, 'Event streams have @schemeIdUri', M('5.10.2')),
  EV_MPD_BIN_SCHEME: row(E, 'No urn:scte:scte35:2013:bin in an MPD EventStream', 'SCTE 214-1'),
  EV_TIMESCALE: row(E, '@timescale positive integer', M('5.10.2')),
  EV_EVENT: row(E, 'Event attributes and content valid', M('5.10.2')),
  EV_EVENT_ID: row(W, 'Events with one @id carry the same data', M('5.10.2')),
  EV_EVENT_PERIOD: row(W, 'An Event starts inside its Period', M('5.10.2')),
  EV_INBAND_NO_EVENTS: row(E, 'InbandEventStream holds no Event', M('5.10.3')),
  EV_SCTE35_XML: row(E, 'scte35:Binary holds a valid splice_info_section', 'SCTE 35, SCTE 214-1'),
  EV_SCTE35_DURATION: row(W, 'break_duration equals Event@duration', 'SCTE 35'),
  EV_SCTE35_TIME: row(W, 'splice_time equals the Event time', 'SCTE 35'),
  EV_EMSG_DECLARED: row(E, 'Every emsg matches an InbandEventStream', M('5.10.3.2')),
  EV_EMSG_POSITION: row(E, 'emsg boxes come before the first moof', M('5.10.3.3')),
  EV_EMSG_BOX: row(E, 'emsg fields valid', M('5.10.3.3')),
  EV_EMSG_SCTE35: row(E, 'In-band SCTE-35 data is a valid splice_info_section', 'SCTE 214-3'),
  // §4.9 init segments
  INIT_FETCH: row(E, 'The init segment answers 200 (206 for a range), non-empty'),
  INIT_CONTENT_TYPE: row(W, 'Content-Type equals @mimeType'),
  INIT_BOXES: row(E, 'ftyp first, a moov, no moof or mdat', M('6.3')),
  INIT_FRAGMENTED: row(E, 'moov/mvex with a trex for the track', BMFF('8.8.1')),
  INIT_ONE_TRACK: row(W, 'Exactly one trak'),
  INIT_CODECS: row(E, 'The codec string of the sample entry equals @codecs', 'RFC 6381'),
  INIT_SIZE: row(E, 'Video width and height equal @width/@height', M('5.3.7.2')),
  INIT_SAMPLE_RATE: row(E, 'Audio sample rate equals @audioSamplingRate', M('5.3.7.2')),
  INIT_FRAMERATE: row(W, 'Sample durations give @frameRate', M('5.3.12.2')),
  INIT_ENCRYPTION: row(E, 'sinf with frma, schm and tenc valid', CENC('8.2')),
  INIT_PSSH: row(E, 'Every pssh parses; none in a clear init segment', CENC('8.1')),
  INIT_MEHD_LIVE: row(I, 'A dynamic stream init segment has mehd'),
  // §4.10 media segments
  MEDIA_FETCH: row(E, 'The media segment answers 200 (206 for a range)'),
  MEDIA_CONTENT_TYPE: row(W, 'Content-Type equals @mimeType'),
  MEDIA_BOXES: row(E, 'moof followed by mdat; only allowed top-level boxes', M('6.3')),
  MEDIA_TRACK_ID: row(E, 'tfhd.track_ID equals the init track id', BMFF('8.8.7')),
  MEDIA_MFHD: row(E, 'mfhd.sequence_number equals $Number$', BMFF('8.8.5')),
  MEDIA_TFDT: row(E, 'tfdt equals the expected decode time', BMFF('8.8.12')),
  MEDIA_DURATION: row(E, 'Sample durations add up to the segment duration', M('5.3.9.6')),
  MEDIA_CONTINUITY: row(E, 'Consecutive segments meet', M('5.3.9.6')),
  MEDIA_PTS: row(W, 'Presentation times not negative nor repeated'),
  MEDIA_TRUN: row(E, 'trun data lies inside the mdat', BMFF('8.8.8')),
  MEDIA_SAP: row(E, 'The first video sample is a sync sample', M('5.3.7.2')),
  MEDIA_SIDX: row(W, 'sidx covers the segment', BMFF('8.16.3')),
  MEDIA_ENCRYPTED: row(E, 'Encrypted exactly when the init segment says so', CENC('')),
  MEDIA_SENC: row(E, 'senc matches trun and tenc', CENC('7.2')),
  MEDIA_SAIZ_SAIO: row(E, 'saiz/saio match senc', BMFF('8.7.8, 8.7.9')),
  MEDIA_NAL_CLEAR: row(E, 'NAL headers lie in clear ranges', CENC('')),
  MEDIA_AVAILABLE: row(E, 'dynamic: a segment in its availability window answers 200', M('5.3.9')),
  MEDIA_EARLY: row(W, 'dynamic: segments are not served before their availability', M('5.3.9')),
  // §4.11 live
  LIVE_ID: row(E, 'MPD@id unchanged', M('5.4.1')),
  LIVE_AST: row(E, '@availabilityStartTime unchanged', M('5.4')),
  LIVE_TYPE: row(E, 'dynamic may become static, never back', M('5.4')),
  LIVE_PUBLISH_ORDER: row(E, '@publishTime never decreases and moves when content changes', M('5.4')),
  LIVE_PUBLISH_FRESH: row(W, '@publishTime no older than 3 × @minimumUpdatePeriod', M('5.4')),
  LIVE_PERIODS: row(E, 'A kept Period keeps its start, sets and representations', M('5.4')),
  LIVE_TIMELINE: row(E, 'Listed segments keep their timing and stay inside the window', M('5.4')),
  LIVE_CLOCK: row(W, 'The synchronised clock differs from the local clock by more than 2 s'),
  LIVE_REFRESH: row(E, 'Each refresh answers 200 with an MPD', M('5.4')),
  // §4.12 patches
  PATCH_LOCATION: row(E, 'PatchLocation absolute http(s); @ttl non-negative', M('5.15.2')),
  PATCH_FETCH: row(E, 'The patch answers 200', M('5.15.2')),
  PATCH_CONTENT_TYPE: row(W, 'application/dash-patch+xml', M('Annex C')),
  PATCH_ROOT: row(E, 'Root Patch in urn:mpeg:dash:schema:mpd-patch:2020', M('5.15.3')),
  PATCH_ATTRS: row(E, '@mpdId, @originalPublishTime, @publishTime present', M('5.15.3.2')),
  PATCH_MATCH: row(E, 'The patch matches the MPD it patches', M('5.15.5')),
  PATCH_PUBLISH: row(E, 'The patch replaces /MPD/@publishTime', M('5.15.5')),
  PATCH_OPS: row(E, 'Only add, replace, remove with @sel', M('5.15.3')),
  PATCH_SEL: row(E, '@sel selects one node; Period/AdaptationSet/Representation by @id', M('5.15.3.4')),
  PATCH_NAMESPACE: row(W, 'Added elements are in the MPD namespace', M('5.15.3')),
  PATCH_APPLY: row(E, 'Every operation applies', M('5.15.5')),
  PATCH_RESULT: row(E, 'The patched MPD equals the full MPD', M('5.15.5')),
  // §4.13 clock
  UTC_SCHEME: row(W, 'An unknown UTCTiming scheme'),
  UTC_FETCH: row(W, 'A time source that fails or does not parse'),
  UTC_NONE: row(W, 'No usable time source: the local clock is used'),
  // run limits (§2.3, §6.2)
  RUN_LIMIT: row(W, 'A run limit ended the run early'),
} as const satisfies Record<string, CheckRow>;

export type CheckCode = keyof typeof CHECKS;

export function checkRow(code: CheckCode): CheckRow {
  return CHECKS[code];
}

/** The registry as a Markdown table (code, severity, rule, clause), for the docs. */
export function checksMarkdown(): string {
  const rows = Object.entries(CHECKS).map(
    ([code, r]: [string, CheckRow]) => `| \`${code}\` | ${r.severity} | ${r.rule} | ${r.clause ?? ''} |`,
  );
  return ['| Code | Severity | Rule | Clause |', '|---|---|---|---|', ...rows].join('\n');
}
