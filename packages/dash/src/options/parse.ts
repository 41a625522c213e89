/**
 * Effective options of a request (dash.md §4.3): registry defaults, stream defaults,
 * template restrictions, URL parameters, resets of unsupported and unused options, then the
 * derived rules. Every bad value becomes an issue naming its parameter; unknown parameters are
 * ignored.
 */
import type { StreamModel } from '../stream.js';
import { timingReferenceOf } from '../stream.js';
import type { Mode, TemplateEntry } from '../templates/registry.js';
import {
  OPTION_PARAMS,
  ROW_BY_FULL_NAME,
  isOptionParam,
  optionRow,
  registryDefaults,
  type OptionParam,
  type Options,
} from './registry.js';
import type { OptionIssue } from './row.js';
import { withDrmAliases } from '../drm/aliases.js';

export type RequestKind = 'manifest' | 'segment' | 'time';
export type QueryInput =
  | URLSearchParams
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ResolveInput {
  query: QueryInput;
  mode: Mode;
  kind: RequestKind;
  stream?: StreamModel | null;
  template?: TemplateEntry | null;
}

export interface ResolvedOptions {
  options: Options;
  /** Registry defaults overlaid with the stream's defaults: what child requests start from (§4.4). */
  baseline: Options;
  issues: OptionIssue[];
  /** Stream defaults that no longer validate (logged by the server, never a failed request). */
  warnings: string[];
  /** Registry parameters present in the query. */
  given: ReadonlySet<OptionParam>;
}

/** Last occurrence wins (§4.1). */
export function queryEntries(query: QueryInput): Map<string, string> {
  const out = new Map<string, string>();
  if (query instanceof URLSearchParams || Symbol.iterator in query) {
    for (const [k, v] of query as Iterable<readonly [string, string]>) out.set(k, v);
    return out;
  }
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    const last = typeof v === 'string' ? v : v[v.length - 1];
    if (last !== undefined) out.set(k, last);
  }
  return out;
}

type Mutable = Record<OptionParam, unknown>;

function defaultsText(value: unknown): string | null {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.join(',');
  }
  return null;
}

/** Stream defaults (§4.5) flattened to URL parameters and parsed with the row codecs. */
export function parseStreamDefaults(defaults: Record<string, unknown>): {
  values: Map<OptionParam, unknown>;
  warnings: string[];
} {
  const values = new Map<OptionParam, unknown>();
  const warnings: string[] = [];
  const flat: [string, unknown][] = [];
  for (const [k, v] of Object.entries(defaults)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [sk, sv] of Object.entries(v as Record<string, unknown>)) flat.push([`${k}.${sk}`, sv]);
    } else {
      flat.push([k, v]);
    }
  }
  for (const [fullName, v] of flat) {
    const row = ROW_BY_FULL_NAME.get(fullName);
    if (!row) {
      warnings.push(`stream default ${fullName}: unknown option, skipped`);
      continue;
    }
    if (!row.streamDefault) {
      warnings.push(`stream default ${fullName}: not allowed as a stream default, skipped`);
      continue;
    }
    const raw = defaultsText(v);
    const parsed =
      raw === null ? null : raw === '' ? { ok: true as const, value: row.default } : row.codec.parse(raw);
    if (!parsed || !parsed.ok) {
      warnings.push(
        `stream default ${fullName}: ${parsed ? parsed.reason : 'unsupported value type'}, skipped`,
      );
      continue;
    }
    values.set(row.param as OptionParam, parsed.value);
  }
  return { values, warnings };
}

/** §4.3 step 3: a restricted value outside the allowed set becomes the allowed value or the default. */
export function applyRestrictions(values: Mutable, template: TemplateEntry | null | undefined): void {
  if (!template) return;
  for (const [param, allowed] of Object.entries(template.restrictions)) {
    if (!isOptionParam(param) || param === 'mode') continue;
    const row = optionRow(param);
    if (allowed.includes(row.codec.format(values[param]))) continue;
    const only = allowed.length === 1 ? allowed[0] : undefined;
    const parsed = only === undefined ? null : row.codec.parse(only);
    values[param] = parsed && parsed.ok ? parsed.value : row.default;
  }
}

const DRM_SUBOPTIONS: Record<string, OptionParam[]> = {
  clearkey: ['clearkey__la_url'],
  marlin: ['marlin__la_url'],
  playready: ['playready__la_url', 'playready__piff', 'playready__version', 'playready__header'],
  widevine: ['widevine__la_url'],
};

/** Registry rows that only a template feature enables (§4.3 step 5), and live-only rows (step 6). */
const TEMPLATE_FEATURE_PARAMS = OPTION_PARAMS.filter((p) => optionRow(p).templateFeature);
const LIVE_ONLY_PARAMS = OPTION_PARAMS.filter((p) => optionRow(p).liveOnly);

/**
 * Parsed stream defaults by defaults object: stream models are immutable (a change makes a new
 * model), and every request of a stream would otherwise parse the same defaults again.
 */
const STREAM_DEFAULTS = new WeakMap<object, ReturnType<typeof parseStreamDefaults>>();

function streamDefaultsOf(stream: StreamModel): ReturnType<typeof parseStreamDefaults> {
  let sd = STREAM_DEFAULTS.get(stream.defaults);
  if (!sd) STREAM_DEFAULTS.set(stream.defaults, (sd = parseStreamDefaults(stream.defaults)));
  return sd;
}

export function resolveOptions(input: ResolveInput): ResolvedOptions {
  const issues: OptionIssue[] = [];
  const given = new Set<OptionParam>();
  // 1. registry defaults, mode from the path
  const values = registryDefaults() as Mutable;
  values.mode = input.mode;
  // 2. stream defaults
  let warnings: string[] = [];
  if (input.stream && input.kind !== 'time') {
    const sd = streamDefaultsOf(input.stream);
    warnings = [...sd.warnings];
    for (const [p, v] of sd.values) if (p !== 'mode') values[p] = v;
  }
  const baseline = { ...values } as Options;
  // 3. restrictions on the stream defaults
  applyRestrictions(values, input.template);
  // 4. URL parameters (all parsed, whatever the request)
  for (const [name, raw] of withDrmAliases(queryEntries(input.query))) {
    if (!isOptionParam(name)) continue;
    const row = optionRow(name);
    if (name === 'mode') {
      if (raw !== '') {
        const r = row.codec.parse(raw);
        if (!r.ok) issues.push({ param: name, value: raw, reason: r.reason });
      }
      continue;
    }
    if (raw === '') {
      values[name] = row.default;
      given.add(name);
      continue;
    }
    const r = row.codec.parse(raw);
    if (!r.ok) {
      issues.push({ param: name, value: raw, reason: r.reason });
      continue;
    }
    values[name] = r.value;
    given.add(name);
  }
  applyRestrictions(values, input.template);
  const opts = values as Options;
  // 5. unsupported features
  if (input.kind === 'manifest' && input.template) {
    const features = input.template.features;
    if (input.mode === 'live' && opts.patch && !features.has('segmentTimeline')) {
      issues.push({
        param: 'patch',
        value: '1',
        reason: 'expected 0: this template has no SegmentTimeline support',
      });
    }
    for (const p of TEMPLATE_FEATURE_PARAMS) {
      const row = optionRow(p);
      if (!features.has(row.fullName)) values[p] = row.default;
    }
  }
  // 6. unused options
  if (input.mode !== 'live') {
    for (const p of LIVE_ONLY_PARAMS) values[p] = optionRow(p).default;
  }
  const selected = new Set(opts.drm.map((d) => d.system));
  for (const [system, params] of Object.entries(DRM_SUBOPTIONS)) {
    if (!selected.has(system as 'clearkey')) for (const p of params) values[p] = optionRow(p).default;
  }
  if (opts.outage.length === 0) {
    for (const p of ['outage__code', 'outage__hang', 'outage__slow'] as const)
      values[p] = optionRow(p).default;
  }
  // 7. derived rules
  deriveOptions(values, input, issues);
  return { options: values as Options, baseline, issues, warnings, given };
}

function deriveOptions(values: Mutable, input: ResolveInput, issues: OptionIssue[]): void {
  const opts = values as Options;
  const template = input.template;
  if (input.kind === 'manifest' && template) {
    if (!template.features.has('segmentTimeline')) values.timeline = 'duration';
    else if (template.timeline === 'forced' && opts.timeline === 'duration') values.timeline = 'time';
    const allowed = template.restrictions.timeline;
    if (allowed?.length === 1 && !allowed.includes(optionRow('timeline').codec.format(opts.timeline))) {
      const r = optionRow('timeline').codec.parse(allowed[0]!);
      if (r.ok) values.timeline = r.value;
    }
    if (opts.patch && opts.timeline === 'duration') values.timeline = 'time';
    if (opts.ato === 'inf' && opts.timeline !== 'duration') {
      issues.push({
        param: 'ato',
        value: 'inf',
        reason: 'expected seconds from 0 to 3600: inf cannot be used with a SegmentTimeline',
      });
    }
  }
  if (input.kind === 'time') return;
  const ref = input.stream ? timingReferenceOf(input.stream) : null;
  if (opts.chunkdur !== null && ref) {
    const segMs = (ref.index.segmentDuration * 1000) / ref.index.timescale;
    if (opts.chunkdur > segMs) {
      issues.push({
        param: 'chunkdur',
        value: optionRow('chunkdur').codec.format(opts.chunkdur),
        reason: `expected seconds from 0.01 to the segment duration (${segMs / 1000})`,
      });
    } else if (opts.ato === null) {
      values.ato = Math.round(segMs - opts.chunkdur);
    }
  }
  if (typeof opts.ato === 'number' && opts.ato > 0 && opts.ltgt === null) values.ltgt = 3500;
  if (input.kind === 'manifest') {
    if (opts.baseurls >= 2 && !opts.base) {
      issues.push({
        param: 'baseurls',
        value: String(opts.baseurls),
        reason: 'expected 1 when base=0 (several BaseURLs need base=1)',
      });
    }
    if (opts.segtimelineloss !== '' && opts.timeline === 'duration') {
      issues.push({
        param: 'segtimelineloss',
        value: opts.segtimelineloss,
        reason: 'expected none: it needs a SegmentTimeline (timeline=1 or number)',
      });
    }
  }
}

/**
 * Validation of stream defaults when they are stored (§4.5): every unknown option, option not
 * allowed as a stream default, or value that does not parse is an issue named by its full name.
 */
export function validateStreamDefaults(defaults: Record<string, unknown>): OptionIssue[] {
  const issues: OptionIssue[] = [];
  const visit = (name: string, v: unknown): void => {
    const row = ROW_BY_FULL_NAME.get(name);
    const text = defaultsText(v);
    if (!row) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, sv] of Object.entries(v as Record<string, unknown>)) visit(`${name}.${k}`, sv);
        return;
      }
      issues.push({
        param: name,
        value: text ?? JSON.stringify(v),
        reason: 'expected the full name of an option',
      });
      return;
    }
    if (!row.streamDefault) {
      issues.push({
        param: name,
        value: text ?? '',
        reason: 'expected an option that may be stored as a stream default',
      });
      return;
    }
    if (text === null) {
      issues.push({ param: name, value: JSON.stringify(v), reason: `expected ${row.syntax}` });
      return;
    }
    if (text === '') return;
    const r = row.codec.parse(text);
    if (!r.ok) issues.push({ param: name, value: text, reason: r.reason });
  };
  for (const [k, v] of Object.entries(defaults)) visit(k, v);
  return issues;
}

/** The request clock: the `now` option when given, else the system clock the server read. */
export function requestClock(options: Pick<Options, 'now'>, systemNowMs: number): number {
  return options.now ?? systemNowMs;
}
