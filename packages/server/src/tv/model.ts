/**
 * What the two TV pages show (app.md §9.8), as plain data for their templates: the choices of the
 * `/tv/` form (streams, templates, modes and the options most used on TVs, each choice taken from
 * the option registry's own examples) and, for `/tv/play/…`, the video source built from options
 * that parsed, written in their canonical serialisation (dash.md §4.4) — never request text as given.
 */
import {
  cgiOptionsDocument,
  childQuery,
  findTemplate,
  manifestsDocument,
  resolveOptions,
  issueMessage,
  type Mode,
  type Options,
} from '@loopcast/dash';

/** The options of the TV form, in the order app.md §9.8 lists them. */
export const TV_OPTION_PARAMS = ['drm', 'timeline', 'events', 'abr', 'acodec', 'time', 'depth'] as const;
const MODES: readonly Mode[] = ['live', 'vod', 'odvod'];

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface SelectField {
  name: string;
  label: string;
  choices: Choice[];
}

export interface TvStream {
  directory: string;
  title: string;
  /** Streams without a timing reference cannot play (dash.md §3.4); they are listed but marked. */
  playable: boolean;
  marlinLaUrl: string | null;
}

export interface HomeView {
  fields: SelectField[];
  empty: boolean;
}

type Query = Readonly<Record<string, string | undefined>>;

interface CgiRow {
  param: string;
  title: string;
  default: string;
  options: [string, string][];
}

const CGI_ROWS = new Map((cgiOptionsDocument() as CgiRow[]).map((o) => [o.param, o]));

interface TemplateDoc {
  name: string;
  title: string;
  restrictions: Record<string, string[]>;
}
const TEMPLATE_DOCS = Object.values(manifestsDocument() as Record<string, TemplateDoc>);

const select = (name: string, label: string, pairs: [string, string][], wanted: string | undefined) => {
  const chosen = pairs.some(([v]) => v === wanted) ? wanted : pairs[0]?.[0];
  return {
    name,
    label,
    choices: pairs.map(([value, l]) => ({ value, label: l, selected: value === chosen })),
  };
};

/** The registry's example values of an option, its default first (marked), without duplicates. */
function optionChoices(row: CgiRow): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  const add = (value: string, label: string) => {
    if (seen.has(value)) return;
    seen.add(value);
    out.push([value, label]);
  };
  const examples = row.options.map(([label, pair]) => [pair.slice(pair.indexOf('=') + 1), label] as const);
  const dflt = examples.find(([v]) => v === row.default);
  add(row.default, `${dflt ? dflt[1] : row.default === '' ? 'Default' : row.default} (default)`);
  for (const [value, label] of examples) add(value, label);
  return out;
}

/** The `/tv/` form; `query` pre-selects the last choice (carried in the play page's back link). */
export function homeView(streams: readonly TvStream[], query: Query): HomeView {
  const fields: SelectField[] = [
    select(
      'stream',
      'Stream',
      streams.map((s) => [s.directory, s.playable ? s.title : `${s.title} (no timing reference)`]),
      query.stream,
    ),
    select(
      'template',
      'Template',
      TEMPLATE_DOCS.map((t) => [t.name, t.title]),
      query.template,
    ),
    select(
      'mode',
      'Mode',
      MODES.map((m) => [m, m]),
      query.mode,
    ),
  ];
  for (const param of TV_OPTION_PARAMS) {
    const row = CGI_ROWS.get(param);
    if (row) fields.push(select(param, row.title, optionChoices(row), query[param]));
  }
  return { fields, empty: streams.length === 0 };
}

/**
 * The query of the play page the menu form leads to: the TV options that differ from their
 * registry default (the form submits every field), so the URL shows only what was chosen.
 */
export function formQuery(values: Query): string {
  const q = new URLSearchParams();
  for (const param of TV_OPTION_PARAMS) {
    const v = values[param];
    if (v !== undefined && v !== CGI_ROWS.get(param)?.default) q.set(param, v);
  }
  return q.toString();
}

export interface PlayRequest {
  mode: string;
  stream: TvStream | null;
  template: string;
  query: Query;
  /** Absolute origin the manifest URL is written with, e.g. http://tv-lab:5000. */
  origin: string;
}

export type PlayView =
  | {
      ok: true;
      title: string;
      /** The `<video>` source: the manifest URL, or `S-URL#manifest URL` for Marlin. */
      source: string;
      manifestUrl: string;
      marlin: boolean;
      /** The home page with this choice pre-selected (cookie-free memory, §9.8). */
      back: string;
      notes: string[];
    }
  | { ok: false; status: 400 | 404; problems: string[]; back: string };

/** The `/tv/` link that brings the form back with these values selected. */
export function backLink(values: Query): string {
  const q = new URLSearchParams();
  for (const name of ['stream', 'template', 'mode', ...TV_OPTION_PARAMS]) {
    const v = values[name];
    if (v !== undefined && v !== '') q.set(name, v);
  }
  const text = q.toString();
  return text ? `/tv/?${text}` : '/tv/';
}

const hasMarlin = (options: Options): boolean => options.drm.some((d) => d.system === 'marlin');

export function playView(req: PlayRequest): PlayView {
  const template = findTemplate(req.template);
  const back = backLink({
    ...req.query,
    stream: req.stream?.directory,
    template: template?.name,
    mode: req.mode,
  });
  const problems: string[] = [];
  if (!req.stream) problems.push('There is no such stream.');
  if (!template) problems.push(`There is no template named ${req.template}.`);
  const mode = (MODES as readonly string[]).includes(req.mode) ? (req.mode as Mode) : null;
  if (!mode) problems.push(`The mode must be live, vod or odvod, not ${req.mode}.`);
  if (!req.stream || !template || !mode) return { ok: false, status: 404, problems, back };
  if (!template.modes.includes(mode)) {
    return { ok: false, status: 404, problems: [`${template.title} has no ${mode} mode.`], back };
  }
  const resolved = resolveOptions({ query: req.query, mode, kind: 'manifest', template });
  if (resolved.issues.length > 0) {
    // The way back keeps only values that parsed (§9.8: nothing unparsed is written).
    const bad = new Set(resolved.issues.map((i) => i.param));
    const kept = Object.fromEntries(Object.entries(req.query).filter(([k]) => !bad.has(k)));
    return {
      ok: false,
      status: 400,
      problems: resolved.issues.map(issueMessage),
      back: backLink({ ...kept, stream: req.stream.directory, template: template.name, mode }),
    };
  }
  const path = `/dash/${mode}/${encodeURIComponent(req.stream.directory)}/${template.name}.mpd`;
  const manifestUrl = `${req.origin}${path}${childQuery(resolved.options, resolved.baseline, 'manifest')}`;
  const notes: string[] = [];
  let source = manifestUrl;
  const marlin = hasMarlin(resolved.options);
  if (marlin) {
    // drm-events.md §4.4: the option overrides the stream's S-URL.
    const sUrl = resolved.options.marlin__la_url ?? req.stream.marlinLaUrl;
    if (sUrl) source = `${sUrl}#${manifestUrl}`;
    else notes.push('Marlin was chosen but neither marlin__la_url nor the stream gives an S-URL.');
  }
  if (!req.stream.playable)
    notes.push('This stream has no timing reference yet; the manifest will be refused.');
  return {
    ok: true,
    title: `${req.stream.title} · ${template.title} · ${mode}`,
    source,
    manifestUrl,
    marlin,
    back,
    notes,
  };
}
