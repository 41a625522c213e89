/**
 * The streaming routes of multi-period streams (drm-events.md §12.5–§12.8): `/mps/{live|vod}/…`
 * manifests (hand_made only), init and `$Time$` segments per Period. Like the normal streaming
 * routes, this carries no session or CSRF work, only CORS; every decision is the pure core's.
 * Media segments are the stored fragments, sent as they are (no bytes copied or changed), except
 * for in-band events and the first segment of a Period that starts inside an audio fragment, which
 * get new headers around views of the stored sample data (dash.md §9.3).
 */
import {
  BmffError,
  buildChunks,
  parseBoxes,
  readBoxHeader,
  readChunkSource,
  rewriteSegment,
  trex,
  type ChunkDefaults,
} from '@loopcast/bmff';
import {
  buildMpsManifest,
  buildMpsPatch,
  instanceById,
  issueMessage,
  parseMpsPath,
  planMpsSegment,
  resolveMpsOptions,
  samplesFrom,
  segmentContentType,
  segmentDrm,
  type OptionIssue,
  type SegmentDrm,
} from '@loopcast/dash';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { corsHeaders } from '../streaming/cors.js';
import { cencTrack, drmFragment, drmInit } from '../streaming/encryption.js';
import {
  corruptFragment,
  faultCookieHeaders,
  manifestFate,
  segmentFate,
  sendFault,
} from '../streaming/faults.js';
import { refusalError } from '../streaming/refusals.js';
import type { StreamingDeps } from '../streaming/routes.js';
import { sendBuffers, sendError, type HeaderMap, type StreamingError } from '../streaming/send.js';

/** The stored `mfhd` sequence number of a fragment (§12.8 keeps it). */
function storedSequenceNumber(fragment: Buffer): number {
  for (let p = 0; p < fragment.length;) {
    const h = readBoxHeader(fragment, p, fragment.length);
    if (h.type === 'moof') {
      for (let q = p + h.headerSize; q < p + h.size;) {
        const c = readBoxHeader(fragment, q, p + h.size);
        if (c.type === 'mfhd') return fragment.readUInt32BE(q + 12);
        q += c.size;
      }
    }
    p += h.size;
  }
  return 0;
}

/**
 * Sample duration and size defaults for runs that carry neither (ISO/IEC 14496-12 §8.8.3): the
 * init segment's trex, else the duration every sample of the file shares (the index's).
 */
function sampleDefaults(init: Buffer, sampleDuration: number | null): ChunkDefaults {
  const fallback = sampleDuration === null ? {} : { sampleDuration };
  try {
    const t = parseBoxes(init)
      .find((b) => b.type === 'moov')
      ?.child('mvex')
      ?.child('trex')
      ?.get(trex);
    if (!t) return fallback;
    // a zero trex duration is a muxer's placeholder, not a duration
    return {
      ...(t.defaultSampleDuration > 0 ? { sampleDuration: t.defaultSampleDuration } : fallback),
      sampleSize: t.defaultSampleSize,
    };
  } catch (err) {
    if (!(err instanceof BmffError)) throw err;
    return fallback;
  }
}

/**
 * The fragment's samples from decode time `from` on (the pure core's `samplesFrom`): its leading
 * boxes (styp, emsg) and one moof + mdat cut by the chunk builder, whose mdat payload is a view of
 * the stored one. A fragment the builder cannot read (several trafs or truns, samples outside the
 * mdat) is sent whole, as before, with a warning.
 */
function keptSamples(
  parts: Buffer[],
  from: bigint,
  defaults: ChunkDefaults,
  log: FastifyBaseLogger,
): Buffer[] {
  try {
    const src = readChunkSource(parts, defaults);
    const cut = samplesFrom(src.durations, src.decodeTime, from);
    if (cut.skipped === 0) return parts;
    const kept = buildChunks(src, [cut.skipped, cut.kept])[1]!;
    // a stored sidx indexes the whole fragment: its times would contradict the cut (§9.3)
    const prefix = src.prefix.filter((b) => b.toString('latin1', 4, 8) !== 'sidx');
    return [...prefix, ...kept.buffers];
  } catch (err) {
    if (!(err instanceof BmffError)) throw err;
    log.warn({ err: err.message }, 'Period start inside a fragment: fragment sent whole');
    return parts;
  }
}

const notFound = (message: string): StreamingError => ({ status: 404, code: 'not_found', message });

function issuesError(issues: readonly OptionIssue[]): StreamingError {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.param] = issueMessage(issue);
  return {
    status: 400,
    code: 'invalid_field',
    message: issues.map(issueMessage).join('; '),
    field: issues[0]?.param,
    fields,
  };
}

export function registerMultiPeriodStreaming(
  app: FastifyInstance,
  ctx: AppContext,
  deps: StreamingDeps,
): void {
  const { mpsModels } = deps;
  const allowed = ctx.settings.allowedDomains;
  const originOf = (request: FastifyRequest): string =>
    ctx.settings.publicUrl ?? `${request.protocol}://${request.host}`;

  async function dispatch(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cors: HeaderMap = corsHeaders(allowed, request.headers.origin);
    const fail = (error: StreamingError) => void sendError(request, reply, cors, error);
    const [pathname = '', search = ''] = request.url.split('?', 2) as [string, string?];
    const query = new URLSearchParams(search);
    const path = parseMpsPath(pathname);
    if (!path || path.kind === 'period-prefix')
      return fail(notFound(`no such streaming resource ${pathname}`));
    const mps = await mpsModels.get(path.name);
    if (!mps) return fail(notFound(`no multi-period stream ${path.name}`));
    if (path.kind === 'manifest') {
      if (path.template !== 'hand_made')
        return fail(notFound(`no template ${path.template} for multi-period streams; use hand_made.mpd`));
      const resolved = resolveMpsOptions(mps, null, query, path.mode, 'manifest');
      if (resolved.issues.length > 0) return fail(issuesError(resolved.issues));
      // §10.2 manifest faults, timed as for the first Period's source with the MPS's options
      const fate = manifestFate(request, {
        stream: { ...mps.periods[0]!.stream, defaults: mps.options },
        mode: path.mode,
        options: resolved.options,
        nowMs: resolved.options.now ?? Date.now(),
      });
      if (sendFault(request, reply, cors, fate)) return;
      const answer = buildMpsManifest({
        mps,
        mode: path.mode,
        resolved,
        nowMs: resolved.options.now ?? Date.now(),
        origin: originOf(request),
        requestUrl: `${originOf(request)}${request.url}`,
      });
      if (answer.kind === 'InvalidOptions') return fail(issuesError(answer.issues));
      if (answer.kind !== 'manifest') return fail(refusalError(answer, 'the manifest'));
      return sendBuffers(
        request,
        reply,
        200,
        {
          ...cors,
          'content-type': answer.contentType,
          'cache-control': answer.cacheControl,
          ...faultCookieHeaders(request, fate),
        },
        [Buffer.from(answer.xml)],
      );
    }
    if (path.kind === 'patch') {
      // drm-events.md §11.2 for the live MPS (§12.7)
      if (path.template !== 'hand_made')
        return fail(notFound(`no template ${path.template} for multi-period streams; use hand_made`));
      const resolved = resolveMpsOptions(mps, null, query, 'live', 'manifest');
      if (resolved.issues.length > 0) return fail(issuesError(resolved.issues));
      const answer = buildMpsPatch({
        mps,
        mode: 'live',
        resolved,
        nowMs: resolved.options.now ?? Date.now(),
        origin: originOf(request),
        publish: path.publish,
      });
      if (answer.kind === 'InvalidOptions') return fail(issuesError(answer.issues));
      if (answer.kind !== 'patch') return fail(refusalError(answer, 'the MPD patch'));
      return sendBuffers(
        request,
        reply,
        200,
        { ...cors, 'content-type': answer.contentType, 'cache-control': answer.cacheControl },
        [Buffer.from(answer.xml)],
      );
    }
    const inst = instanceById(mps, path.mode, path.periodId);
    if (!inst) return fail(notFound(`no Period ${path.periodId} in ${mps.name}`));
    const resolved = resolveMpsOptions(mps, inst.period, query, path.mode, 'segment');
    if (resolved.issues.length > 0) return fail(issuesError(resolved.issues));
    const nowMs = resolved.options.now ?? Date.now();
    const plan = planMpsSegment(mps, path.mode, inst, path.rep, path.address, resolved.options, nowMs);
    if (!('blobKey' in plan)) return fail(refusalError(plan, `segment ${path.rep}`));
    const file = inst.period.stream.files.find((f) => f.blobKey === plan.blobKey);
    const indexed = file?.index.segments[plan.fragmentIndex];
    if (!indexed) return fail(notFound(`no fragment ${plan.fragmentIndex} in ${path.rep}`));
    // §10.3–§10.6 per Period: segments are counted by the source fragment they serve (its number
    // in the source's own numbering), the same in every loop instance
    const fate = segmentFate(request, {
      stream: inst.period.stream,
      mode: 'vod',
      rep: path.rep,
      address:
        plan.kind === 'init'
          ? { kind: 'init' }
          : { kind: 'number', number: file.index.startNumber + plan.fragmentIndex - 1 },
      options: resolved.options,
      nowMs,
    });
    if (sendFault(request, reply, cors, fate)) return;
    const corruptFrames = fate.kind === 'serve' ? fate.corruptFrames : 0;
    // §12.1: only tracks marked encrypted are protected (stored twins, or on the fly §8), with the
    // pssh boxes of §7 in their init segments; the others stay clear whatever `drm` says
    const track = inst.period.tracks.find((t) => t.trackId === file.index.trackId);
    const drm: SegmentDrm = track?.encrypted
      ? segmentDrm(inst.period.stream, file, resolved.options, path.mode)
      : { protection: { kind: 'clear' }, initPssh: [], piff: false, otf: null };
    let body: Buffer[];
    if (plan.kind === 'init') {
      const init = await deps.segments.init(plan.blobKey, indexed, plan.removeMehd);
      body = [drmInit(init, drm, deps.segments, `${plan.blobKey}#init${plan.removeMehd ? '-live' : ''}`)];
    } else {
      const stored = await deps.segments.fragment(plan.blobKey, plan.fragmentIndex, indexed);
      const fragment = corruptFragment(request, stored, file.index, corruptFrames, indexed.pos);
      const cenc = drm.otf ? await cencTrack(deps.segments, plan.blobKey, file.index.segments[0]!) : null;
      const served = drmFragment(
        fragment,
        drm,
        cenc,
        { fragmentIndex: plan.fragmentIndex, sourceOffset: indexed.pos },
        deps.segments,
        corruptFrames === 0 ? `${plan.blobKey}#${plan.fragmentIndex}` : null,
        request.log,
      );
      // in-band events (§9.3): new headers around the stored decode time and sequence number
      body =
        plan.emsg.length === 0
          ? [served]
          : rewriteSegment(served, {
              sequenceNumber: storedSequenceNumber(served),
              baseMediaDecodeTime: BigInt(indexed.decodeTime ?? 0),
              sourceOffset: indexed.pos,
              emsg: plan.emsg,
            });
      // §12.8, dash.md §7.8: the Period starts inside this fragment; its listed segment starts there
      if (plan.keepFrom !== null) {
        const init = await deps.segments.fragment(plan.blobKey, 0, file.index.segments[0]!);
        const defaults = sampleDefaults(init, file.index.sampleDuration);
        body = keptSamples(body, plan.keepFrom, defaults, request.log);
      }
    }
    sendBuffers(
      request,
      reply,
      200,
      {
        ...cors,
        'content-type': segmentContentType(plan.contentType),
        'cache-control': `public, max-age=${plan.maxAgeSeconds}`,
        ...faultCookieHeaders(request, fate),
      },
      body,
    );
  }

  const docs = {
    summary: 'Manifests and segments of a multi-period stream (drm-events.md §12.5)',
    operationId: 'getMultiPeriodStreamingResource',
    tags: ['streaming'],
  };
  app.get('/mps/*', { schema: docs }, async (request, reply) => {
    await dispatch(request, reply);
    return reply;
  });
  app.route({
    method: ['POST', 'PUT', 'DELETE', 'PATCH'],
    url: '/mps/*',
    handler: (request, reply) =>
      sendError(request, reply, corsHeaders(allowed, request.headers.origin), {
        status: 405,
        code: 'method_not_allowed',
        message: `${request.method} is not allowed here; use GET or HEAD`,
        headers: { allow: 'GET, HEAD, OPTIONS' },
      }),
  });
  app.options('/mps/*', (request, reply) => {
    const requested = request.headers['access-control-request-headers'];
    reply
      .code(204)
      .headers({
        ...corsHeaders(allowed, request.headers.origin),
        ...(requested ? { 'access-control-allow-headers': requested } : {}),
        'access-control-max-age': 86400,
      })
      .send();
  });
}
