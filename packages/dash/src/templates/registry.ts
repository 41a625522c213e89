/** The template registry (dash.md §6.2): names, modes, features and restrictions. */
export type Mode = 'live' | 'vod' | 'odvod';
export type TimelineRule = 'optional' | 'forced' | 'never' | 'n/a';

export interface TemplateEntry {
  name: TemplateName;
  title: string;
  modes: readonly Mode[];
  /** Option full names the template supports (§4.3 step 5). */
  features: ReadonlySet<string>;
  /** Allowed values by URL parameter, as canonical text (§4.3 step 3); `mode` excluded. */
  restrictions: Readonly<Record<string, readonly string[]>>;
  timeline: TimelineRule;
  /** Renders text, thumbnail and generated sets (§5.3). */
  allTrackTypes: boolean;
}

export const TEMPLATE_NAMES = [
  'hand_made',
  'manifest_a',
  'manifest_b',
  'manifest_e',
  'manifest_ef',
  'manifest_h',
  'manifest_i',
  'manifest_n',
  'manifest_vod_aiv',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const f = (...names: string[]): ReadonlySet<string> => new Set(names);

export const TEMPLATES: Readonly<Record<TemplateName, TemplateEntry>> = {
  hand_made: {
    name: 'hand_made',
    title: 'Hand-made manifest',
    modes: ['live', 'vod', 'odvod'],
    features: f(
      'abr',
      'audioCodec',
      'useBaseUrls',
      'drmSelection',
      'eventTypes',
      'mode',
      'minimumUpdatePeriod',
      'patch',
      'segmentTimeline',
      'utcMethod',
      'videoThumbnails',
      'availabilityTimeOffset',
      'chunkDuration',
      'latencyTarget',
      'timeSubtitlesStpp',
      'timeSubtitlesWvtt',
      'timeSubtitlesDuration',
      'timeSubtitlesRegion',
      'stopTime',
      'startRelative',
      'stopRelative',
      'suggestedPresentationDelay',
      'autoPeriods',
      'periodContinuity',
      'baseUrlCount',
      'segmentTimelineLoss',
    ),
    restrictions: {},
    timeline: 'optional',
    allTrackTypes: true,
  },
  manifest_a: {
    name: 'manifest_a',
    title: 'Vendor A live profile',
    modes: ['live', 'vod'],
    features: f('abr', 'audioCodec', 'useBaseUrls', 'mode', 'minimumUpdatePeriod', 'segmentTimeline'),
    restrictions: { drm: ['none'] },
    timeline: 'forced',
    allTrackTypes: false,
  },
  manifest_b: {
    name: 'manifest_b',
    title: 'Vendor B VOD using live profile',
    modes: ['vod'],
    features: f('abr', 'audioCodec', 'useBaseUrls', 'drmSelection'),
    restrictions: {},
    timeline: 'never',
    allTrackTypes: false,
  },
  manifest_e: {
    name: 'manifest_e',
    title: 'Vendor E live profile',
    modes: ['live', 'vod'],
    features: f(
      'abr',
      'audioCodec',
      'useBaseUrls',
      'drmSelection',
      'mode',
      'minimumUpdatePeriod',
      'utcMethod',
      'suggestedPresentationDelay',
    ),
    restrictions: {},
    timeline: 'never',
    allTrackTypes: false,
  },
  manifest_ef: {
    name: 'manifest_ef',
    title: 'Vendor EF live profile',
    modes: ['live', 'vod'],
    features: f('abr', 'useBaseUrls', 'drmSelection', 'mode'),
    restrictions: { acodec: ['mp4a'] },
    timeline: 'never',
    allTrackTypes: false,
  },
  manifest_h: {
    name: 'manifest_h',
    title: 'Vendor H live profile',
    modes: ['live', 'vod'],
    features: f(
      'abr',
      'audioCodec',
      'useBaseUrls',
      'drmSelection',
      'mode',
      'minimumUpdatePeriod',
      'utcMethod',
    ),
    restrictions: {},
    timeline: 'never',
    allTrackTypes: false,
  },
  manifest_i: {
    name: 'manifest_i',
    title: 'Vendor I live profile',
    modes: ['live', 'vod'],
    features: f(
      'abr',
      'useBaseUrls',
      'audioCodec',
      'drmSelection',
      'mode',
      'minimumUpdatePeriod',
      'utcMethod',
    ),
    restrictions: { time: ['direct'] },
    timeline: 'never',
    allTrackTypes: false,
  },
  manifest_n: {
    name: 'manifest_n',
    title: 'Provider N live profile',
    modes: ['live', 'vod'],
    features: f(
      'abr',
      'audioCodec',
      'useBaseUrls',
      'drmSelection',
      'eventTypes',
      'mode',
      'minimumUpdatePeriod',
      'segmentTimeline',
    ),
    restrictions: { timeline: ['1'] },
    timeline: 'forced',
    allTrackTypes: false,
  },
  manifest_vod_aiv: {
    name: 'manifest_vod_aiv',
    title: 'AIV on demand profile',
    modes: ['odvod'],
    features: f('abr', 'useBaseUrls'),
    restrictions: { drm: ['none'], acodec: ['mp4a'] },
    timeline: 'n/a',
    allTrackTypes: true,
  },
};

export function findTemplate(name: string): TemplateEntry | null {
  const n = name.endsWith('.mpd') ? name.slice(0, -4) : name;
  return (TEMPLATE_NAMES as readonly string[]).includes(n) ? TEMPLATES[n as TemplateName] : null;
}
