/**
 * The first admin account (spec app.md §3.3): created on first start from the settings, with a
 * random password printed once when none was configured.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { dbBool, nowIso } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { GROUP_ADMIN, GROUP_MEDIA, GROUP_USER } from './groups.js';
import { hashPassword } from './passwords.js';

export interface FirstAdminResult {
  username: string;
  /** Set only when the password was generated and must be shown once. */
  generatedPassword: string | null;
}

export function randomPassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** Creates the first admin when the users table is empty; returns null when users exist. */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
  opts: { username: string; password?: string; email?: string; mustChange: boolean },
): Promise<FirstAdminResult | null> {
  const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const password = opts.password ?? randomPassword();
  const now = nowIso();
  const inserted = await db
    .insertInto('users')
    .values({
      username: opts.username,
      username_lower: opts.username.toLowerCase(),
      email: opts.email ?? null,
      password_hash: await hashPassword(password),
      groups: GROUP_ADMIN | GROUP_MEDIA | GROUP_USER,
      must_change: dbBool(opts.mustChange),
      created_at: now,
      updated_at: now,
      password_changed_at: now,
    })
    .onConflict((oc) => oc.column('username_lower').doNothing())
    .executeTakeFirst();
  // Another node may have created it in the meantime: then there is nothing to announce.
  if (!inserted.numInsertedOrUpdatedRows) return null;
  return { username: opts.username, generatedPassword: opts.password ? null : password };
}
