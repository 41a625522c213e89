/**
 * `/api/tokens` (spec app.md §3.7, §4.3): list own tokens (admins: everyone's with `?all=1`),
 * create upload tokens from a logged-in browser, revoke a token. Secrets are shown once.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { isAdmin } from '../../auth/groups.js';
import { assertOwner } from '../../auth/permissions.js';
import { createToken, type TokenRow } from '../../auth/tokens.js';
import { nowIso } from '../../storage/dialect.js';
import { forbidden, invalidField, loginRequired, notFound } from '../../plugins/api-errors.js';
import { IdParams, TokenInfoSchema, type TokenInfo } from './schemas.js';

export const toTokenInfo = (row: TokenRow, username?: string): TokenInfo => ({
  id: Number(row.id),
  kind: row.kind,
  prefix: row.prefix,
  description: row.description ?? '',
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
  ...(username !== undefined ? { username } : {}),
});

const ListQuery = Type.Object(
  {
    all: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')]),
    ),
  },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  {
    kind: Type.Literal('upload'),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    ttlSeconds: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export function registerTokenRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;

  api.get<{ Querystring: { all?: '1' | 'true' | '0' | 'false' } }>(
    '/api/tokens',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'List the caller’s tokens (admins: everyone’s with all=1)',
        operationId: 'listTokens',
        querystring: ListQuery,
        response: { 200: Type.Array(TokenInfoSchema) },
      },
    },
    async (request) => {
      const { principal } = request.auth;
      if (!principal) throw loginRequired();
      const all = request.query.all === '1' || request.query.all === 'true';
      if (all && !isAdmin(principal.groups)) throw forbidden('Only admins may list every user’s tokens.');
      let q = db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .select([
          'api_tokens.id',
          'api_tokens.user_id',
          'api_tokens.kind',
          'api_tokens.prefix',
          'api_tokens.description',
          'api_tokens.created_at',
          'api_tokens.expires_at',
          'api_tokens.last_used_at',
          'users.username',
        ])
        .where('api_tokens.revoked_at', 'is', null)
        .where('api_tokens.expires_at', '>', nowIso())
        .orderBy('api_tokens.created_at', 'desc')
        .orderBy('api_tokens.id', 'desc');
      if (!all) q = q.where('api_tokens.user_id', '=', principal.id);
      const rows = await q.execute();
      return rows.map((r) => toTokenInfo(r, all ? r.username : undefined));
    },
  );

  api.post<{ Body: { kind: 'upload'; description?: string; ttlSeconds?: number } }>(
    '/api/tokens',
    {
      config: { permission: 'media', browserOnly: true },
      schema: {
        summary: 'Create an upload token',
        operationId: 'createUploadToken',
        body: CreateBody,
        response: { 201: Type.Object({ token: Type.String(), info: TokenInfoSchema }) },
      },
    },
    async (request, reply) => {
      const { principal } = request.auth;
      if (!principal) throw loginRequired();
      const maxSeconds = Math.floor(ctx.settings.uploadTokenMaxTtl / 1000);
      const ttlSeconds = request.body.ttlSeconds ?? Math.floor(ctx.settings.uploadTokenTtl / 1000);
      if (ttlSeconds < 60 || ttlSeconds > maxSeconds) {
        throw invalidField(
          'ttlSeconds',
          `ttlSeconds must be from 60 to ${maxSeconds} (LOOPCAST_UPLOAD_TOKEN_MAX_TTL).`,
        );
      }
      const created = await createToken(db, {
        userId: principal.id,
        kind: 'upload',
        ttlMs: ttlSeconds * 1000,
        description: request.body.description ?? null,
      });
      request.log.info({ userId: principal.id, tokenId: created.row.id, kind: 'upload' }, 'token created');
      return reply.code(201).send({ token: created.token, info: toTokenInfo(created.row) });
    },
  );

  api.delete<{ Params: { id: number } }>(
    '/api/tokens/:id',
    {
      config: { permission: 'owner' },
      schema: { summary: 'Revoke a token', operationId: 'revokeToken', params: IdParams },
    },
    async (request, reply) => {
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'user_id'])
        .where('id', '=', request.params.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw notFound(`No token with id ${request.params.id}.`);
      assertOwner(request.auth.principal, Number(row.user_id));
      await db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', row.id).execute();
      request.log.info({ userId: request.auth.principal?.id, tokenId: row.id }, 'token revoked');
      return reply.code(204).send();
    },
  );
}
