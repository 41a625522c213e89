/**
 * Opens the database named by DATABASE_URL: SQLite through better-sqlite3 (embedded default) or
 * PostgreSQL through pg. One Kysely<Database> type serves both (spec app.md §2, §13.1).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResult } from 'kysely';
import type pg from 'pg';
import type { DialectKind } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DialectKind;
  /** Runs pending migrations under Kysely's migration lock; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers `select 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseError extends Error {}

// PostgreSQL returns int8 as text and timestamptz as Date; the storage layer promises plain numbers
// (every 64-bit value loopcast stores fits in 2^53) and ISO-8601 UTC text, as SQLite gives.
const PG_INT8 = 20;
const PG_TIMESTAMPTZ = 1184;
const pgTypes = (types: typeof pg.types): pg.CustomTypesConfig => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (oid === PG_INT8) return (value: string) => Number(value);
    if (oid === PG_TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
    return types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
});

/** Opens the database; the PostgreSQL driver is loaded only when it is used (start-up time). */
export async function openDatabase(url: string, poolSize = 10): Promise<OpenDatabase> {
  let db: Kysely<Database>;
  let kind: DialectKind;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    kind = 'sqlite';
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pgModule } = await import('pg');
    const pool = new pgModule.Pool({ connectionString: url, max: poolSize, types: pgTypes(pgModule.types) });
    // An idle client losing its connection must not crash the process: the pool replaces it.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    kind = 'postgres';
  } else {
    throw new DatabaseError(`unsupported DATABASE_URL ${url}: expected sqlite:PATH or postgres://…`);
  }
  return {
    db,
    kind,
    async migrate() {
      const migrator = new Migrator({ db, provider: migrationProvider(kind) });
      const { error, results } = await migrator.migrateToLatest();
      const failed = results?.find((r: MigrationResult) => r.status === 'Error');
      if (error || failed) {
        const reason =
          error instanceof Error ? error.message : `migration ${failed?.migrationName ?? 'unknown'} failed`;
        throw new DatabaseError(`database migration failed: ${reason}`);
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
