/**
 * Bearer tokens (spec app.md §3.7): `lca_` (access) or `lcu_` (upload) and 43 base64url characters.
 * Only the SHA-256 of the token is stored, with its first 8 characters for display.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';

export type TokenKind = 'access' | 'upload';

const PREFIX: Record<TokenKind, string> = { access: 'lca_', upload: 'lcu_' };
const TOKEN = /^lc[au]_[A-Za-z0-9_-]{43}$/;

/** `last_used_at` is written at most this often per token (§3.7). */
const LAST_USED_EVERY_MS = 60_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface TokenRow {
  id: number;
  user_id: number;
  kind: TokenKind;
  prefix: string;
  description: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

export interface CreatedToken {
  token: string;
  row: TokenRow;
}

export async function createToken(
  db: Kysely<Database>,
  opts: { userId: number; kind: TokenKind; ttlMs: number; description?: string | null },
): Promise<CreatedToken> {
  const token = PREFIX[opts.kind] + randomBytes(32).toString('base64url');
  const now = Date.now();
  const row = await db
    .insertInto('api_tokens')
    .values({
      user_id: opts.userId,
      kind: opts.kind,
      token_hash: hashToken(token),
      prefix: token.slice(0, 8),
      description: opts.description ?? null,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + opts.ttlMs).toISOString(),
    })
    .returning(['id', 'user_id', 'kind', 'prefix', 'description', 'created_at', 'expires_at', 'last_used_at'])
    .executeTakeFirstOrThrow();
  return { token, row: { ...row, id: Number(row.id), user_id: Number(row.user_id) } };
}

export interface TokenOwner {
  tokenId: number;
  kind: TokenKind;
  user: {
    id: number;
    username: string;
    groups: number;
    must_change: boolean | number;
  };
}

/** The live token's owner, or null for an unknown, expired or revoked token. */
export async function findToken(
  db: Kysely<Database>,
  token: string,
  now = Date.now(),
): Promise<TokenOwner | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.kind',
      'api_tokens.last_used_at',
      'users.id',
      'users.username',
      'users.groups',
      'users.must_change',
    ])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('api_tokens.expires_at', '>', new Date(now).toISOString())
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || now - Date.parse(row.last_used_at) >= LAST_USED_EVERY_MS) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', row.token_id)
      .execute();
  }
  return {
    tokenId: Number(row.token_id),
    kind: row.kind,
    user: {
      id: Number(row.id),
      username: row.username,
      groups: Number(row.groups),
      must_change: row.must_change,
    },
  };
}

/** Revokes a user's tokens: all of them, or one kind (a change of groups revokes upload tokens). */
export async function revokeUserTokens(
  db: Kysely<Database>,
  userId: number,
  kind?: TokenKind,
): Promise<void> {
  let q = db
    .updateTable('api_tokens')
    .set({ revoked_at: nowIso() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (kind) q = q.where('kind', '=', kind);
  await q.execute();
}
