/**
 * The sweep (spec app.md §6.3): at start and hourly, one node — holding a lease row in
 * `server_state` for 10 minutes — removes pending blob rows older than an hour with their
 * objects, rows marked `deleting` with theirs, expired inspections with their blobs, stale staging
 * files of the local store, and the expired auth rows (tokens, login failures, revoked sessions).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { sweepAuthRows } from './auth/sweep.js';
import type { BlobStore } from './blobs/blob-store.js';
import { LocalBlobStore } from './blobs/local-blob-store.js';
import type { Settings } from './config/settings.js';
import { purgeExpired } from './inspect/inspections.js';
import type { Database } from './storage/schema.js';

const HOUR_MS = 3_600_000;
const LEASE_MS = 10 * 60_000;
const LEASE_KEY = 'sweep.lease';

/** Takes the lease when it is free or expired; true when this node holds it now. */
async function takeLease(db: Kysely<Database>, nowMs: number): Promise<boolean> {
  const until = String(nowMs + LEASE_MS);
  const updatedAt = new Date(nowMs).toISOString();
  await db
    .insertInto('server_state')
    .values({ key: LEASE_KEY, value: '0', updated_at: updatedAt })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // Lease values are epoch milliseconds of the same width for centuries, so text order is number order.
  const result = await db
    .updateTable('server_state')
    .set({ value: until, updated_at: updatedAt })
    .where('key', '=', LEASE_KEY)
    .where((eb) => eb.or([eb('value', '=', '0'), eb('value', '<', String(nowMs))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface SweepResult {
  ran: boolean;
  pendingBlobs: number;
  deletedBlobs: number;
  stagingFiles: number;
}

export async function sweepOnce(
  db: Kysely<Database>,
  blobs: BlobStore,
  settings: Pick<Settings, 'loginWindow'>,
  nowMs = Date.now(),
): Promise<SweepResult> {
  if (!(await takeLease(db, nowMs))) return { ran: false, pendingBlobs: 0, deletedBlobs: 0, stagingFiles: 0 };
  // Expired inspections first: their blobs pass through `deleting`, which the next step clears
  // should removing one of them fail here.
  await purgeExpired({ db, blobs }, new Date(nowMs).toISOString());
  const hourAgo = new Date(nowMs - HOUR_MS).toISOString();
  const doomed = await db
    .selectFrom('blobs')
    .select(['id', 'store_key', 'state'])
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('created_at', '<', hourAgo)]),
        eb('state', '=', 'deleting'),
      ]),
    )
    .execute();
  let pendingBlobs = 0;
  let deletedBlobs = 0;
  for (const blob of doomed) {
    await blobs.delete(blob.store_key);
    await db.deleteFrom('blobs').where('id', '=', blob.id).execute();
    if (blob.state === 'pending') pendingBlobs++;
    else deletedBlobs++;
  }
  const stagingFiles = blobs instanceof LocalBlobStore ? await blobs.removeStaleStaging(HOUR_MS, nowMs) : 0;
  await sweepAuthRows(db, settings, nowMs);
  return { ran: true, pendingBlobs, deletedBlobs, stagingFiles };
}

export function startSweeper(
  db: Kysely<Database>,
  blobs: BlobStore,
  settings: Pick<Settings, 'loginWindow'>,
  logger: FastifyBaseLogger,
): { stop(): void } {
  const run = () =>
    sweepOnce(db, blobs, settings).then(
      (result) => {
        if (result.ran) logger.info(result, 'sweep finished');
      },
      (err: unknown) => logger.warn({ err }, 'sweep failed'),
    );
  void run();
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
