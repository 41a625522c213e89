/**
 * `GET /api/play/{mode}/{stream}/{manifest}` (app.md §4.6, §9.5): what the player page needs to
 * play one manifest URL — the absolute MPD URL, the effective options, the player and its
 * version, the DRM systems with their licence URLs, and every Period's tracks. The options
 * resolve exactly as the manifest request would resolve them (the core's `resolveOptions`, or
 * `resolveMpsOptions` for multi-period streams), and the tracks are read from the manifest model
 * the core builds for that request, so the page and the MPD cannot disagree.
 *
 * No key value is ever returned (§3.8): the response schema has no field for one. The only key
 * material that can appear is the `contentkey` of a non-computed key inside the PlayReady
 * test-server LA_URL, which §3.8 and drm-events.md §6.4 make public for players, as in the MPD.
 */
import {
  OPTION_PARAMS,
  PLAYREADY_TEST_LA_URL,
  buildManifestModel,
  buildMpsManifestModel,
  childQuery,
  encodeQueryValue,
  expandLaUrl,
  findRepresentation,
  findTemplate,
  formatOption,
  instanceById,
  issueMessage,
  keySetOf,
  optionRow,
  protectionOf,
  resolveMpsOptions,
  resolveOptions,
  type BuiltManifest,
  type KeySetEntry,
  type ManifestModel,
  type ManifestRefusal,
  type Mode,
  type OptionIssue,
  type OptionParam,
  type Options,
  type ResolvedOptions,
  type StreamModel,
  type TemplateEntry,
  type Usage,
} from '@loopcast/dash';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ApiError, conflict, notFound } from '../../plugins/api-errors.js';
import { corsHeaders } from '../../streaming/cors.js';
import { eventOptionIssues } from '../../streaming/faults.js';
import type { StreamingDeps } from '../../streaming/routes.js';
import { installedPlayers } from '../web.js';
import { PlayInfoSchema, PlayParams, PlayQuery, type PlayInfo, type PlayMode } from './schemas.js';

/** The path's mode: a streaming mode of a stream, or of a multi-period stream (`/mps/{live|vod}`). */
const MODES: ReadonlyMap<string, { mode: PlayMode; kind: 'stream' | 'mps'; core: Mode }> = new Map([
  ['live', { mode: 'live', kind: 'stream', core: 'live' }],
  ['vod', { mode: 'vod', kind: 'stream', core: 'vod' }],
  ['odvod', { mode: 'odvod', kind: 'stream', core: 'odvod' }],
  ['mps-live', { mode: 'mps-live', kind: 'mps', core: 'live' }],
  ['mps-vod', { mode: 'mps-vod', kind: 'mps', core: 'vod' }],
]);

/** Every usage but the player page's own: what a manifest request passes on to its children. */
const MPD_USAGES: readonly Usage[] = ['manifest', 'video', 'audio', 'text', 'time'];
/**
 * Child URLs never carry the relative start and stop (they pin `start`/`stop` instead, dash.md
 * §4.4), but the page's own MPD URL must keep them as given: the MPD's Location pins them.
 */
const RELATIVE: readonly OptionParam[] = ['startrel', 'stoprel'];

/** One manifest request, resolved and built: what every PlayInfo field is read from. */
interface Resolved {
  kind: 'stream' | 'mps';
  name: string;
  title: string;
  template: TemplateEntry;
  /** Path of the MPD below the origin, without query. */
  mpdPath: string;
  resolved: ResolvedOptions;
  model: ManifestModel;
  /** The source stream of a Period of the model (a multi-period stream has one per Period). */
  streamOf(periodId: string): StreamModel | null;
  /** The stream whose licence-URL columns apply when no option overrides them. */
  primary: StreamModel;
}

function optionsError(issues: readonly OptionIssue[]): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.param] ??= issueMessage(issue);
  return new ApiError(400, 'invalid_field', issues.map(issueMessage).join('; '), {
    field: issues[0]?.param ?? '',
    fields,
  });
}

/**
 * The manifest model of the request, its refusals mapped as the manifest route maps them (dash.md
 * §3.2). A live presentation that has not begun answers its MPD 425 until then; the page can
 * already be set up, so the model is built at the instant the MPD becomes available.
 */
function manifestModel(
  build: (nowMs: number) => BuiltManifest | ManifestRefusal,
  nowMs: number,
): ManifestModel {
  let answer = build(nowMs);
  if (answer.kind === 'TooEarly') answer = build(nowMs + Math.ceil(answer.retryAfterSeconds) * 1000);
  switch (answer.kind) {
    case 'manifest':
      return answer.model;
    case 'InvalidOptions':
      throw optionsError(answer.issues);
    case 'NotFound':
      throw notFound(`The manifest cannot be built: ${answer.reason}.`);
    case 'NoTimingReference':
      throw conflict('The stream has no timing reference; choose one on its page before playing it.');
    case 'TooEarly':
      throw conflict(
        `The presentation is not available yet; retry in ${Math.ceil(answer.retryAfterSeconds)} s.`,
      );
  }
}

/** The MPD URL's query: every non-baseline option a manifest request uses, in registry order. */
export function mpdQuery(resolved: Pick<ResolvedOptions, 'options' | 'baseline'>): string {
  const { options, baseline } = resolved;
  const carried = childQuery(options, baseline, MPD_USAGES);
  const pairs = carried === '' ? [] : carried.slice(1).split('&');
  for (const param of RELATIVE) {
    const text = formatOption(param, options[param]);
    if (text !== formatOption(param, baseline[param])) pairs.push(`${param}=${encodeQueryValue(text)}`);
  }
  const order = new Map<string, number>(OPTION_PARAMS.map((p, i) => [p, i]));
  const rank = (pair: string): number => order.get(pair.slice(0, pair.indexOf('='))) ?? 0;
  pairs.sort((a, b) => rank(a) - rank(b));
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** Effective values keyed by full option name (app.md §4.6), e.g. `playready.version`. */
function effectiveOptions(options: Options): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const param of OPTION_PARAMS) out[optionRow(param).fullName] = options[param];
  return out;
}

/** One entry per AdaptationSet of every Period, as the MPD lists them. */
function tracksOf(model: ManifestModel): PlayInfo['tracks'] {
  return model.periods.flatMap((period) =>
    period.adaptationSets.map((set) => {
      const protection = set.contentProtection ?? [];
      const kid = protection.find((cp) => cp.defaultKid !== undefined)?.defaultKid ?? null;
      return {
        periodId: period.id,
        id: String(set.id),
        contentType: set.contentType,
        codecs: set.codecs ?? [...new Set(set.representations.map((r) => r.codecs))].join(','),
        lang: set.lang ?? null,
        role: set.dashRole ?? set.role ?? null,
        encrypted: protection.length > 0,
        defaultKid: kid === null ? null : kid.replace(/-/g, '').toLowerCase(),
      };
    }),
  );
}

/**
 * The key set of the first encrypted AdaptationSet (drm-events.md §4.1), which the PlayReady
 * LA_URL placeholders expand from, as in that set's PlayReady Object.
 */
function firstKeySet(target: Resolved, mode: Mode): { keys: KeySetEntry[]; stream: StreamModel } | null {
  for (const period of target.model.periods) {
    const stream = target.streamOf(period.id);
    if (!stream) continue;
    for (const set of period.adaptationSets) {
      if (!set.contentProtection?.length) continue;
      const files = set.representations
        .map((r) => findRepresentation(stream, r.id))
        .filter((f) => f !== null);
      const first = files[0];
      if (!first) continue;
      const keys = keySetOf(files, protectionOf(stream, first, target.resolved.options, mode), stream);
      if (keys.length > 0) return { keys, stream };
    }
  }
  return null;
}

/** Each selected system in the order the `drm` option names them, with its licence URL. */
function drmOf(target: Resolved, mode: Mode, origin: string): PlayInfo['drm'] {
  const { options } = target.resolved;
  return options.drm.map(({ system }) => {
    switch (system) {
      case 'clearkey':
        // §4.6: the option, else loopcast's own licence server (drm-events.md §4.2)
        return { system, laUrl: options.clearkey__la_url ?? `${origin}/clearkey` };
      case 'marlin':
        return { system, laUrl: options.marlin__la_url ?? target.primary.marlinLaUrl ?? null };
      case 'widevine':
        return { system, laUrl: options.widevine__la_url ?? null };
      case 'playready': {
        // drm-events.md §6.4; with no encrypted set there is no key set to expand it for
        const set = firstKeySet(target, mode);
        if (!set) return { system, laUrl: null };
        const template = options.playready__la_url ?? set.stream.playreadyLaUrl ?? PLAYREADY_TEST_LA_URL;
        return { system, laUrl: expandLaUrl(template, set.keys) };
      }
    }
  });
}

interface PlayerVersion {
  player: string;
  version: string;
}

/** Highest version first (numeric per dotted part; pre-release text sorts by its number only). */
function newestFirst(a: string, b: string): number {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The player build the page loads (§9.5): the requested version when bundled, else the bundled
 * one of the same major, else the newest; the browser's own player has no version.
 */
export function playerOf(options: Options, installed: readonly PlayerVersion[]): PlayInfo['player'] {
  // the registry's choices are exactly these three (dash.md §4.6); anything else is the default
  const name = options.player === 'dashjs' || options.player === 'shaka' ? options.player : 'native';
  if (name === 'native') return { name, version: '' };
  const requested = name === 'dashjs' ? options.dashjs : options.shaka;
  const versions = installed
    .filter((p) => p.player === name)
    .map((p) => p.version)
    .sort(newestFirst);
  if (requested !== null && versions.includes(requested)) return { name, version: requested };
  const major = requested?.split('.')[0];
  const sameMajor = versions.find((v) => major !== undefined && v.split('.')[0] === major);
  return { name, version: sameMajor ?? versions[0] ?? requested ?? '' };
}

export function registerPlayRoute(
  api: FastifyInstance,
  ctx: AppContext,
  { models, mpsModels }: Pick<StreamingDeps, 'models' | 'mpsModels'>,
): void {
  const installed = installedPlayers();
  const allowed = ctx.settings.allowedDomains;

  const originOf = (request: FastifyRequest): string => {
    if (ctx.settings.publicUrl) return ctx.settings.publicUrl;
    try {
      return new URL(`${request.protocol}://${request.host}`).origin;
    } catch {
      throw new ApiError(
        400,
        'bad_request',
        'The Host header must be a host name or IP address with an optional port.',
      );
    }
  };

  async function forStream(
    mode: Mode,
    directory: string,
    manifest: string,
    query: URLSearchParams,
    origin: string,
  ): Promise<Resolved> {
    const template = findTemplate(manifest);
    if (!template) throw notFound(`No manifest template ${manifest}.`);
    const stream = await models.get(directory);
    if (!stream) throw notFound(`No stream ${directory}.`);
    const resolved = resolveOptions({ query, mode, kind: 'manifest', stream, template });
    if (resolved.issues.length > 0) throw optionsError(resolved.issues);
    const events = eventOptionIssues(stream, resolved.options);
    if (events.length > 0) throw optionsError(events);
    const model = manifestModel(
      (nowMs) => buildManifestModel({ stream, template, mode, resolved, nowMs, origin }),
      resolved.options.now ?? Date.now(),
    );
    return {
      kind: 'stream',
      name: stream.directory,
      title: stream.title,
      template,
      mpdPath: `/dash/${mode}/${stream.directory}/${template.name}.mpd`,
      resolved,
      model,
      streamOf: () => stream,
      primary: stream,
    };
  }

  async function forMps(
    mode: 'live' | 'vod',
    name: string,
    manifest: string,
    query: URLSearchParams,
    origin: string,
  ): Promise<Resolved> {
    // drm-events.md §12.5: multi-period streams have the hand_made template only
    const template = findTemplate(manifest);
    if (template?.name !== 'hand_made')
      throw notFound(`No manifest template ${manifest} for multi-period streams; use hand_made.`);
    const mps = await mpsModels.get(name);
    if (!mps) throw notFound(`No multi-period stream ${name}.`);
    const resolved = resolveMpsOptions(mps, null, query, mode, 'manifest');
    if (resolved.issues.length > 0) throw optionsError(resolved.issues);
    const model = manifestModel(
      (nowMs) => buildMpsManifestModel({ mps, mode, resolved, nowMs, origin }),
      resolved.options.now ?? Date.now(),
    );
    return {
      kind: 'mps',
      name: mps.name,
      title: mps.title,
      template,
      mpdPath: `/mps/${mode}/${mps.name}/${template.name}.mpd`,
      resolved,
      model,
      streamOf: (periodId) => instanceById(mps, mode, periodId)?.period.stream ?? null,
      primary: mps.periods[0]!.stream,
    };
  }

  api.get<{ Params: PlayParams }>(
    '/api/play/:mode/:stream/:manifest',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'What the player page needs to play a manifest: MPD URL, options, player, DRM, tracks',
        description:
          'The query string is the page’s: manifest and player options (dash.md §4); unknown parameters are ignored. Never returns key values.',
        operationId: 'getPlayInfo',
        params: PlayParams,
        querystring: PlayQuery,
        response: { 200: PlayInfoSchema },
      },
      // app.md §4.1: CORS per LOOPCAST_ALLOWED_DOMAINS, never with credentials, on errors too
      onSend: async (request, reply, payload) => {
        reply.headers(corsHeaders(allowed, request.headers.origin));
        return payload;
      },
    },
    async (request): Promise<PlayInfo> => {
      const path = MODES.get(request.params.mode);
      if (!path) throw notFound(`No mode ${request.params.mode}; use ${[...MODES.keys()].join(', ')}.`);
      const origin = originOf(request);
      const query = new URLSearchParams(request.url.split('?', 2)[1] ?? '');
      const { stream: name, manifest } = request.params;
      const target =
        path.kind === 'mps'
          ? await forMps(path.core === 'live' ? 'live' : 'vod', name, manifest, query, origin)
          : await forStream(path.core, name, manifest, query, origin);
      const { options } = target.resolved;
      return {
        mode: path.mode,
        stream: { kind: target.kind, name: target.name, title: target.title },
        manifest: { name: target.template.name, title: target.template.title },
        mpdUrl: `${origin}${target.mpdPath}${mpdQuery(target.resolved)}`,
        options: effectiveOptions(options),
        player: playerOf(options, installed),
        textPreference: options.text_pref,
        drm: drmOf(target, path.core, origin),
        tracks: tracksOf(target.model),
      };
    },
  );
}
