/**
 * `/api/auth/*` (spec app.md §4.3): the session, login, logout, password change, own account and
 * the CLI's access-token login. Login-type routes pass the rate limit (§3.6) before a password is
 * checked; unknown names and wrong passwords cost the same and answer the same (§3.2).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { csrfToken } from '../../auth/csrf.js';
import { isAdmin, isMedia } from '../../auth/groups.js';
import {
  hashPassword,
  needsRehash,
  passwordPolicyError,
  verifyDummy,
  verifyPassword,
} from '../../auth/passwords.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from '../../auth/rate-limit.js';
import {
  anonymousSession,
  loginSession,
  revokeSid,
  writeSession,
  type SessionData,
} from '../../auth/session.js';
import { createToken, revokeUserTokens } from '../../auth/tokens.js';
import {
  emailTaken,
  isUniqueViolation,
  toApiUser,
  userById,
  userByName,
  type UserRow,
} from '../../auth/users.js';
import { dbBool, nowIso } from '../../storage/dialect.js';
import { ApiError, conflict, invalidField, loginRequired } from '../../plugins/api-errors.js';
import {
  EmailSchema,
  PasswordSchema,
  SessionInfoSchema,
  TokenInfoSchema,
  UserSchema,
  type SessionInfo,
} from './schemas.js';
import { toTokenInfo } from './tokens.js';

const invalidCredentials = (): ApiError =>
  new ApiError(401, 'invalid_credentials', 'The user name or password is wrong.');

export function sessionInfo(ctx: AppContext, user: UserRow | null, data: SessionData | null): SessionInfo {
  return {
    user: user ? toApiUser(user) : null,
    permissions: { media: user ? isMedia(user.groups) : false, admin: user ? isAdmin(user.groups) : false },
    mustChange: user ? toApiUser(user).mustChange : false,
    csrfToken: data ? csrfToken(ctx.secrets.csrf, data.csrfNonce) : '',
  };
}

/** The rate limit of §3.6: 429 with Retry-After before any password is looked at. */
async function checkRateLimit(ctx: AppContext, request: FastifyRequest, username: string): Promise<void> {
  const wait = await loginRetryAfter(ctx.database.db, ctx.settings, username, request.ip);
  if (wait > 0) {
    request.log.warn({ username, ip: request.ip, retryAfter: wait }, 'login rate limited');
    ctx.metrics.loginAttempts.inc({ result: 'rate_limited' });
    throw new ApiError(429, 'rate_limited', `Too many failed attempts; try again in ${wait} seconds.`, {
      retryAfter: wait,
    });
  }
}

/** Verifies a user name and password; records the failure or clears the failures (§3.6). */
async function checkCredentials(
  ctx: AppContext,
  request: FastifyRequest,
  username: string,
  password: string,
): Promise<UserRow> {
  const { db } = ctx.database;
  await checkRateLimit(ctx, request, username);
  const user = await userByName(db, username);
  const ok = user ? await verifyPassword(user.password_hash, password) : await verifyDummy(password);
  if (!user || !ok) {
    await recordLoginFailure(db, username, request.ip);
    request.log.warn({ username, ip: request.ip }, 'login failed');
    ctx.metrics.loginAttempts.inc({ result: 'invalid' });
    throw invalidCredentials();
  }
  ctx.metrics.loginAttempts.inc({ result: 'ok' });
  await clearLoginFailures(db, username, request.ip);
  if (needsRehash(user.password_hash)) {
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', user.id)
      .execute();
  }
  return user;
}

const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 256 }), password: PasswordSchema },
  { additionalProperties: false },
);
const LogoutBody = Type.Object(
  { everywhere: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const PasswordBody = Type.Object(
  { currentPassword: PasswordSchema, newPassword: PasswordSchema },
  { additionalProperties: false },
);
const AccountBody = Type.Object(
  { email: Type.Union([EmailSchema, Type.Null()]) },
  { additionalProperties: false },
);
const TokenBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: PasswordSchema,
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export function registerAuthRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;

  api.get(
    '/api/auth/session',
    {
      config: { permission: 'public', mustChangeOk: true },
      schema: {
        summary: 'The caller’s session and CSRF token',
        operationId: 'getSession',
        response: { 200: SessionInfoSchema },
      },
    },
    async (request) => {
      const { principal, session } = request.auth;
      let data = request.auth.data;
      // The anonymous cookie carries the nonce the login form's CSRF token is bound to (§3.5).
      if (session && !data) {
        data = anonymousSession();
        writeSession(session, data);
      }
      const user = principal ? await userById(db, principal.id) : null;
      return sessionInfo(ctx, user, session ? data : null);
    },
  );

  api.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { permission: 'public', mustChangeOk: true },
      schema: {
        summary: 'Log in with a user name and password (sets the cookie)',
        operationId: 'login',
        body: LoginBody,
        response: { 200: SessionInfoSchema },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await checkCredentials(ctx, request, username, password);
      const now = nowIso();
      await db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
      const data = loginSession(user.id, user.session_epoch);
      // Bearer callers get no cookie; a login always replaces the cookie and its CSRF nonce.
      if (request.auth.session) writeSession(request.auth.session, data);
      request.log.info({ userId: user.id, username: user.username }, 'logged in');
      return sessionInfo(ctx, { ...user, last_login_at: now }, request.auth.session ? data : null);
    },
  );

  api.post<{ Body: { everywhere?: boolean } }>(
    '/api/auth/logout',
    {
      config: { permission: 'login', mustChangeOk: true },
      schema: {
        summary: 'Log out (everywhere: end every login and token)',
        operationId: 'logout',
        body: LogoutBody,
      },
    },
    async (request, reply) => {
      const { principal, session, data } = request.auth;
      if (!principal) throw loginRequired();
      if (request.body.everywhere) {
        await db
          .updateTable('users')
          .set((eb) => ({ session_epoch: eb('session_epoch', '+', 1), updated_at: nowIso() }))
          .where('id', '=', principal.id)
          .execute();
        await revokeUserTokens(db, principal.id);
      } else if (principal.tokenId !== undefined) {
        // A bearer caller logging out ends the token it used.
        await db
          .updateTable('api_tokens')
          .set({ revoked_at: nowIso() })
          .where('id', '=', principal.tokenId)
          .execute();
      }
      if (data) await revokeSid(db, data, ctx.settings);
      if (session) writeSession(session, anonymousSession());
      request.log.info({ userId: principal.id, everywhere: request.body.everywhere === true }, 'logged out');
      return reply.code(204).send();
    },
  );

  api.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    {
      config: { permission: 'login', mustChangeOk: true },
      schema: {
        summary: 'Change the caller’s password',
        operationId: 'changePassword',
        body: PasswordBody,
        response: { 200: SessionInfoSchema },
      },
    },
    async (request) => {
      const { principal, session } = request.auth;
      if (!principal) throw loginRequired();
      const { currentPassword, newPassword } = request.body;
      await checkRateLimit(ctx, request, principal.username);
      const user = await userById(db, principal.id);
      if (!user) throw loginRequired();
      if (!(await verifyPassword(user.password_hash, currentPassword))) {
        await recordLoginFailure(db, user.username, request.ip);
        request.log.warn(
          { userId: user.id, ip: request.ip },
          'password change with a wrong current password',
        );
        throw new ApiError(401, 'invalid_credentials', 'The current password is wrong.', {
          field: 'currentPassword',
        });
      }
      const policy = passwordPolicyError(newPassword, user.username);
      if (policy) throw invalidField('newPassword', policy);
      if (newPassword === currentPassword) {
        throw invalidField('newPassword', 'The new password must differ from the current one.');
      }
      const updated = await changePassword(ctx, user, newPassword, false);
      let data: SessionData | null = null;
      // The caller keeps its login: a fresh cookie for the new epoch (§3.4).
      if (session) {
        if (request.auth.data) await revokeSid(db, request.auth.data, ctx.settings);
        data = loginSession(user.id, updated.session_epoch);
        writeSession(session, data);
      }
      request.log.info({ userId: user.id }, 'password changed');
      return sessionInfo(ctx, updated, data);
    },
  );

  api.patch<{ Body: { email: string | null } }>(
    '/api/auth/account',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'Change the caller’s e-mail address',
        operationId: 'updateAccount',
        body: AccountBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const { principal } = request.auth;
      if (!principal) throw loginRequired();
      const { email } = request.body;
      if (email !== null && (await emailTaken(db, email, principal.id))) {
        throw conflict('That e-mail address belongs to another account.', 'email');
      }
      try {
        await db
          .updateTable('users')
          .set({ email, updated_at: nowIso() })
          .where('id', '=', principal.id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('That e-mail address belongs to another account.', 'email');
        throw err;
      }
      const user = await userById(db, principal.id);
      if (!user) throw loginRequired();
      request.log.info({ userId: user.id }, 'account e-mail changed');
      return toApiUser(user);
    },
  );

  api.post<{ Body: { username: string; password: string; description?: string } }>(
    '/api/auth/token',
    {
      config: { permission: 'public', noCookie: true, mustChangeOk: true },
      schema: {
        summary: 'Get an access token for a CLI with a user name and password',
        operationId: 'createAccessToken',
        body: TokenBody,
        response: { 200: Type.Object({ token: Type.String(), info: TokenInfoSchema, user: UserSchema }) },
      },
    },
    async (request) => {
      const { username, password, description } = request.body;
      const user = await checkCredentials(ctx, request, username, password);
      if (toApiUser(user).mustChange) {
        throw new ApiError(
          403,
          'password_change_required',
          'This account must change its password first; log in to the web UI to change it.',
        );
      }
      const created = await createToken(db, {
        userId: user.id,
        kind: 'access',
        ttlMs: ctx.settings.accessTokenTtl,
        description: description ?? null,
      });
      request.log.info({ userId: user.id, tokenId: created.row.id, kind: 'access' }, 'token created');
      return { token: created.token, info: toTokenInfo(created.row), user: toApiUser(user) };
    },
  );
}

/**
 * Sets a new password: clears the forced change (unless an admin asks for it), moves the session
 * epoch on and revokes every token of the user (§3.4, §3.7). Returns the updated row.
 */
export async function changePassword(
  ctx: AppContext,
  user: UserRow,
  password: string,
  mustChange: boolean,
): Promise<UserRow> {
  const { db } = ctx.database;
  const now = nowIso();
  const hashed = await hashPassword(password);
  await db
    .updateTable('users')
    .set((eb) => ({
      password_hash: hashed,
      must_change: dbBool(mustChange),
      session_epoch: eb('session_epoch', '+', 1),
      password_changed_at: now,
      updated_at: now,
    }))
    .where('id', '=', user.id)
    .execute();
  await revokeUserTokens(db, user.id);
  const updated = await userById(db, user.id);
  if (!updated) throw loginRequired();
  return updated;
}
