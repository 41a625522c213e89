/**
 * How the OpenAPI 3.1 description (app.md §4.1) is derived from the route table: every route's
 * TypeBox schemas, summary and operationId as the route declares them, plus what the route's
 * options already say — its permission (`x-loopcast-permission`), the security it accepts and a tag
 * from its path. Nothing here lists routes: a new route appears by being registered.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { MUTATING, isPermission, type AuthRouteConfig, type Permission } from '../auth/permissions.js';
import { COOKIE_NAME, SECURE_COOKIE_NAME } from '../auth/session.js';
import { CSRF_HEADER } from '../auth/csrf.js';

/** Security scheme names of the document (§3.4 cookie, §3.5 CSRF header, §3.7 bearer tokens). */
export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: COOKIE_NAME,
    description: `The sealed login cookie set by POST /api/auth/login; named ${SECURE_COOKIE_NAME} when Secure (app.md §3.4).`,
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description:
      'Required with the cookie on POST, PUT, PATCH and DELETE; GET /api/auth/session returns it (app.md §3.5).',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'lca_… access token from POST /api/auth/token, or lcu_… upload token limited to its allow-list (app.md §3.7).',
  },
} as const;

type SecurityRequirement = Record<string, string[]>;

/**
 * What a caller must present: nothing for public routes; optionally a login for `read` (anonymous
 * reading can be turned off, §3.1); otherwise the cookie (with the CSRF header when the method
 * changes state) or a bearer token. `noCookie` routes take credentials in the body only.
 */
export function securityOf(
  permission: Permission,
  method: string,
  config: AuthRouteConfig,
): SecurityRequirement[] {
  if (permission === 'public' || config.noCookie) return [];
  const cookie: SecurityRequirement = MUTATING.has(method) ? { session: [], csrf: [] } : { session: [] };
  const options: SecurityRequirement[] = config.browserOnly ? [cookie] : [cookie, { bearer: [] }];
  return permission === 'read' ? [{}, ...options] : options;
}

const STREAMING = /^\/(dash|time|mps)\/|^\/clearkey$/;
const SYSTEM = new Set(['/healthz', '/readyz', '/metrics']);
const REGISTRY = new Set(['manifests', 'cgiOptions', 'ContentRoles.json', 'openapi.json', 'info']);

/** The tag of a documented route, or null when the route is not part of the API description. */
export function tagOf(url: string): string | null {
  if (STREAMING.test(url)) return 'streaming';
  if (SYSTEM.has(url)) return 'system';
  const api = /^\/api\/([^/]+)/.exec(url);
  if (!api) return null; // UI pages, assets, player files, TV pages
  const first = api[1]!;
  if (first === 'docs') return null; // the OpenAPI browser's own files
  if (REGISTRY.has(first)) return 'registry';
  // `/api/multi-period-streams.validate` belongs with its collection.
  return first.replace(/\.[A-Za-z]+$/, '');
}

interface RouteLike {
  method: string | string[];
  url: string;
  config?: AuthRouteConfig;
}

type SwaggerSchema = Record<string, unknown>;

/** @fastify/swagger's per-route transform: hides non-API routes and adds what the route table knows. */
export function transformRoute({ schema, url, route }: { schema: unknown; url: string; route: RouteLike }): {
  schema: SwaggerSchema;
  url: string;
} {
  const own = (schema ?? {}) as SwaggerSchema;
  const methods = [route.method].flat();
  const tag = tagOf(url);
  // Preflights and the streaming routes' 405 answers are behaviour of the path, not operations.
  const hidden =
    tag === null ||
    methods.every((m) => m === 'OPTIONS') ||
    (tag === 'streaming' && !methods.includes('GET') && !methods.includes('POST'));
  if (hidden) return { schema: { ...own, hide: true }, url };
  const config = route.config ?? {};
  const permission: Permission = isPermission(config.permission) ? config.permission : 'public';
  // Fastify's wildcard (`/dash/*`) becomes a named path parameter, which OpenAPI requires.
  const wildcard = url.endsWith('/*');
  return {
    url: wildcard ? `${url.slice(0, -1)}{path}` : url,
    schema: {
      ...own,
      ...(wildcard && !own.params
        ? {
            params: {
              type: 'object',
              properties: { path: { type: 'string', description: 'The rest of the path (dash.md §3.1)' } },
              required: ['path'],
            },
          }
        : {}),
      tags: own.tags ?? [tag],
      security: securityOf(permission, methods[0]!, config),
      'x-loopcast-permission': permission,
      ...(config.uploadToken ? { 'x-loopcast-upload-token': true } : {}),
    },
  };
}

export function swaggerOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'loopcast',
        version,
        description:
          'The JSON API of loopcast (app.md §4) and its streaming routes (tag `streaming`). Errors have the body ' +
          '`{"error": {status, code, message, field?, fields?, requestId}}`. Browser requests that change state need ' +
          `the ${CSRF_HEADER} header; bearer requests ignore cookies.`,
      },
      components: { securitySchemes: SECURITY_SCHEMES },
      tags: [
        { name: 'auth', description: 'Login, logout, password and access tokens (app.md §3, §4.3)' },
        { name: 'users', description: 'User management for admins (app.md §4.3)' },
        { name: 'tokens', description: 'Bearer tokens (app.md §3.7)' },
        { name: 'registry', description: 'Public documents generated from the registries (app.md §4.6)' },
        { name: 'streaming', description: 'MPEG-DASH manifests, segments and time (dash.md §3)' },
        { name: 'system', description: 'Health and metrics (app.md §14)' },
      ],
    },
    transform: transformRoute,
  };
}
