/**
 * Storage of multi-period streams (drm-events.md §12.1): one MPS row, its Periods in order and
 * their tracks, always written whole (a replacement deletes what the body leaves out, §12.2).
 * Every change bumps the `streams` change counter so the streaming caches of every node reload.
 */
import type { MpsDefinition, MpsTrack, Role } from '@loopcast/dash';
import type { Kysely, Transaction } from 'kysely';
import { dbBool, fromJson, nowIso, toBool } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { bumpChangeCounter } from '../storage/server-state.js';

export interface StoredMps {
  definition: MpsDefinition;
  createdAt: string;
  updatedAt: string;
}

export interface MpsSummary {
  name: string;
  title: string;
  durationSeconds: number;
  periodCount: number;
}

/** Thrown when the name is taken by another MPS (→ 409). */
export class MpsNameTaken extends Error {}

export async function listMps(db: Kysely<Database>): Promise<MpsSummary[]> {
  const rows = await db
    .selectFrom('mp_streams')
    .leftJoin('mp_periods', 'mp_periods.mp_stream_id', 'mp_streams.id')
    .select((eb) => [
      'mp_streams.name',
      'mp_streams.title',
      eb.fn.count<number | string>('mp_periods.id').as('periods'),
      eb.fn.sum<number | string | null>('mp_periods.duration_ms').as('total'),
    ])
    .groupBy(['mp_streams.id', 'mp_streams.name', 'mp_streams.title'])
    .orderBy('mp_streams.title')
    .orderBy('mp_streams.name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    title: r.title,
    durationSeconds: Number(r.total ?? 0) / 1000,
    periodCount: Number(r.periods),
  }));
}

export async function getMps(db: Kysely<Database>, name: string): Promise<StoredMps | null> {
  const row = await db.selectFrom('mp_streams').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return null;
  const periods = await db
    .selectFrom('mp_periods')
    .innerJoin('streams', 'streams.id', 'mp_periods.stream_id')
    .select([
      'mp_periods.id',
      'mp_periods.pid',
      'mp_periods.start_ms',
      'mp_periods.duration_ms',
      'streams.directory',
    ])
    .where('mp_periods.mp_stream_id', '=', row.id)
    .orderBy('mp_periods.ordering')
    .execute();
  const tracks = periods.length
    ? await db
        .selectFrom('mp_tracks')
        .selectAll()
        .where(
          'period_id',
          'in',
          periods.map((p) => p.id),
        )
        .orderBy('id')
        .execute()
    : [];
  return {
    definition: {
      name: row.name,
      title: row.title,
      options: fromJson<Record<string, unknown>>(row.options) ?? {},
      periods: periods.map((p) => ({
        pid: p.pid,
        stream: p.directory,
        startMs: Number(p.start_ms),
        durationMs: Number(p.duration_ms),
        tracks: tracks
          .filter((t) => Number(t.period_id) === Number(p.id))
          .map((t): MpsTrack => ({
            trackId: Number(t.track_id),
            role: t.role as Role,
            lang: t.lang,
            encrypted: toBool(t.encrypted),
          })),
      })),
    },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

async function nameTaken(
  trx: Transaction<Database>,
  name: string,
  exceptId: number | null,
): Promise<boolean> {
  let q = trx.selectFrom('mp_streams').select('id').where('name', '=', name);
  if (exceptId !== null) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

async function writePeriods(trx: Transaction<Database>, mpsId: number, def: MpsDefinition): Promise<void> {
  const dirs = [...new Set(def.periods.map((p) => p.stream))];
  const streams = await trx
    .selectFrom('streams')
    .select(['id', 'directory'])
    .where('directory', 'in', dirs)
    .execute();
  const idOf = new Map(streams.map((s) => [s.directory, Number(s.id)]));
  for (const [ordering, p] of def.periods.entries()) {
    const streamId = idOf.get(p.stream);
    if (streamId === undefined) throw new Error(`stream ${p.stream} vanished while saving`);
    const period = await trx
      .insertInto('mp_periods')
      .values({
        mp_stream_id: mpsId,
        ordering,
        pid: p.pid,
        stream_id: streamId,
        start_ms: p.startMs,
        duration_ms: p.durationMs,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('mp_tracks')
      .values(
        p.tracks.map((t) => ({
          period_id: Number(period.id),
          track_id: t.trackId,
          role: t.role,
          lang: t.lang,
          encrypted: dbBool(t.encrypted),
        })),
      )
      .execute();
  }
}

export async function createMps(db: Kysely<Database>, def: MpsDefinition): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (await nameTaken(trx, def.name, null)) throw new MpsNameTaken(def.name);
    const now = nowIso();
    const row = await trx
      .insertInto('mp_streams')
      .values({
        name: def.name,
        title: def.title,
        options: JSON.stringify(def.options),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writePeriods(trx, Number(row.id), def);
    await bumpChangeCounter(trx, 'streams');
  });
}

/** Whole replacement of MPS `current` (which may be renamed); false when it does not exist. */
export async function replaceMps(
  db: Kysely<Database>,
  current: string,
  def: MpsDefinition,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('mp_streams')
      .select('id')
      .where('name', '=', current)
      .executeTakeFirst();
    if (!row) return false;
    const id = Number(row.id);
    if (await nameTaken(trx, def.name, id)) throw new MpsNameTaken(def.name);
    await trx
      .updateTable('mp_streams')
      .set({ name: def.name, title: def.title, options: JSON.stringify(def.options), updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
    // tracks go with their Periods (ON DELETE CASCADE)
    await trx.deleteFrom('mp_periods').where('mp_stream_id', '=', id).execute();
    await writePeriods(trx, id, def);
    await bumpChangeCounter(trx, 'streams');
    return true;
  });
}

export async function deleteMps(db: Kysely<Database>, name: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('mp_streams').where('name', '=', name).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) return false;
    await bumpChangeCounter(trx, 'streams');
    return true;
  });
}

/** Names of the MPSs whose Periods use a stream (for the stream delete's 409, app.md §4.4). */
export async function mpsUsingStream(db: Kysely<Database>, streamId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mp_periods')
    .innerJoin('mp_streams', 'mp_streams.id', 'mp_periods.mp_stream_id')
    .select('mp_streams.name')
    .distinct()
    .where('mp_periods.stream_id', '=', streamId)
    .orderBy('mp_streams.name')
    .execute();
  return rows.map((r) => r.name);
}
