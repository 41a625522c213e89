/**
 * The streaming routes (spec dash.md §3): manifests, init and media segments, on-demand files,
 * legacy manifest URLs, `/time/*` and the registry documents. This route group carries no session,
 * CSRF or security-header hooks (README §3.1): only CORS. Every decision about timing, options and
 * availability is the pure core's (`@loopcast/dash`); this file reads the clock once, fetches bytes
 * and maps refusals to statuses.
 */
import { rewriteSegment } from '@loopcast/bmff';
import {
  buildManifest,
  cgiOptionsDocument,
  chunkedPlanOptions,
  findRepresentation,
  findTemplate,
  isChunked,
  isRefusal,
  issueMessage,
  legacyManifestTarget,
  manifestClock,
  manifestsDocument,
  missingFromTimeline,
  parseStreamingPath,
  planSegment,
  resolveOptions,
  segmentContentType,
  segmentDrm,
  THUMBNAIL_JPEG,
  timeResponse,
  type Mode,
  type OptionIssue,
  type ResolvedOptions,
  type StreamModel,
  type StreamingPath,
  type TemplateEntry,
} from '@loopcast/dash';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { registryDocument, sendRegistryDocument } from '../routes/registry-document.js';
import { parseRange, sliceBuffers } from './byte-range.js';
import { sendChunkedSegment, type ChunkedDeps } from './chunked.js';
import { corsHeaders } from './cors.js';
import { registerPatchRoutes } from './patch.js';
import {
  corruptFragment,
  eventOptionIssues,
  faultCookieHeaders,
  manifestFate,
  segmentFate,
  sendFault,
} from './faults.js';
import { HeldResponses } from './held.js';
import { requestContentType, shapeSegmentRequest } from './outage.js';
import { sendPaced, sendPacedRanges } from './pacing.js';
import { refusalError } from './refusals.js';
import { sendBuffers, sendError, sendHead, sendText, type HeaderMap, type StreamingError } from './send.js';
import { SegmentSource } from './segment-source.js';
import { cencTrack, drmFragment, drmInit } from './encryption.js';
import { MpsModelCache } from '../multi-period/models.js';
import { StreamModelCache } from './stream-models.js';

/** Host must be a host name or an IP literal with an optional port (app.md §12.2). */
const VALID_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

interface Handled {
  request: FastifyRequest;
  reply: FastifyReply;
  cors: HeaderMap;
  query: URLSearchParams;
  /** `rate` of a segment answer's body (drm-events.md §10.9), null or absent: unpaced. */
  rate?: number | null;
}

export interface StreamingDeps {
  models: StreamModelCache;
  /** Multi-period stream models over `models` (drm-events.md §12). */
  mpsModels: MpsModelCache;
  segments: SegmentSource;
  /** Low-latency chunked delivery and its held-response limits (dash.md §10.3). */
  chunked: ChunkedDeps;
}

export function createStreamingDeps(ctx: AppContext): StreamingDeps {
  const models = new StreamModelCache(ctx.database.db);
  return {
    models,
    mpsModels: new MpsModelCache(ctx.database.db, models),
    segments: new SegmentSource(ctx.blobs, ctx.settings.segmentCacheMb),
    chunked: {
      held: new HeldResponses(ctx.settings.maxHeld, ctx.settings.maxHeldPerClient),
      maxHoldMs: ctx.settings.llMaxHold,
    },
  };
}

export function registerStreamingRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  deps: StreamingDeps = createStreamingDeps(ctx),
): void {
  const { models, segments, chunked } = deps;
  const allowed = ctx.settings.allowedDomains;

  const originOf = (request: FastifyRequest): string =>
    ctx.settings.publicUrl ?? `${request.protocol}://${request.host}`;

  const notFound = (message: string): StreamingError => ({ status: 404, code: 'not_found', message });

  const issuesError = (issues: readonly OptionIssue[]): StreamingError => {
    const fields: Record<string, string> = {};
    for (const issue of issues) fields[issue.param] = issueMessage(issue);
    return {
      status: 400,
      code: 'invalid_field',
      message: issues.map(issueMessage).join('; '),
      field: issues[0]?.param,
      fields,
    };
  };
  const optionError = (resolved: ResolvedOptions): StreamingError | null =>
    resolved.issues.length === 0 ? null : issuesError(resolved.issues);

  const loadStream = async (h: Handled, directory: string): Promise<StreamModel | null> => {
    const stream = await models.get(directory);
    if (!stream) sendError(h.request, h.reply, h.cors, notFound(`no stream ${directory}`));
    return stream;
  };

  function manifest(h: Handled, mode: Mode, stream: StreamModel, template: TemplateEntry): void {
    const resolved = resolveOptions({ query: h.query, mode, kind: 'manifest', stream, template });
    const bad = optionError(resolved);
    if (bad) return void sendError(h.request, h.reply, h.cors, bad);
    for (const warning of resolved.warnings) h.request.log.warn({ stream: stream.directory }, warning);
    const nowMs = resolved.options.now ?? Date.now();
    const eventIssues = eventOptionIssues(stream, resolved.options);
    if (eventIssues.length > 0) return void sendError(h.request, h.reply, h.cors, issuesError(eventIssues));
    const fate = manifestFate(h.request, { stream, mode, options: resolved.options, nowMs });
    if (sendFault(h.request, h.reply, h.cors, fate)) return;
    const answer = buildManifest({
      stream,
      template,
      mode,
      resolved,
      nowMs,
      origin: originOf(h.request),
      requestUrl: `${originOf(h.request)}${h.request.url}`,
    });
    if (answer.kind === 'InvalidOptions') {
      // A combination the core forbids (dash.md §3.2, e.g. patch without a SegmentTimeline).
      return void sendError(h.request, h.reply, h.cors, issuesError(answer.issues));
    }
    if (answer.kind !== 'manifest')
      return void sendError(h.request, h.reply, h.cors, refusalError(answer, 'the manifest'));
    for (const w of answer.warnings ?? []) warnOnce(h.request, w);
    sendText(
      h.request,
      h.reply,
      200,
      {
        ...h.cors,
        'content-type': answer.contentType,
        'accept-ranges': 'none',
        'cache-control': answer.cacheControl,
        ...faultCookieHeaders(h.request, fate),
      },
      answer.xml,
    );
  }

  async function segment(
    h: Handled,
    path: Extract<StreamingPath, { kind: 'segment' }>,
    stream: StreamModel,
  ): Promise<void> {
    const resolved = resolveOptions({ query: h.query, mode: path.mode, kind: 'segment', stream });
    const bad = optionError(resolved);
    if (bad) return void sendError(h.request, h.reply, h.cors, bad);
    const eventIssues = eventOptionIssues(stream, resolved.options);
    if (eventIssues.length > 0) return void sendError(h.request, h.reply, h.cors, issuesError(eventIssues));
    const nowMs = resolved.options.now ?? Date.now();
    // BaseURL prefix, outage, delay (drm-events.md §10.1, §10.8, §10.9)
    const stored = findRepresentation(stream, path.rep)?.index.contentType;
    const shapeOf = { ...h, options: resolved.options, baseUrlIndex: path.baseUrlIndex, nowMs };
    const shape = await shapeSegmentRequest(
      { ...shapeOf, contentType: requestContentType(stored, path.ext) },
      chunked.held,
    );
    if (shape.kind === 'answered') return;
    h.rate = shape.rate;
    const { waitedMs, holding } = shape;
    const { rep, address, mode } = path;
    const fate = segmentFate(h.request, { stream, mode, rep, address, options: resolved.options, nowMs });
    if (sendFault(h.request, h.reply, h.cors, fate)) return;
    // timeline gaps: after the faults, before availability (drm-events.md §10.1, §10.10)
    const live = mode === 'live';
    if (missingFromTimeline({ stream, live, rep, address, options: resolved.options }))
      return void sendError(h.request, h.reply, h.cors, notFound('segment missing from the timeline'));
    // with chunking the chunk schedule replaces the too-early test for stored files (dash.md §10.3)
    const planOptions = findRepresentation(stream, path.rep)
      ? chunkedPlanOptions(resolved.options)
      : resolved.options;
    const plan = planSegment(stream, path.mode, path.rep, path.address, planOptions, nowMs);
    if (isRefusal(plan))
      return void sendError(h.request, h.reply, h.cors, refusalError(plan, `segment ${path.rep}`));
    if (plan.kind === 'thumbnail') {
      // Generated thumbnails (dash.md §11.2): the core's placeholder image for every number.
      return sendRanged(h, [Buffer.from(THUMBNAIL_JPEG)], {
        'content-type': segmentContentType('image'),
        'cache-control': `public, max-age=${plan.maxAgeSeconds}`,
      });
    }
    const file = findRepresentation(stream, path.rep);
    const indexed = file?.index.segments[plan.fragmentIndex];
    if (!file || !indexed)
      return void sendError(
        h.request,
        h.reply,
        h.cors,
        notFound(`no fragment ${plan.fragmentIndex} in ${path.rep}`),
      );
    // DRM (drm-events.md §7, §8): moov pssh boxes, on-the-fly encryption after corruption, PIFF
    const drm = segmentDrm(stream, file, resolved.options, path.mode);
    const init0 = file.index.segments[0]!;
    const track = drm.otf && plan.kind === 'media' ? await cencTrack(segments, plan.blobKey, init0) : null;
    const corruptFrames = fate.kind === 'serve' ? fate.corruptFrames : 0;
    const body =
      plan.kind === 'init'
        ? [
            drmInit(
              await segments.init(plan.blobKey, indexed, plan.removeMehd),
              drm,
              segments,
              `${plan.blobKey}#init${plan.removeMehd ? '-live' : ''}`,
            ),
          ]
        : rewriteSegment(
            drmFragment(
              corruptFragment(
                h.request,
                await segments.fragment(plan.blobKey, plan.fragmentIndex, indexed),
                file.index,
                corruptFrames,
                indexed.pos,
              ),
              drm,
              track,
              { fragmentIndex: plan.fragmentIndex, sourceOffset: indexed.pos },
              segments,
              corruptFrames === 0 ? `${plan.blobKey}#${plan.fragmentIndex}` : null,
              h.request.log,
            ),
            {
              piff: drm.piff,
              sequenceNumber: plan.sequenceNumber,
              baseMediaDecodeTime: plan.baseMediaDecodeTime,
              sourceOffset: indexed.pos,
              emsg: plan.emsg,
              fixSaio: !resolved.options.bugs.includes('saio'),
            },
          );
    if (plan.kind === 'media' && plan.live && isChunked(resolved.options)) {
      const live = { ...plan, live: plan.live };
      const contentType = segmentContentType(plan.contentType);
      const args = {
        ...h,
        plan: live,
        index: file.index,
        options: resolved.options,
        nowMs,
        body,
        contentType,
        shape: { waitedMs, rate: shape.rate, holding },
      };
      const c = sendChunkedSegment(args, chunked);
      if (c.kind === 'answered') return;
      body.splice(0, body.length, ...c.body); // complete: every chunk at once, sent as usual
    }
    sendRanged(h, body, {
      'content-type': segmentContentType(plan.contentType),
      'cache-control': `public, max-age=${plan.maxAgeSeconds}`,
      ...faultCookieHeaders(h.request, fate),
    });
  }

  function sendRanged(h: Handled, body: Buffer[], headers: HeaderMap): void {
    const length = body.reduce((sum, b) => sum + b.length, 0);
    const range = parseRange(h.request.headers.range, length, headerText(h.request.headers['if-range']));
    const base = { ...h.cors, ...headers, 'accept-ranges': 'bytes' };
    if (range.kind === 'unsatisfiable') {
      return void sendError(h.request, h.reply, h.cors, {
        status: 416,
        code: 'range_not_satisfiable',
        message: `the range ${h.request.headers.range} lies outside the ${length} bytes of this resource`,
        headers: { 'content-range': `bytes */${length}` },
      });
    }
    // a paced body (drm-events.md §10.9) counts the bytes after the range
    const send = h.rate ? paced(h.rate) : sendBuffers;
    if (range.kind === 'partial') {
      return send(
        h.request,
        h.reply,
        206,
        { ...base, 'content-range': `bytes ${range.start}-${range.end}/${length}` },
        sliceBuffers(body, range.start, range.end),
      );
    }
    send(h.request, h.reply, 200, base, body);
  }

  async function onDemandFile(
    h: Handled,
    path: Extract<StreamingPath, { kind: 'odvod-file' }>,
    stream: StreamModel,
  ): Promise<void> {
    const resolved = resolveOptions({ query: h.query, mode: 'odvod', kind: 'segment', stream });
    const bad = optionError(resolved);
    if (bad) return void sendError(h.request, h.reply, h.cors, bad);
    const file = findRepresentation(stream, path.rep);
    if (!file) return void sendError(h.request, h.reply, h.cors, notFound(`no Representation ${path.rep}`));
    // BaseURL prefix, outage, delay and rate (drm-events.md §10.8, §10.9)
    const nowMs = resolved.options.now ?? Date.now();
    const shapeOf = { ...h, options: resolved.options, baseUrlIndex: path.baseUrlIndex, nowMs };
    const shape = await shapeSegmentRequest(
      { ...shapeOf, contentType: file.index.contentType },
      chunked.held,
    );
    if (shape.kind === 'answered') return;
    if (file.index.encryption && resolved.options.drm.length === 0) {
      return void sendError(
        h.request,
        h.reply,
        h.cors,
        notFound(`${path.rep}: encrypted Representation requested without drm`),
      );
    }
    const last = file.index.segments[file.index.segments.length - 1];
    const length = last ? last.pos + last.size : 0;
    const range = parseRange(h.request.headers.range, length, headerText(h.request.headers['if-range']));
    const type = path.ext === 'm4v' ? 'video/mp4' : path.ext === 'm4a' ? 'audio/mp4' : 'application/mp4';
    const base = {
      ...h.cors,
      'content-type': type,
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=3600',
    };
    if (range.kind === 'unsatisfiable') {
      return void sendError(h.request, h.reply, h.cors, {
        status: 416,
        code: 'range_not_satisfiable',
        message: `the range ${h.request.headers.range} lies outside the ${length} bytes of this file`,
        headers: { 'content-range': `bytes */${length}` },
      });
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : length - 1;
    const headers: HeaderMap = { ...base, 'content-length': end - start + 1 };
    if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${length}`;
    const status = range.kind === 'partial' ? 206 : 200;
    if (h.request.method === 'HEAD') return sendHead(h.request, h.reply, status, headers);
    if (shape.rate) {
      const read = (offset: number, size: number) => ctx.blobs.readBytes(file.blobKey, start + offset, size);
      return sendPacedRanges(h.request, h.reply, status, headers, end - start + 1, shape.rate, read);
    }
    h.reply.code(status).headers(headers);
    const body = await ctx.blobs.read(file.blobKey, { start, length: end - start + 1 });
    return void h.reply.send(body);
  }

  async function legacy(
    h: Handled,
    path: Extract<StreamingPath, { kind: 'legacy-manifest' }>,
  ): Promise<void> {
    let directory = path.stream;
    if (directory === null) {
      const all = await models.directories();
      directory = all.includes('bbb') ? 'bbb' : (all[0] ?? null);
    }
    if (directory === null || !(await models.get(directory))) {
      return void sendError(h.request, h.reply, h.cors, notFound('no stream for this legacy manifest URL'));
    }
    const target = legacyManifestTarget(path.name, directory, h.query);
    if (!target) return void sendError(h.request, h.reply, h.cors, notFound(`no manifest ${path.name}`));
    h.reply
      .code(302)
      .headers({ ...h.cors, location: target, 'cache-control': 'no-store' })
      .send();
  }

  function time(h: Handled, source: Extract<StreamingPath, { kind: 'time' }>['source']): void {
    const resolved = resolveOptions({ query: h.query, mode: 'live', kind: 'time' });
    const bad = optionError(resolved);
    if (bad) return void sendError(h.request, h.reply, h.cors, bad);
    const answer = timeResponse(
      source,
      manifestClock(resolved.options.now ?? Date.now(), resolved.options.drift),
    );
    sendBuffers(
      h.request,
      h.reply,
      200,
      {
        ...h.cors,
        date: answer.date,
        'content-type': answer.contentType,
        'cache-control': 'no-store',
      },
      [Buffer.from(answer.body)],
    );
  }

  // Fastify needs an async handler that sends to return the reply: returning undefined after an
  // await makes it finish the response itself, empty.
  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    await dispatch(request, reply);
    return reply;
  }

  async function dispatch(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cors = corsHeaders(allowed, request.headers.origin);
    const [pathname = '', search = ''] = request.url.split('?', 2) as [string, string?];
    const h: Handled = { request, reply, cors, query: new URLSearchParams(search) };
    if (!ctx.settings.publicUrl && !VALID_HOST.test(request.host)) {
      return void sendError(request, reply, cors, {
        status: 400,
        code: 'bad_request',
        message: 'the Host header must be a host name or IP address with an optional port',
      });
    }
    const path = parseStreamingPath(decodePath(pathname));
    request.streamingPath = path; // read by the metrics after the response
    if (!path || path.kind === 'stream-prefix')
      return void sendError(request, reply, cors, notFound(`no such streaming resource ${pathname}`));
    switch (path.kind) {
      case 'time':
        return time(h, path.source);
      case 'legacy-manifest':
        return legacy(h, path);
      case 'manifest': {
        const template = findTemplate(path.template);
        if (!template) return void sendError(request, reply, cors, notFound(`no template ${path.template}`));
        const stream = await loadStream(h, path.stream);
        return stream ? manifest(h, path.mode, stream, template) : undefined;
      }
      case 'segment': {
        const stream = await loadStream(h, path.stream);
        return stream ? segment(h, path, stream) : undefined;
      }
      case 'odvod-file': {
        const stream = await loadStream(h, path.stream);
        return stream ? onDemandFile(h, path, stream) : undefined;
      }
    }
  }

  const preflight = (request: FastifyRequest, reply: FastifyReply) => {
    const cors = corsHeaders(allowed, request.headers.origin);
    const requested = request.headers['access-control-request-headers'];
    reply
      .code(204)
      .headers({
        ...cors,
        ...(requested ? { 'access-control-allow-headers': requested } : {}),
        'access-control-max-age': 86400,
      })
      .send();
  };
  const notAllowed = (request: FastifyRequest, reply: FastifyReply) =>
    sendError(
      request,
      reply,
      { ...corsHeaders(allowed, request.headers.origin), allow: 'GET, HEAD, OPTIONS' },
      {
        status: 405,
        code: 'method_not_allowed',
        message: `${request.method} is not allowed here; use GET or HEAD`,
        headers: { allow: 'GET, HEAD, OPTIONS' },
      },
    );

  for (const url of ['/dash/*', '/time/*'] as const) {
    app.get(url, { schema: OPENAPI_DOCS[url] }, handle);
    app.options(url, preflight);
    app.route({ method: ['POST', 'PUT', 'DELETE', 'PATCH'], url, handler: notAllowed });
  }
  registerPatchRoutes(app, ctx, models); // MPD patch (drm-events.md §11.2)

  // Registry documents (dash.md §3.6): generated from the option and template registries.
  const cgiOptions = registryDocument(cgiOptionsDocument());
  const manifests = registryDocument(manifestsDocument());
  app.get('/api/cgiOptions', { schema: OPENAPI_DOCS.cgiOptions }, (request, reply) =>
    sendRegistryDocument(request, reply, allowed, cgiOptions),
  );
  app.get('/api/manifests', { schema: OPENAPI_DOCS.manifests }, (request, reply) =>
    sendRegistryDocument(request, reply, allowed, manifests),
  );
}

/** Descriptions for the OpenAPI document only (app.md §4.1); they change no behaviour. */
const OPENAPI_DOCS = {
  '/dash/*': {
    summary: 'Manifests, segments and on-demand files of a stream (dash.md §3.1)',
    operationId: 'getStreamingResource',
    tags: ['streaming'],
  },
  '/time/*': {
    summary: 'The server clock for UTCTiming (dash.md §3.5)',
    operationId: 'getTime',
    tags: ['streaming'],
  },
  cgiOptions: {
    summary: 'Every manifest and player option, from the option registry (dash.md §3.6)',
    operationId: 'getCgiOptions',
  },
  manifests: {
    summary: 'Every manifest template, from the template registry (dash.md §3.6)',
    operationId: 'getManifests',
  },
};

/** DRM warnings (a KID without a key, drm-events.md §4.1, §8.1) are logged once per process. */
const WARNED = new Set<string>();
function warnOnce(request: FastifyRequest, message: string): void {
  if (WARNED.has(message)) return;
  if (WARNED.size >= 1024) WARNED.clear();
  WARNED.add(message);
  request.log.warn(message);
}

const paced =
  (rate: number): typeof sendBuffers =>
  (request, reply, status, headers, buffers) =>
    sendPaced(request, reply, status, headers, buffers, rate);

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

/** Percent-decoding of the path; a malformed escape leaves the path as it is (and it will not match). */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
