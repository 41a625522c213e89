/**
 * The key store (app.md §8, drm-events.md §2.2): KIDs with keys, computed keys from the
 * PlayReady test seed, where each key is used, and the licence server's lookup. Every change
 * bumps the `streams` change counter: stream models carry their keys (dash.md §5.1).
 */
import { testKeyHex } from '@loopcast/dash';
import type { Kysely } from 'kysely';
import { dbBool, nowIso, toBool } from '../storage/dialect.js';
import type { Database, KeysTable } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';

export type KeyAlg = KeysTable['alg'];
export type KeyOrigin = KeysTable['origin'];

export interface KeyRecord {
  kid: string;
  key: string;
  computed: boolean;
  alg: KeyAlg;
  origin: KeyOrigin;
  fileIds: number[];
  streams: string[];
}

export type KeyChange =
  | { kind: 'ok'; record: KeyRecord }
  | { kind: 'not-found' }
  | { kind: 'exists' }
  | { kind: 'in-use'; fileIds: number[]; streams: string[] };

async function usage(
  db: Kysely<Database>,
  kids: readonly string[] | null,
): Promise<{ files: Map<string, number[]>; streams: Map<string, string[]> }> {
  let fq = db
    .selectFrom('media_file_keys')
    .innerJoin('keys', 'keys.id', 'media_file_keys.key_id')
    .select(['keys.kid', 'media_file_keys.media_file_id'])
    .orderBy('media_file_keys.media_file_id');
  let sq = db.selectFrom('streams').select(['otf_kid', 'directory']).orderBy('directory');
  if (kids !== null) {
    if (kids.length === 0) return { files: new Map(), streams: new Map() };
    fq = fq.where('keys.kid', 'in', [...kids]);
    sq = sq.where('otf_kid', 'in', [...kids]);
  }
  const files = new Map<string, number[]>();
  for (const r of await fq.execute())
    files.set(r.kid, [...(files.get(r.kid) ?? []), Number(r.media_file_id)]);
  const streams = new Map<string, string[]>();
  for (const r of await sq.execute())
    streams.set(r.otf_kid, [...(streams.get(r.otf_kid) ?? []), r.directory]);
  return { files, streams };
}

type KeyRow = Pick<KeysTable, 'kid' | 'key' | 'alg' | 'origin'> & { computed: boolean | number };

function toRecord(row: KeyRow, use: Awaited<ReturnType<typeof usage>>): KeyRecord {
  return {
    kid: row.kid,
    key: row.key,
    computed: toBool(row.computed),
    alg: row.alg,
    origin: row.origin,
    fileIds: use.files.get(row.kid) ?? [],
    streams: use.streams.get(row.kid) ?? [],
  };
}

const COLUMNS = ['kid', 'key', 'computed', 'alg', 'origin'] as const;

export async function listKeys(db: Kysely<Database>): Promise<KeyRecord[]> {
  const rows = await db.selectFrom('keys').select(COLUMNS).orderBy('kid').execute();
  const use = await usage(db, null);
  return rows.map((r) => toRecord(r, use));
}

export async function getKey(db: Kysely<Database>, kid: string): Promise<KeyRecord | null> {
  const row = await db.selectFrom('keys').select(COLUMNS).where('kid', '=', kid).executeTakeFirst();
  return row ? toRecord(row, await usage(db, [kid])) : null;
}

/** A new key; without `key` it is computed from the KID with the test seed (drm-events.md §2.4). */
export async function addKey(
  db: Kysely<Database>,
  input: { kid: string; key?: string | null; alg?: KeyAlg; origin: KeyOrigin },
): Promise<KeyChange> {
  const exists = await db.selectFrom('keys').select('id').where('kid', '=', input.kid).executeTakeFirst();
  if (exists) return { kind: 'exists' };
  const now = nowIso();
  const computed = !input.key;
  await db
    .insertInto('keys')
    .values({
      kid: input.kid,
      key: input.key || testKeyHex(input.kid),
      computed: dbBool(computed),
      alg: input.alg ?? 'AESCTR',
      origin: input.origin,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await bumpChangeCounter(db, 'streams');
  const record = await getKey(db, input.kid);
  return record ? { kind: 'ok', record } : { kind: 'not-found' };
}

/** `key: null` recomputes the key (computed again); a value makes it a real key. */
export async function updateKey(
  db: Kysely<Database>,
  kid: string,
  change: { key?: string | null; alg?: KeyAlg },
): Promise<KeyChange> {
  const row = await db.selectFrom('keys').select('id').where('kid', '=', kid).executeTakeFirst();
  if (!row) return { kind: 'not-found' };
  const set: Partial<{ key: string; computed: 0 | 1; alg: KeyAlg; updated_at: string }> = {
    updated_at: nowIso(),
  };
  if (change.key === null) Object.assign(set, { key: testKeyHex(kid), computed: dbBool(true) });
  else if (change.key !== undefined) Object.assign(set, { key: change.key, computed: dbBool(false) });
  if (change.alg !== undefined) set.alg = change.alg;
  await db.updateTable('keys').set(set).where('id', '=', row.id).execute();
  await bumpChangeCounter(db, 'streams');
  const record = await getKey(db, kid);
  return record ? { kind: 'ok', record } : { kind: 'not-found' };
}

/** Refused while media files or a stream's on-the-fly KID use the key (app.md §8). */
export async function deleteKey(db: Kysely<Database>, kid: string): Promise<KeyChange> {
  const record = await getKey(db, kid);
  if (!record) return { kind: 'not-found' };
  if (record.fileIds.length > 0 || record.streams.length > 0)
    return { kind: 'in-use', fileIds: record.fileIds, streams: record.streams };
  await db.deleteFrom('keys').where('kid', '=', kid).execute();
  await bumpChangeCounter(db, 'streams');
  return { kind: 'ok', record };
}

/** Stores a computed key for a KID unless the KID is already there (indexing, stream creation). */
export async function ensureComputedKey(
  db: Kysely<Database>,
  kid: string,
  origin: KeyOrigin,
): Promise<number> {
  const found = await db.selectFrom('keys').select('id').where('kid', '=', kid).executeTakeFirst();
  if (found) return Number(found.id);
  const now = nowIso();
  const row = await db
    .insertInto('keys')
    .values({
      kid,
      key: testKeyHex(kid),
      computed: dbBool(true),
      alg: 'AESCTR',
      origin,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * The licence server's lookup (drm-events.md §5.2): keys of the requested KIDs that some media
 * file or some stream's on-the-fly KID uses; other KIDs are left out.
 */
export async function keysInUse(db: Kysely<Database>, kids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (kids.length === 0) return out;
  const rows = await db
    .selectFrom('keys')
    .select(['kid', 'key'])
    .where('kid', 'in', [...kids])
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('media_file_keys')
            .select('media_file_keys.key_id')
            .whereRef('media_file_keys.key_id', '=', 'keys.id'),
        ),
        eb.exists(eb.selectFrom('streams').select('streams.id').whereRef('streams.otf_kid', '=', 'keys.kid')),
      ]),
    )
    .execute();
  for (const r of rows) if (r.key) out.set(r.kid, r.key);
  return out;
}
