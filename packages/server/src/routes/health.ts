/** Liveness and readiness (spec app.md §14.2). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

const BLOB_CHECK_CACHE_MS = 10_000;
const DB_CHECK_TIMEOUT_MS = 1_000;

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Never touches the database, so a database restart does not get nodes killed.
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));

  let blobCheckedAt = -Infinity;
  let blobOk = false;
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {};
    if (ctx.state.shuttingDown) return reply.code(503).send({ status: 'shutting down', checks });
    if (!ctx.state.started) return reply.code(503).send({ status: 'starting', checks });
    try {
      await Promise.race([
        ctx.database.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), DB_CHECK_TIMEOUT_MS).unref(),
        ),
      ]);
      checks.db = 'ok';
    } catch (err) {
      checks.db = `failed: ${(err as Error).message}`;
    }
    const now = Date.now();
    if (now - blobCheckedAt > BLOB_CHECK_CACHE_MS) {
      blobOk = await ctx.blobs.check().then(
        () => true,
        () => false,
      );
      blobCheckedAt = now;
    }
    checks.blobs = blobOk ? 'ok' : 'failed';
    const ready = checks.db === 'ok' && blobOk;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
