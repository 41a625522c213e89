/**
 * `GET /metrics` in the Prometheus text format (app.md §14.3). Without `LOOPCAST_METRICS_TOKEN` only
 * loopback and private-network clients get an answer (others 404, as if the route did not exist);
 * with it, the bearer token is compared in constant time. 404 when `LOOPCAST_METRICS=false`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { Metrics } from '../metrics/metrics.js';

/** Loopback, RFC 1918, RFC 4193 (fc00::/7) and link-local, IPv4-mapped IPv6 included. */
export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  const v6 = address.toLowerCase();
  return v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  const token = ctx.settings.metricsToken;
  /** DAAP bytes per live session at the last scrape, to turn session totals into a counter. */
  const streamedBefore = new Map<number, number>();
  const notFound = { error: { status: 404, code: 'not_found', message: 'No route for GET /metrics' } };
  app.get('/metrics', async (request, reply) => {
    if (!ctx.settings.metrics) return reply.code(404).send(notFound);
    if (token) {
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      // Hashing first makes the comparison constant-time whatever the lengths.
      if (!timingSafeEqual(digest(given), digest(token))) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            error: {
              status: 401,
              code: 'login_required',
              message: 'GET /metrics needs the metrics bearer token',
            },
          });
      }
    } else if (!isPrivateAddress(request.ip)) {
      return reply.code(404).send(notFound);
    }
    await refreshGauges(ctx, metrics, streamedBefore);
    reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/** Gauges read from their owners at scrape time rather than kept in step on every change. */
async function refreshGauges(
  ctx: AppContext,
  metrics: Metrics,
  streamedBefore: Map<number, number>,
): Promise<void> {
  metrics.daapSessions.reset();
  const music = ctx.music;
  if (music) {
    const seen = new Map<number, number>();
    for (const session of music.sessions) {
      metrics.daapSessions.inc({ state: session.state });
      const before = streamedBefore.get(session.id) ?? 0;
      if (session.bytesStreamed > before) metrics.daapStreamBytes.inc(session.bytesStreamed - before);
      seen.set(session.id, session.bytesStreamed);
    }
    // Sessions that ended since the last scrape drop out; bytes they streamed after it are not counted.
    streamedBefore.clear();
    for (const [id, bytes] of seen) streamedBefore.set(id, bytes);
    metrics.daapRevision.set(music.revision);
  }
  const rows = await ctx.database.db
    .selectFrom('media_files')
    .select((eb) => [
      eb.fn.countAll<number>().as('files'),
      eb.fn.count<number>('index_version').as('indexed'),
    ])
    .executeTakeFirst();
  const files = Number(rows?.files ?? 0);
  const indexed = Number(rows?.indexed ?? 0);
  metrics.mediaFiles.set({ state: 'indexed' }, indexed);
  metrics.mediaFiles.set({ state: 'failed' }, files - indexed);
}
