/**
 * `loopcast migrate`: applies pending database migrations and exits, so a rolling upgrade of
 * several nodes can migrate once before the new release starts anywhere (app.md §13.4). The nodes
 * would do the same at start under the migration lock; this makes it an explicit step.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../config/load.js';
import { openDatabase } from '../storage/database.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';

export const migrateHelp = (): string =>
  [
    'Usage: loopcast migrate',
    '',
    'Applies pending migrations to the database named by DATABASE_URL (or the SQLite file in the',
    'data folder) and exits. Run it once before a rolling upgrade of several nodes.',
    '',
    '  --data DIR   Data folder (SQLite file) [LOOPCAST_DATA]',
    '  --help       Show this help',
  ].join('\n');

export async function runMigrate(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['--data'], ['--help']);
  if (args.booleans.has('--help')) {
    io.stdout(migrateHelp());
    return 0;
  }
  const data = args.values.get('--data');
  const { settings, warnings } = loadSettings({ flags: data ? { data } : {} });
  for (const warning of warnings) io.stderr(warning);
  if (!settings.databaseUrl) mkdirSync(settings.data, { recursive: true });
  const database = await openDatabase(
    settings.databaseUrl ?? `sqlite:${join(settings.data, 'loopcast.db')}`,
    settings.dbPool,
  );
  try {
    const applied = await database.migrate();
    io.stdout(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
    return 0;
  } finally {
    await database.close();
  }
}
