/**
 * The auth part of the hourly sweep (spec app.md §2.1, §3.4, §3.6): expired and revoked tokens,
 * failures older than the rate-limit window, and logged-out cookie ids past their expiry. Safe to
 * run on every node at once: each statement is an idempotent delete.
 */
import type { Kysely } from 'kysely';
import type { Settings } from '../config/settings.js';
import type { Database } from '../storage/schema.js';

export interface AuthSweepResult {
  tokens: number;
  loginFailures: number;
  revokedSessions: number;
}

export async function sweepAuthRows(
  db: Kysely<Database>,
  settings: Pick<Settings, 'loginWindow'>,
  now = Date.now(),
): Promise<AuthSweepResult> {
  const nowIso = new Date(now).toISOString();
  const tokens = await db
    .deleteFrom('api_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('revoked_at', 'is not', null)]))
    .executeTakeFirst();
  const failures = await db
    .deleteFrom('login_failures')
    .where('at', '<=', new Date(now - settings.loginWindow).toISOString())
    .executeTakeFirst();
  const sessions = await db
    .deleteFrom('revoked_sessions')
    .where('expires_at', '<=', nowIso)
    .executeTakeFirst();
  return {
    tokens: Number(tokens.numDeletedRows),
    loginFailures: Number(failures.numDeletedRows),
    revokedSessions: Number(sessions.numDeletedRows),
  };
}
