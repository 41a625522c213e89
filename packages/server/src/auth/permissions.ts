/**
 * The permission model (spec app.md §3.1). Every `/api` route declares one permission in its route
 * options, `config: { permission: 'admin' }`; the API scope refuses to register a route without
 * one, and its onRequest hook enforces it before any body byte is read (§15).
 *
 *   public  anyone
 *   read    anyone while LOOPCAST_ANONYMOUS_READ is true, otherwise `login`
 *   login   any logged-in account (groups user, media or admin)
 *   media   media or admin group
 *   admin   admin group
 *   owner   logged in; the handler then allows only the row's owner or an admin (`assertOwner`)
 */
import { forbidden, loginRequired } from '../plugins/api-errors.js';
import { isAdmin, isMedia } from './groups.js';

export const PERMISSIONS = ['public', 'read', 'login', 'media', 'admin', 'owner'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Route options under `config` that the API scope reads (app.md §3.1, §3.3, §3.5, §3.7). */
export interface AuthRouteConfig {
  permission?: Permission;
  /** Allowed while the account must change its password (§3.3): session, password, logout. */
  mustChangeOk?: boolean;
  /** On the upload-token allow-list (§3.7); GET routes are on it implicitly. */
  uploadToken?: boolean;
  /** Refused to bearer requests (`POST /api/tokens`: a browser request only, §4.3). */
  browserOnly?: boolean;
  /** Ignores the cookie entirely and so needs no CSRF token (`POST /api/auth/token`, §4.3). */
  noCookie?: boolean;
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface FastifyContextConfig extends AuthRouteConfig {}
}

export interface Principal {
  id: number;
  username: string;
  groups: number;
  mustChange: boolean;
  /** How the caller authenticated. */
  via: 'cookie' | 'access' | 'upload';
  tokenId?: number;
}

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);

export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Throws the 401/403 the caller gets for a route, or returns when it may proceed. */
export function enforcePermission(
  permission: Permission,
  principal: Principal | null,
  opts: { anonymousRead: boolean },
): void {
  if (permission === 'public') return;
  if (permission === 'read' && opts.anonymousRead) return;
  if (!principal) throw loginRequired();
  if (permission === 'media' && !isMedia(principal.groups)) {
    throw forbidden('This needs an account in the media or admin group.');
  }
  if (permission === 'admin' && !isAdmin(principal.groups)) {
    throw forbidden('This needs an account in the admin group.');
  }
}

/** For `owner` routes: the row's owner or an admin. */
export function assertOwner(principal: Principal | null, ownerId: number): void {
  if (!principal) throw loginRequired();
  if (principal.id !== ownerId && !isAdmin(principal.groups)) {
    throw forbidden('Only the owner or an admin may do this.');
  }
}
