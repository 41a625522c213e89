/** Small key/value rows shared by every node (spec app.md §2.1 `server_state`). */
import type { Kysely } from 'kysely';
import { nowIso } from './dialect.js';
import type { Database } from './schema.js';

export async function getState(db: Kysely<Database>, key: string): Promise<string | null> {
  const row = await db.selectFrom('server_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setState(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('server_state')
    .values({ key, value, updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso() }))
    .execute();
}

/** Sets `key` only when it is absent; returns the value that is stored afterwards (ours or another node's). */
export async function setStateOnce(db: Kysely<Database>, key: string, value: string): Promise<string> {
  await db
    .insertInto('server_state')
    .values({ key, value, updated_at: nowIso() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getState(db, key)) ?? value;
}

export async function bumpChangeCounter(db: Kysely<Database>, name: 'streams' | 'music'): Promise<void> {
  await db
    .updateTable('change_counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', name)
    .execute();
}

export async function readChangeCounter(db: Kysely<Database>, name: 'streams' | 'music'): Promise<number> {
  const row = await db
    .selectFrom('change_counters')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}
