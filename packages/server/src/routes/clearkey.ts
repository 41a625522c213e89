/**
 * `POST /clearkey`, the W3C ClearKey licence server (drm-events.md §5.2): public (players cannot
 * log in), no cookies, no CSRF, any Content-Type, a 64 KiB body. It answers only for KIDs that
 * some media file or some stream's on-the-fly KID uses (app.md §3.8); unknown KIDs are left out.
 * Requests are logged with their KIDs, never keys.
 */
import { CLEARKEY_MAX_BODY, licenceResponse, parseLicenceRequest } from '@loopcast/dash';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { keysInUse } from '../keys/key-store.js';
import { corsHeaders } from '../streaming/cors.js';
import { STORED_BYTES_HEADERS } from '../streaming/send.js';

const ALLOW = 'POST, OPTIONS';

interface ErrorBody {
  status: number;
  code: string;
  message: string;
  field?: string;
}

export function registerClearKeyRoute(app: FastifyInstance, ctx: AppContext): void {
  const allowed = ctx.settings.allowedDomains;
  const cors = (request: FastifyRequest) => corsHeaders(allowed, request.headers.origin, ALLOW);
  // loopcast_clearkey_requests_total{result} (app.md §14.3): ok, unknown_kid or bad_request.
  const count = (result: 'ok' | 'unknown_kid' | 'bad_request') =>
    ctx.metrics.clearkeyRequests.inc({ result });

  const fail = (request: FastifyRequest, reply: FastifyReply, error: ErrorBody, headers = {}) => {
    if (error.status < 500) count('bad_request');
    return reply
      .code(error.status)
      .headers({ ...cors(request), ...STORED_BYTES_HEADERS, ...headers, 'cache-control': 'no-store' })
      .send({ error: { ...error, requestId: request.id } });
  };

  void app.register((scope, _opts, done) => {
    // Any Content-Type: EME sends the licence message as text/plain, application/json or none.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CLEARKEY_MAX_BODY }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
      if (error.statusCode === 413)
        return fail(request, reply, {
          status: 413,
          code: 'payload_too_large',
          message: `The licence request is larger than ${CLEARKEY_MAX_BODY} bytes.`,
        });
      if (error.statusCode && error.statusCode < 500)
        return fail(request, reply, {
          status: 400,
          code: 'invalid_field',
          message: error.message,
          field: 'body',
        });
      request.log.error({ err: error }, 'clearkey failed');
      return fail(request, reply, {
        status: 500,
        code: 'internal',
        message: 'An unexpected error occurred; the request id identifies it in the log.',
      });
    });

    scope.post('/clearkey', async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const parsed = parseLicenceRequest(body);
      if ('field' in parsed)
        return fail(request, reply, {
          status: 400,
          code: 'invalid_field',
          message: parsed.message,
          field: parsed.field,
        });
      const keys = await keysInUse(ctx.database.db, parsed.kids);
      const answer = licenceResponse(parsed, (kid) => keys.get(kid) ?? null);
      count(answer.keys.length > 0 ? 'ok' : 'unknown_kid');
      request.log.info({ kids: parsed.kids, found: answer.keys.length }, 'clearkey licence');
      return reply
        .code(200)
        .headers({
          ...cors(request),
          ...STORED_BYTES_HEADERS,
          'cache-control': 'no-store',
          'content-type': 'application/json',
        })
        .send(JSON.stringify(answer));
    });

    scope.options('/clearkey', (request, reply) => {
      const requested = request.headers['access-control-request-headers'];
      return reply
        .code(204)
        .headers({
          ...cors(request),
          ...(requested ? { 'access-control-allow-headers': requested } : {}),
          'access-control-max-age': 86400,
        })
        .send();
    });

    scope.route({
      method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'],
      url: '/clearkey',
      handler: (request, reply) =>
        fail(
          request,
          reply,
          {
            status: 405,
            code: 'method_not_allowed',
            message: `${request.method} is not allowed here; use POST.`,
          },
          { allow: ALLOW },
        ),
    });
    done();
  });
}
