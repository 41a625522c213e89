/**
 * The home page and the rest of the web UI. app.ts calls `registerHomeRoute`; the UI itself (the
 * Preact shell, its assets, the players and the builder's stream list) lives in web.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { registerWebRoutes } from './web.js';

export function registerHomeRoute(app: FastifyInstance, ctx: AppContext): void {
  registerWebRoutes(app, ctx);
}
