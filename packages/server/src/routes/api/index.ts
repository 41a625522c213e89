/**
 * The API route group for accounts, users and tokens (spec app.md §3, §4.1, §4.3): one encapsulated
 * scope with security headers, TypeBox validation (unknown fields refused, not stripped), the error
 * envelope, the session cookie, permissions and CSRF. The streaming routes live outside this scope
 * and carry none of its hooks (stack.md §3.1).
 */
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { registerApiErrorHandler } from '../../plugins/api-errors.js';
import authPlugin from '../../plugins/auth.js';
import { recordRouteTable } from '../../plugins/route-table.js';
import { registerApiSecurityHeaders } from '../../plugins/security-headers.js';
import { registerValidateRoutes } from '../../validate/route.js';
import { registerInspectRoutes } from './inspect.js';
import { registerAuthRoutes } from './auth.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUserRoutes } from './users.js';
import { registerKeyRoutes } from './keys.js';
import { registerStreamApi } from '../api-streams.js';
import { registerMultiPeriodApi } from './multi-period.js';
import { registerPlayRoute } from './play.js';
import type { StreamingDeps } from '../../streaming/routes.js';

/** Passwords are taken as typed; other text fields are trimmed before validation (app.md §1). */
function trimBody(body: unknown): unknown {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = typeof value === 'string' && !/password/i.test(key) ? value.trim() : value;
  }
  return out;
}

export function registerApiRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  models: Pick<StreamingDeps, 'models' | 'mpsModels'>,
): void {
  recordRouteTable(app);
  void app.register(async (api) => {
    api.setValidatorCompiler(TypeBoxValidatorCompiler);
    registerApiErrorHandler(api);
    await registerApiSecurityHeaders(api);
    await api.register(authPlugin, { ctx });
    api.addHook('preValidation', (request, _reply, done) => {
      if (request.routeOptions.schema?.body) request.body = trimBody(request.body);
      done();
    });
    registerAuthRoutes(api, ctx);
    registerTokenRoutes(api, ctx);
    registerUserRoutes(api, ctx);
    registerKeyRoutes(api, ctx);
    registerValidateRoutes(api, ctx);
    registerInspectRoutes(api, ctx);
    registerStreamApi(api, ctx);
    registerMultiPeriodApi(api, ctx);
    registerPlayRoute(api, ctx, models);
  });
}
