/**
 * Builds the Fastify application: shared services first, then route groups, each with its own
 * hooks (style.md item 12). Streaming routes get no session, CSRF or security-header hooks.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerAccessLog } from './access-log.js';
import { registerOpenApi } from './openapi/plugin.js';
import { RETRY_AFTER_SECONDS, unavailableReason } from './plugins/unavailable.js';
import type { AppContext } from './context.js';
import { registerApiRoutes } from './routes/api/index.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerHttpMetrics } from './metrics/http-metrics.js';
import { registerWebRoutes } from './routes/web.js';
import { registerTvRoutes } from './routes/tv/index.js';
import { registerClearKeyRoute } from './routes/clearkey.js';
import { registerMusicApi } from './routes/music-api.js';
import { createStreamingDeps, registerStreamingRoutes } from './streaming/routes.js';
import { registerMultiPeriodStreaming } from './multi-period/streaming.js';
import { reindexOutdated } from './media/reindex-outdated.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A hop count trusts that many proxies in front of us; addresses/CIDRs are passed through. */
function trustProxyOption(
  value: false | number | string[],
): boolean | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_addr, hop) => hop < value;
  return value;
}

export async function buildApp(
  ctx: AppContext,
  logger: FastifyBaseLogger,
  configure?: (app: FastifyInstance) => void,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by one line of our own (access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // Keep a well-formed incoming X-Request-Id (app.md §14.1); otherwise make one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    },
    trustProxy: trustProxyOption(ctx.settings.trustProxy),
    forceCloseConnections: 'idle',
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // A response finishing during shutdown closes its keep-alive connection, so the server's
    // close does not wait for the client's idle timeout.
    if (ctx.state.shuttingDown) reply.header('connection', 'close');
  });
  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const outage = unavailableReason(error);
    if (outage) {
      request.log.warn({ err: error }, outage);
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: { status: 503, code: 'unavailable', message: outage, requestId: request.id } });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error');
    return reply.code(status).send({
      error: {
        status,
        code: status === 500 ? 'internal' : 'bad_request',
        message:
          status === 500
            ? 'An unexpected error occurred; the request id identifies it in the log.'
            : error.message,
        requestId: request.id,
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        status: 404,
        code: 'not_found',
        message: `No route for ${request.method} ${request.url.split('?')[0]}`,
        requestId: request.id,
      },
    }),
  );
  // First: the OpenAPI collector sees only routes registered after it (app.md §4.1).
  await registerOpenApi(app, ctx);
  registerAccessLog(app, ctx.settings.accessLog);
  registerHttpMetrics(app, ctx.metrics);
  registerMetricsRoute(app, ctx, ctx.metrics);
  // One set of stream-model caches for the streaming routes and the API's /api/play.
  const streaming = createStreamingDeps(ctx);
  registerApiRoutes(app, ctx, streaming);
  registerMusicApi(app, ctx);
  registerHealthRoutes(app, ctx);
  registerWebRoutes(app, ctx);
  registerTvRoutes(app, ctx);
  registerClearKeyRoute(app, ctx);
  registerStreamingRoutes(app, ctx, streaming);
  registerMultiPeriodStreaming(app, ctx, streaming);
  configure?.(app);
  // Media indexes older than the indexer are rebuilt in the background once the app is up (app.md §2.2).
  app.addHook('onReady', (done) => {
    const deps = { db: ctx.database.db, blobs: ctx.blobs };
    reindexOutdated(deps, { logger: app.log, stopped: () => ctx.state.shuttingDown }).catch((err: unknown) =>
      app.log.warn({ err }, 'the outdated-index check failed'),
    );
    done();
  });
  await app.ready();
  return app;
}
