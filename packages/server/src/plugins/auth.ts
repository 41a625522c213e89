/**
 * Authentication and authorisation for the API route group (spec app.md §3): the sealed login
 * cookie, bearer tokens, the declared permission of each route, the forced password change, the
 * upload-token allow-list and CSRF. Wrapped with fastify-plugin so its hooks apply to the scope
 * that registers it — the UI/API group — and never to the streaming routes (stack.md §3.1).
 *
 * Everything is decided in `onRequest`, before any body byte is read (§15): a refused upload is
 * never parsed, and an anonymous caller gets 401 even when its body would not validate.
 */
import secureSession, { type Session } from '@fastify/secure-session';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context.js';
import { CSRF_HEADER, csrfTokenMatches, sameOrigin } from '../auth/csrf.js';
import {
  MUTATING,
  enforcePermission,
  isPermission,
  type AuthRouteConfig,
  type Principal,
} from '../auth/permissions.js';
import {
  COOKIE_NAME,
  LAST_SEEN_EVERY_MS,
  SECURE_COOKIE_NAME,
  readSession,
  sessionKey,
  sessionOf,
  sessionUser,
  setField,
  writeSession,
  type SessionData,
} from '../auth/session.js';
import { findToken } from '../auth/tokens.js';
import { toBool } from '../storage/dialect.js';
import { ApiError, forbidden, loginRequired } from './api-errors.js';

export interface RequestAuth {
  principal: Principal | null;
  /** Whether the request authenticated (or tried to) with `Authorization: Bearer`. */
  bearer: boolean;
  /** The cookie's secure-session object; null for bearer requests and cookie-less routes. */
  session: Session | null;
  /** The cookie's content when it holds a valid one. */
  data: SessionData | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

/** Counts the requests this plugin looked at; the streaming test proves it stays still there. */
export const authStats = { requests: 0 };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The token of `Authorization: Bearer …`; undefined when the request does not use that scheme (a
 * proxy's Basic credentials, for example, leave the request a browser request), '' when empty.
 */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || !/^Bearer(\s|$)/i.test(header)) return undefined;
  return BEARER.exec(header)?.[1] ?? '';
}

async function authenticate(
  request: FastifyRequest,
  ctx: AppContext,
  config: AuthRouteConfig,
): Promise<RequestAuth> {
  const { db } = ctx.database;
  const token = bearerToken(request);
  // A request carrying both a token and a cookie is a bearer request (§3.5).
  if (token !== undefined) {
    const owner = token ? await findToken(db, token) : null;
    if (!owner) throw loginRequired('The bearer token is unknown, expired or revoked.');
    return {
      principal: {
        id: owner.user.id,
        username: owner.user.username,
        groups: owner.user.groups,
        mustChange: toBool(owner.user.must_change),
        via: owner.kind,
        tokenId: owner.tokenId,
      },
      bearer: true,
      session: null,
      data: null,
    };
  }
  if (config.noCookie) return { principal: null, bearer: false, session: null, data: null };
  const session = sessionOf(request, ctx.settings);
  let data = readSession(session);
  let principal: Principal | null = null;
  if (data?.userId !== undefined) {
    const now = Date.now();
    const user = await sessionUser(db, data, ctx.settings, now);
    if (user) {
      principal = {
        id: user.id,
        username: user.username,
        groups: user.groups,
        mustChange: toBool(user.must_change),
        via: 'cookie',
      };
      if (now - (data.lastSeen ?? 0) >= LAST_SEEN_EVERY_MS) setField(session, 'lastSeen', now);
    } else {
      // The login ended (expiry, epoch, logout elsewhere): keep the CSRF nonce, drop the user.
      data = { sid: data.sid, csrfNonce: data.csrfNonce };
      writeSession(session, data);
    }
  }
  return { principal, bearer: false, session, data };
}

function authorise(
  request: FastifyRequest,
  ctx: AppContext,
  config: AuthRouteConfig,
  auth: RequestAuth,
): void {
  const permission = config.permission ?? 'public';
  const { principal } = auth;
  if (permission !== 'public' && !(permission === 'read' && ctx.settings.anonymousRead) && !principal) {
    throw loginRequired();
  }
  // While the password must change, an account may only read its session, change the password
  // and log out (§3.3) — whatever the route's permission.
  if (principal?.mustChange && !config.mustChangeOk) {
    throw new ApiError(
      403,
      'password_change_required',
      'Change your password (POST /api/auth/password) before doing anything else.',
    );
  }
  enforcePermission(permission, principal, { anonymousRead: ctx.settings.anonymousRead });
  const mutating = MUTATING.has(request.method);
  if (principal?.via === 'upload' && mutating && !config.uploadToken) {
    throw forbidden('An upload token may not do this; log in or use an access token.');
  }
  if (auth.bearer && config.browserOnly) {
    throw forbidden('This is only available to a logged-in browser, not to bearer tokens.');
  }
  if (mutating && !auth.bearer && !config.noCookie) {
    if (!sameOrigin(request, ctx.settings.publicUrl)) {
      throw new ApiError(403, 'csrf_failed', 'Cross-site requests are refused.');
    }
    if (!csrfTokenMatches(ctx.secrets.csrf, auth.data?.csrfNonce, request.headers[CSRF_HEADER])) {
      throw new ApiError(
        403,
        'csrf_failed',
        'The X-CSRF-Token header is missing or does not match this session; fetch GET /api/auth/session for a fresh token.',
      );
    }
  }
}

export interface AuthPluginOptions {
  ctx: AppContext;
}

async function authPlugin(api: FastifyInstance, { ctx }: AuthPluginOptions): Promise<void> {
  const cookie = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    maxAge: Math.floor(ctx.settings.sessionMaxAge / 1000),
  };
  const key = sessionKey(ctx.secrets.session);
  // Two names for one cookie: `__Host-` whenever it is Secure (§3.4). Each request uses one.
  await api.register(secureSession, [
    {
      sessionName: 'session',
      cookieName: COOKIE_NAME,
      key,
      expiry: cookie.maxAge,
      cookie: { ...cookie, secure: false },
    },
    {
      sessionName: 'secureSession',
      cookieName: SECURE_COOKIE_NAME,
      key,
      expiry: cookie.maxAge,
      cookie: { ...cookie, secure: true },
    },
  ]);
  api.decorateRequest('auth', null as unknown as RequestAuth);

  // No route under /api without a declared permission (§3.1).
  api.addHook('onRoute', (route: RouteOptions) => {
    const permission = route.config?.permission;
    if (route.url.startsWith('/api') && !isPermission(permission)) {
      throw new Error(`${route.method.toString()} ${route.url}: API routes must declare config.permission`);
    }
  });

  api.addHook('onRequest', async (request) => {
    authStats.requests++;
    const config = request.routeOptions.config as AuthRouteConfig;
    request.auth = { principal: null, bearer: false, session: null, data: null };
    request.auth = await authenticate(request, ctx, config);
    if (request.auth.principal) request.log = request.log.child({ userId: request.auth.principal.id });
    authorise(request, ctx, config, request.auth);
  });
}

export default fp(authPlugin, { name: 'loopcast-auth', fastify: '5.x' });
