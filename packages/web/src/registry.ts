/**
 * The option and template registries as the builder and the player page use them. The data comes
 * from @loopcast/dash at build time (vite.config.ts); this module only derives views of it: field
 * kinds, groups, what a template supports, baselines and URLs. Nothing here lists options by hand.
 */
import { MANIFESTS, OPTIONS, type CgiOption, type ManifestInfo } from 'virtual:loopcast-registry';

export type { CgiOption, ManifestInfo };
export type Mode = 'live' | 'vod' | 'odvod';
export const MODES: readonly Mode[] = ['live', 'vod', 'odvod'];

/** Option values by URL parameter name, always as URL text. */
export type OptionValues = Record<string, string>;

export const OPTION_BY_PARAM = new Map(OPTIONS.map((o) => [o.param, o]));
export const OPTION_BY_FULL_NAME = new Map(OPTIONS.map((o) => [o.name, o]));
export const TEMPLATES: ManifestInfo[] = Object.values(MANIFESTS);

/** `mode` is the path's mode, never a query option in loopcast's URLs. */
const PATH_PARAMS = new Set(['mode']);

/** Options of the player page itself (usage `html`): they go to /play/… but never to the MPD. */
export const isPlayerOption = (o: CgiOption): boolean => o.usage.length === 1 && o.usage[0] === 'html';

/** The options the builder shows: everything but the path's mode. */
export const FORM_OPTIONS: CgiOption[] = OPTIONS.filter((o) => !PATH_PARAMS.has(o.param));

/** The choice values of an option, from its `param=value` examples. */
export const choiceValues = (o: CgiOption): string[] =>
  o.options.map(([, pair]) => pair.slice(pair.indexOf('=') + 1));

export type FieldKind =
  { kind: 'bool' } | { kind: 'select'; values: string[] } | { kind: 'text'; suggestions: string[] };

/**
 * How a value is entered. A syntax made only of single words ("cenc or cbcs", "0, 1 or number")
 * is a closed set, shown as a select; anything open ("integer 0 to 3600", "a list of …") is a text
 * input with the registry's examples as suggestions.
 */
export function fieldKind(o: CgiOption): FieldKind {
  if (o.syntax === 'bool') return { kind: 'bool' };
  const words = o.syntax.split(/, | or /).map((w) => w.trim());
  const closed = words.length > 1 && words.every((w) => /^[\w.@-]+$/.test(w));
  const choices = choiceValues(o);
  if (closed) {
    const values = [...new Set([o.default, ...words, ...choices])].filter((v) => v !== '');
    return { kind: 'select', values };
  }
  return { kind: 'text', suggestions: choices };
}

/** Prefixed families (`playready__version`) get a group of their own, as dash-live's UI did. */
const FAMILY_TITLES: Record<string, string> = {
  clearkey: 'ClearKey',
  playready: 'PlayReady',
  marlin: 'Marlin',
  widevine: 'Widevine',
  ping: 'Ping events',
  scte35: 'SCTE-35 events',
  outage: 'BaseURL outages',
};
const GROUP_TITLES: Record<string, string> = {
  tracks: 'Tracks and addressing',
  timing: 'Timing',
  utc: 'UTC timing',
  clock: 'Clock and latency',
  drm: 'DRM',
  events: 'Events',
  faults: 'Faults',
  player: 'Player',
};

export interface OptionGroup {
  id: string;
  title: string;
  options: CgiOption[];
}

/**
 * "General" holds the featured manifest options; then each registry group in registry order;
 * then one group per prefixed family; "Player" last (it only shapes the play link).
 */
export function optionGroups(options: CgiOption[] = FORM_OPTIONS): OptionGroup[] {
  const general: CgiOption[] = [];
  const groups = new Map<string, OptionGroup>();
  const families = new Map<string, OptionGroup>();
  const player: CgiOption[] = [];
  for (const o of options) {
    const family = o.param.includes('__') ? o.param.slice(0, o.param.indexOf('__')) : null;
    // The builder's play buttons choose the player, so `player` itself is not a field.
    if (o.param === 'player') continue;
    if (isPlayerOption(o)) player.push(o);
    else if (o.featured) general.push(o);
    else if (family) {
      const g = families.get(family) ?? {
        id: family,
        title: FAMILY_TITLES[family] ?? family,
        options: [],
      };
      g.options.push(o);
      families.set(family, g);
    } else {
      const g = groups.get(o.group) ?? { id: o.group, title: GROUP_TITLES[o.group] ?? o.group, options: [] };
      g.options.push(o);
      groups.set(o.group, g);
    }
  }
  return [
    { id: 'general', title: 'General', options: general },
    ...groups.values(),
    ...families.values(),
    { id: 'player', title: 'Player', options: player },
  ].filter((g) => g.options.length > 0);
}

/** Options some template lists as a feature: a template without it does not support it. */
const TEMPLATE_FEATURES = new Set(TEMPLATES.flatMap((t) => t.features));

export type Support = { ok: true } | { ok: false; note: string } | { ok: true; only: string[] };

/** Whether the template supports an option, or restricts it to some values. */
export function templateSupport(template: ManifestInfo, o: CgiOption): Support {
  if (TEMPLATE_FEATURES.has(o.name) && !template.features.includes(o.name)) {
    return { ok: false, note: `${template.title} does not support this option` };
  }
  const only = template.restrictions[o.param];
  if (only) {
    if (only.length === 1) return { ok: false, note: `${template.title} always uses ${o.param}=${only[0]}` };
    return { ok: true, only };
  }
  return { ok: true };
}

export function templateModes(template: ManifestInfo): Mode[] {
  const allowed = template.restrictions.mode;
  return MODES.filter((m) => !allowed || allowed.includes(m));
}

/** Values a stream stored as defaults (full names, families nested), as URL text by parameter. */
export function streamDefaultValues(defaults: Record<string, unknown> | undefined): OptionValues {
  const out: OptionValues = {};
  const put = (name: string, v: unknown): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, sv] of Object.entries(v as Record<string, unknown>)) put(`${name}.${k}`, sv);
      return;
    }
    const o = OPTION_BY_FULL_NAME.get(name);
    if (!o) return;
    if (typeof v === 'boolean') out[o.param] = v ? '1' : '0';
    else if (typeof v === 'number' || typeof v === 'string') out[o.param] = String(v);
    else if (Array.isArray(v)) out[o.param] = v.join(',');
  };
  for (const [k, v] of Object.entries(defaults ?? {})) put(k, v);
  return out;
}

/** The registry defaults overlaid with the stream's stored defaults: what the server starts from. */
export function baselineValues(streamDefaults: OptionValues): OptionValues {
  const out: OptionValues = {};
  for (const o of FORM_OPTIONS) out[o.param] = streamDefaults[o.param] ?? o.default;
  return out;
}

/** Query value encoding as the server writes child URLs: `:` and `,` stay readable. */
export const encodeQueryValue = (value: string): string =>
  encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/** `a=1&b=2` of the values that differ from the baseline, in registry order. */
export function differingQuery(
  values: OptionValues,
  baseline: OptionValues,
  include: (o: CgiOption) => boolean,
): string {
  const pairs: string[] = [];
  for (const o of FORM_OPTIONS) {
    if (!include(o)) continue;
    const v = values[o.param];
    if (v === undefined || v === baseline[o.param]) continue;
    pairs.push(`${o.param}=${encodeQueryValue(v)}`);
  }
  return pairs.join('&');
}

export interface StreamChoice {
  mode: Mode;
  stream: string;
  template: string;
}

export function manifestPath({ mode, stream, template }: StreamChoice): string {
  return `/dash/${mode}/${encodeURIComponent(stream)}/${encodeURIComponent(template)}.mpd`;
}

/** The manifest URL with only non-default manifest options. */
export function manifestUrl(
  origin: string,
  choice: StreamChoice,
  values: OptionValues,
  baseline: OptionValues,
): string {
  const query = differingQuery(values, baseline, (o) => !isPlayerOption(o));
  return `${origin}${manifestPath(choice)}${query ? `?${query}` : ''}`;
}

/** The player page for the same choice: player options first, then the manifest options. */
export function playPath(
  choice: StreamChoice,
  values: OptionValues,
  baseline: OptionValues,
  player: string,
): string {
  const playerQuery = differingQuery(values, baseline, (o) => isPlayerOption(o) && o.param !== 'player');
  const manifestQuery = differingQuery(values, baseline, (o) => !isPlayerOption(o));
  const query = [`player=${encodeQueryValue(player)}`, playerQuery, manifestQuery].filter(Boolean).join('&');
  return `/play/${choice.mode}/${encodeURIComponent(choice.stream)}/${encodeURIComponent(choice.template)}?${query}`;
}
