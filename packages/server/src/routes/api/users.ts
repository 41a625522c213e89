/**
 * `/api/users` (spec app.md §4.3): user management for admins; a user may read its own row.
 * Changes that end logins (password, groups) move the session epoch on and revoke tokens (§3.4,
 * §3.7); the last admin can be neither demoted nor deleted.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { groupMask, isAdmin, type GroupName } from '../../auth/groups.js';
import { hashPassword, passwordPolicyError } from '../../auth/passwords.js';
import { assertOwner } from '../../auth/permissions.js';
import { loginSession, revokeSid, writeSession } from '../../auth/session.js';
import { revokeUserTokens } from '../../auth/tokens.js';
import {
  countOtherAdmins,
  emailTaken,
  isUniqueViolation,
  listUsers,
  toApiUser,
  userById,
  userByName,
} from '../../auth/users.js';
import { dbBool, nowIso } from '../../storage/dialect.js';
import type { UsersTable } from '../../storage/schema.js';
import { conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import { EmailSchema, GroupSchema, IdParams, PasswordSchema, UserSchema, UsernameSchema } from './schemas.js';

const Groups = Type.Array(GroupSchema, { uniqueItems: true, maxItems: 3 });

const CreateBody = Type.Object(
  {
    username: UsernameSchema,
    email: Type.Optional(Type.Union([EmailSchema, Type.Null()])),
    password: PasswordSchema,
    groups: Groups,
    mustChange: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    username: Type.Optional(UsernameSchema),
    email: Type.Optional(Type.Union([EmailSchema, Type.Null()])),
    password: Type.Optional(PasswordSchema),
    groups: Type.Optional(Groups),
    mustChange: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

interface CreateUser {
  username: string;
  email?: string | null;
  password: string;
  groups: GroupName[];
  mustChange?: boolean;
}
type PatchUser = Partial<CreateUser>;

const taken = (field: 'username' | 'email') =>
  conflict(
    field === 'username' ? 'That user name is taken.' : 'That e-mail address belongs to another account.',
    field,
  );

export function registerUserRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;

  api.get(
    '/api/users',
    {
      config: { permission: 'admin' },
      schema: { summary: 'List users', operationId: 'listUsers', response: { 200: Type.Array(UserSchema) } },
    },
    async () => (await listUsers(db)).map(toApiUser),
  );

  api.post<{ Body: CreateUser }>(
    '/api/users',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Create a user',
        operationId: 'createUser',
        body: CreateBody,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const policy = passwordPolicyError(body.password, body.username);
      if (policy) throw invalidField('password', policy);
      if (await userByName(db, body.username)) throw taken('username');
      if (body.email && (await emailTaken(db, body.email))) throw taken('email');
      const now = nowIso();
      let id: number;
      try {
        const row = await db
          .insertInto('users')
          .values({
            username: body.username,
            username_lower: body.username.toLowerCase(),
            email: body.email ?? null,
            password_hash: await hashPassword(body.password),
            groups: groupMask(body.groups),
            // Accounts created by an admin change their password at first login unless unticked (§3.3).
            must_change: dbBool(body.mustChange ?? true),
            created_at: now,
            updated_at: now,
            password_changed_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(row.id);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('That user name or e-mail address is taken.');
        throw err;
      }
      const user = await userById(db, id);
      if (!user) throw notFound(`No user with id ${id}.`);
      request.log.info(
        { userId: request.auth.principal?.id, created: id, groups: body.groups },
        'user created',
      );
      return reply.code(201).send(toApiUser(user));
    },
  );

  api.get<{ Params: { id: number } }>(
    '/api/users/:id',
    {
      config: { permission: 'owner' },
      schema: {
        summary: 'Get a user (admins, or the user itself)',
        operationId: 'getUser',
        params: IdParams,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      assertOwner(request.auth.principal, request.params.id);
      const user = await userById(db, request.params.id);
      if (!user) throw notFound(`No user with id ${request.params.id}.`);
      return toApiUser(user);
    },
  );

  api.patch<{ Params: { id: number }; Body: PatchUser }>(
    '/api/users/:id',
    {
      config: { permission: 'admin' },
      schema: {
        summary: 'Change a user’s name, e-mail, password, groups or must-change flag',
        operationId: 'updateUser',
        params: IdParams,
        body: PatchBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      const user = await userById(db, id);
      if (!user) throw notFound(`No user with id ${id}.`);
      const username = body.username ?? user.username;
      if (body.username !== undefined && body.username.toLowerCase() !== user.username.toLowerCase()) {
        if (await userByName(db, body.username)) throw taken('username');
      }
      if (body.email && (await emailTaken(db, body.email, id))) throw taken('email');
      if (body.password !== undefined) {
        const policy = passwordPolicyError(body.password, username);
        if (policy) throw invalidField('password', policy);
      }
      const groups = body.groups ? groupMask(body.groups) : user.groups;
      if (isAdmin(user.groups) && !isAdmin(groups) && (await countOtherAdmins(db, id)) === 0) {
        throw conflict('This is the last admin; make another account an admin first.', 'groups');
      }
      const groupsChanged = groups !== user.groups;
      const now = nowIso();
      const changes: Partial<{ [K in keyof UsersTable]: unknown }> = { updated_at: now };
      if (body.username !== undefined) {
        changes.username = body.username;
        changes.username_lower = body.username.toLowerCase();
      }
      if (body.email !== undefined) changes.email = body.email;
      if (body.mustChange !== undefined) changes.must_change = dbBool(body.mustChange);
      if (body.password !== undefined) {
        changes.password_hash = await hashPassword(body.password);
        changes.password_changed_at = now;
      }
      if (groupsChanged) changes.groups = groups;
      const endLogins = body.password !== undefined || groupsChanged;
      try {
        await db
          .updateTable('users')
          .set((eb) => ({
            ...(changes as Record<string, never>),
            ...(endLogins ? { session_epoch: eb('session_epoch', '+', 1) } : {}),
          }))
          .where('id', '=', id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('That user name or e-mail address is taken.');
        throw err;
      }
      // A reset revokes every token; a change of groups revokes the upload tokens (§3.7).
      if (body.password !== undefined) await revokeUserTokens(db, id);
      else if (groupsChanged) await revokeUserTokens(db, id, 'upload');
      const updated = await userById(db, id);
      if (!updated) throw notFound(`No user with id ${id}.`);
      // An admin editing its own password or groups keeps its login: a fresh cookie (§3.4).
      const { principal, session } = request.auth;
      if (endLogins && session && principal?.id === id) {
        if (request.auth.data) await revokeSid(db, request.auth.data, ctx.settings);
        // Same CSRF nonce: this answer is a User, so the page could not learn a new token from it.
        const fresh = loginSession(id, updated.session_epoch);
        writeSession(session, { ...fresh, csrfNonce: request.auth.data?.csrfNonce ?? fresh.csrfNonce });
      }
      request.log.info(
        {
          userId: request.auth.principal?.id,
          changed: id,
          fields: Object.keys(body).filter((k) => k !== 'password'),
          passwordReset: body.password !== undefined,
        },
        'user changed',
      );
      return toApiUser(updated);
    },
  );

  api.delete<{ Params: { id: number } }>(
    '/api/users/:id',
    {
      config: { permission: 'admin' },
      schema: { summary: 'Delete a user', operationId: 'deleteUser', params: IdParams },
    },
    async (request, reply) => {
      const { id } = request.params;
      const user = await userById(db, id);
      if (!user) throw notFound(`No user with id ${id}.`);
      if (request.auth.principal?.id === id) throw conflict('You cannot delete your own account.');
      if (isAdmin(user.groups) && (await countOtherAdmins(db, id)) === 0) {
        throw conflict('This is the last admin; it cannot be deleted.');
      }
      // Tokens go with the row (ON DELETE CASCADE); cookies die because the row is gone.
      await db.deleteFrom('users').where('id', '=', id).execute();
      request.log.info({ userId: request.auth.principal?.id, deleted: id }, 'user deleted');
      return reply.code(204).send();
    },
  );
}
