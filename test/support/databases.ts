/**
 * One fresh database per test file inside the tier's PostgreSQL cluster (testing.md §2.2), and the
 * SQLite equivalent, so storage tests run the same code against both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

let counter = 0;

export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'loopcast-sqlite-'));
  return {
    kind: 'sqlite',
    url: `sqlite:${join(dir, 'test.db')}`,
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** Null when the tier started no PostgreSQL (TEST_PG_URL unset). */
export async function postgresDatabase(): Promise<TestDatabase | null> {
  const base = process.env.TEST_PG_URL;
  if (!base) return null;
  const name = `t_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  return {
    kind: 'postgres',
    url,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
