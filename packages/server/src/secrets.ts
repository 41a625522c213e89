/**
 * Session and CSRF secrets (spec app.md §12.3): explicit settings win; otherwise 32 random bytes are
 * generated once and kept in `server_state`, so logins survive restarts and every node agrees.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Settings } from './config/settings.js';
import type { Database } from './storage/schema.js';
import { setStateOnce } from './storage/server-state.js';

export interface Secrets {
  session: string;
  csrf: string;
}

export const newSecret = (): string => randomBytes(32).toString('base64url');

export async function loadSecrets(db: Kysely<Database>, settings: Settings): Promise<Secrets> {
  const session = settings.sessionSecret ?? (await setStateOnce(db, 'secret.session', newSecret()));
  const csrf = settings.csrfSecret ?? (await setStateOnce(db, 'secret.csrf', newSecret()));
  return { session, csrf };
}
