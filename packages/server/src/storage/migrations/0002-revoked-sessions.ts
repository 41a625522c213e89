/**
 * `revoked_sessions(sid, expires_at)` (spec app.md §3.4): the sid of a logged-out cookie, so a copy
 * of it dies with the logout. Additive; rows are useless after `expires_at` and may be swept.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type DialectKind } from '../dialect.js';

export function revokedSessions(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('revoked_sessions')
        .addColumn('sid', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('revoked_sessions_expires_at')
        .on('revoked_sessions')
        .column('expires_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('revoked_sessions').execute();
    },
  };
}
