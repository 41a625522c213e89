/**
 * `GET`/`HEAD /patch/{stream}/{template}/{publish}` (drm-events.md §11.2): the MPD patch from the
 * MPD published at `{publish}` to the current one. The query is a live manifest's, `patch`
 * implied; fault options do not apply. Refusals map to statuses in `refusals.ts`.
 */
import { buildPatch, findTemplate, issueMessage, resolveOptions, type OptionIssue } from '@loopcast/dash';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { corsHeaders } from './cors.js';
import { refusalError } from './refusals.js';
import { sendBuffers, sendError, type StreamingError } from './send.js';
import type { StreamModelCache } from './stream-models.js';

const PATCH_PATH = /^\/patch\/([^/]+)\/([^/]+)\/([^/]+)$/;

const invalid = (issues: readonly OptionIssue[]): StreamingError => ({
  status: 400,
  code: 'invalid_field',
  message: issues.map(issueMessage).join('; '),
  field: issues[0]?.param,
});

const notFound = (message: string): StreamingError => ({ status: 404, code: 'not_found', message });

export function registerPatchRoutes(app: FastifyInstance, ctx: AppContext, models: StreamModelCache): void {
  const allowed = ctx.settings.allowedDomains;
  const origin = (request: FastifyRequest): string =>
    ctx.settings.publicUrl ?? `${request.protocol}://${request.host}`;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const cors = corsHeaders(allowed, request.headers.origin);
    const [pathname = '', search = ''] = request.url.split('?', 2) as [string, string?];
    const m = PATCH_PATH.exec(pathname);
    const template = m ? findTemplate(decodeURIComponent(m[2]!)) : null;
    if (!m || !template) return sendError(request, reply, cors, notFound(`no patch resource ${pathname}`));
    const stream = await models.get(decodeURIComponent(m[1]!));
    if (!stream) return sendError(request, reply, cors, notFound(`no stream ${m[1]}`));
    const query = new URLSearchParams(search);
    query.set('patch', '1');
    const resolved = resolveOptions({ query, mode: 'live', kind: 'manifest', stream, template });
    if (resolved.issues.length > 0) return sendError(request, reply, cors, invalid(resolved.issues));
    const answer = buildPatch({
      stream,
      template,
      mode: 'live',
      resolved,
      nowMs: resolved.options.now ?? Date.now(),
      origin: origin(request),
      publish: m[3]!,
    });
    if (answer.kind === 'InvalidOptions') return sendError(request, reply, cors, invalid(answer.issues));
    if (answer.kind !== 'patch') return sendError(request, reply, cors, refusalError(answer, 'the patch'));
    sendBuffers(
      request,
      reply,
      200,
      { ...cors, 'content-type': answer.contentType, 'cache-control': answer.cacheControl },
      [Buffer.from(answer.xml)],
    );
    return reply;
  }

  app.get(
    '/patch/*',
    {
      schema: {
        summary: 'MPD patch from an earlier publishTime (drm-events.md §11.2)',
        operationId: 'getMpdPatch',
        tags: ['streaming'],
      },
    },
    handle,
  );
}
