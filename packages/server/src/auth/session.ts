/**
 * The login cookie (spec app.md §3.4): sealed by @fastify/secure-session with a key derived by
 * HKDF-SHA-256 from the session secret. It holds `{sid, userId, epoch, issuedAt, lastSeen,
 * csrfNonce}` (times in ms) and nothing is kept in server memory, so any node serves any request.
 * A login is valid while its epoch equals the user's `session_epoch`, its sid is not in
 * `revoked_sessions`, it was seen within the TTL and issued within the max age.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Session } from '@fastify/secure-session';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Settings } from '../config/settings.js';
import type { Database } from '../storage/schema.js';
import { newCsrfNonce } from './csrf.js';

export const COOKIE_NAME = 'loopcast_session';
/** With `Secure`, the `__Host-` name stops sibling subdomains from planting the cookie (§3.4). */
export const SECURE_COOKIE_NAME = '__Host-loopcast_session';

/** `lastSeen` is refreshed at most this often, so most requests set no cookie (§3.4). */
export const LAST_SEEN_EVERY_MS = 5 * 60_000;

export interface SessionData {
  sid: string;
  csrfNonce: string;
  userId?: number;
  epoch?: number;
  issuedAt?: number;
  lastSeen?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The secure-session object for the `__Host-` cookie (HTTPS requests). */
    secureSession: Session;
  }
}

export const sessionKey = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'loopcast', 'loopcast session cookie v1', 32));

export const newSid = (): string => randomBytes(16).toString('base64url');

export type CookieSettings = Pick<Settings, 'cookieSecure'>;

/** `Secure` when the request came over HTTPS (directly or via a trusted proxy) or the setting says so. */
export const cookieIsSecure = (request: FastifyRequest, settings: CookieSettings): boolean =>
  settings.cookieSecure === 'true' || (settings.cookieSecure === 'auto' && request.protocol === 'https');

/** The secure-session object this request's cookie lives in. */
export const sessionOf = (request: FastifyRequest, settings: CookieSettings): Session =>
  cookieIsSecure(request, settings) ? request.secureSession : request.session;

export function readSession(session: Session): SessionData | null {
  const data: Partial<SessionData> | undefined = session.data();
  if (!data || typeof data.sid !== 'string' || typeof data.csrfNonce !== 'string') return null;
  return data as SessionData;
}

/** Replaces the cookie's content wholesale (login, logout, a re-issue after a password change). */
export function writeSession(session: Session, data: SessionData): void {
  session.regenerate();
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) setField(session, key as keyof SessionData, value as string | number);
  }
}

/** secure-session types its setter by an empty interface; our fields are the ones above. */
export const setField = (session: Session, key: keyof SessionData, value: string | number): void =>
  (session as unknown as { set(key: string, value: unknown): void }).set(key, value);

export const anonymousSession = (): SessionData => ({ sid: newSid(), csrfNonce: newCsrfNonce() });

export const loginSession = (userId: number, epoch: number, now = Date.now()): SessionData => ({
  sid: newSid(),
  csrfNonce: newCsrfNonce(),
  userId,
  epoch,
  issuedAt: now,
  lastSeen: now,
});

export interface SessionUser {
  id: number;
  username: string;
  groups: number;
  must_change: boolean | number;
}

/**
 * The user behind a login cookie, or null when the login has expired, the epoch moved on or the sid
 * was logged out: one query checks the epoch and the revocation list together (§3.4).
 */
export async function sessionUser(
  db: Kysely<Database>,
  data: SessionData,
  settings: Pick<Settings, 'sessionTtl' | 'sessionMaxAge'>,
  now = Date.now(),
): Promise<SessionUser | null> {
  if (data.userId === undefined || data.epoch === undefined) return null;
  if (now - (data.issuedAt ?? 0) > settings.sessionMaxAge) return null;
  if (now - (data.lastSeen ?? 0) > settings.sessionTtl) return null;
  const row = await db
    .selectFrom('users')
    .leftJoin('revoked_sessions', (join) => join.on('revoked_sessions.sid', '=', data.sid))
    .select(['users.id', 'users.username', 'users.groups', 'users.must_change', 'revoked_sessions.sid'])
    .where('users.id', '=', data.userId)
    .where('users.session_epoch', '=', data.epoch)
    .executeTakeFirst();
  if (!row || row.sid !== null) return null;
  return {
    id: Number(row.id),
    username: row.username,
    groups: Number(row.groups),
    must_change: row.must_change,
  };
}

/** Records a logged-out cookie's sid until the cookie could have expired anyway. */
export async function revokeSid(
  db: Kysely<Database>,
  data: SessionData,
  settings: Pick<Settings, 'sessionMaxAge'>,
): Promise<void> {
  const expires = new Date((data.issuedAt ?? Date.now()) + settings.sessionMaxAge).toISOString();
  await db
    .insertInto('revoked_sessions')
    .values({ sid: data.sid, expires_at: expires })
    .onConflict((oc) => oc.column('sid').doNothing())
    .execute();
}
