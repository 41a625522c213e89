/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
import type { Migration, MigrationProvider } from 'kysely';
import type { DialectKind } from '../dialect.js';
import { initialSchema } from './0001-initial.js';
import { revokedSessions } from './0002-revoked-sessions.js';
import { multiPeriod } from './0003-multi-period.js';

export function migrationProvider(kind: DialectKind): MigrationProvider {
  return {
    getMigrations: (): Promise<Record<string, Migration>> =>
      Promise.resolve({
        '0001-initial': initialSchema(kind),
        '0002-revoked-sessions': revokedSessions(kind),
        '0003-multi-period': multiPeriod(kind),
      }),
  };
}
