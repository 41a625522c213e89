/**
 * Follows the music folder (spec daap.md §11.4): an initial sync at start, then chokidar events
 * debounced by one second, so a bulk copy becomes one sync and one DAAP revision.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Settings } from '../config/settings.js';
import type { Database } from '../storage/schema.js';
import { syncMusicFolder } from './folder-sync.js';
import type { MusicFormat } from './read-tags.js';
import { hasFfmpeg } from './transcode-support.js';

const DEBOUNCE_MS = 1000;

export interface MusicFolderWatch {
  close(): Promise<void>;
}

export async function watchMusicFolder(
  db: Kysely<Database>,
  root: string,
  transcode: Settings['daapTranscode'],
  logger: FastifyBaseLogger,
  afterSync: () => unknown,
): Promise<MusicFolderWatch> {
  const formats = new Set<MusicFormat>(['mp3', 'm4a', 'wav']);
  if (transcode === 'auto' && (await hasFfmpeg())) {
    formats.add('flac');
    formats.add('ogg');
  } else {
    logger.info('music folder: FLAC and Ogg files are skipped (no ffmpeg, or LOOPCAST_DAAP_TRANSCODE=off)');
  }
  const note = (message: string) => logger.info(message);
  const sync = async () => {
    const result = await syncMusicFolder(db, root, formats, note);
    logger.info({ ...result, folder: root }, 'music folder synchronised');
    await afterSync();
  };
  const { watch } = await import('chokidar');
  const watcher = watch(root, { ignoreInitial: true });
  // Changes are reported only after the watcher's own crawl; syncing after it misses nothing.
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  await sync();
  let timer: NodeJS.Timeout | null = null;
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      sync().catch((err: unknown) => logger.warn({ err }, 'music folder sync failed'));
    }, DEBOUNCE_MS);
  });
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
