/**
 * The start sequence of `loopcast serve` (spec app.md §13.1) and graceful shutdown: settings are
 * already validated; open and migrate the database, load secrets, create the first admin, install
 * the demo content, listen, print the start-up lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import type { BlobStore } from './blobs/blob-store.js';
import { CachedBlobStore } from './blobs/cached-blob-store.js';
import { LocalBlobStore } from './blobs/local-blob-store.js';
import { S3BlobStore } from './blobs/s3-blob-store.js';
import type { Settings } from './config/settings.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import type { AppContext } from './context.js';
import { installDemo, type DemoInstallResult } from './demo/install.js';
import { createLogger } from './logging.js';
import { watchMusicFolder, type MusicFolderWatch } from './music/folder-watch.js';
import { MusicShare } from './music/music-share.js';
import { loadSecrets, type Secrets } from './secrets.js';
import { openDatabase } from './storage/database.js';
import { startSweeper } from './sweep.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface RunningServer {
  app: FastifyInstance;
  /** The DAAP share, when LOOPCAST_DAAP is on. */
  music: MusicShare | null;
  context: AppContext;
  secrets: Secrets;
  /** The origin clients reach, e.g. http://127.0.0.1:5000. */
  origin: string;
  /** Stops accepting, lets in-flight requests finish within the grace period, closes storage. */
  close(): Promise<void>;
}

export function createBlobStore(settings: Settings, metrics?: Metrics): BlobStore {
  const store: BlobStore =
    settings.blobStore === 's3'
      ? new S3BlobStore({
          bucket: settings.s3Bucket!,
          prefix: settings.s3Prefix,
          region: settings.s3Region,
          endpoint: settings.s3Endpoint,
          forcePathStyle: settings.s3ForcePathStyle ?? settings.s3Endpoint !== undefined,
        })
      : new LocalBlobStore(join(settings.data, 'blobs'));
  const cacheMb = settings.blobCacheMb ?? 0;
  return cacheMb > 0 ? new CachedBlobStore(store, cacheMb, metrics) : store;
}

export interface StartOptions {
  /** Where the start-up lines go (app.md §10.2). */
  print?: (line: string) => void;
  /** Extra routes registered before listening; tests use it for slow or failing handlers. */
  configure?: (app: FastifyInstance) => void;
}

export async function startServer(settings: Settings, options: StartOptions = {}): Promise<RunningServer> {
  const print = options.print ?? console.log;
  const logger = createLogger(settings);
  const database = await openDatabase(
    settings.databaseUrl ?? `sqlite:${join(settings.data, 'loopcast.db')}`,
    settings.dbPool,
  );
  const applied = await database.migrate();
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const secrets = await loadSecrets(database.db, settings);
  const admin = await ensureFirstAdmin(database.db, {
    username: settings.adminUser,
    password: settings.adminPassword,
    email: settings.adminEmail,
    mustChange: settings.adminMustChange,
  });
  if (admin) logger.info({ username: admin.username }, 'first admin created');

  const metrics = createMetrics(VERSION);
  const blobs = createBlobStore(settings, metrics);
  await blobs.check();
  const context: AppContext = {
    settings,
    database,
    blobs,
    state: { started: false, shuttingDown: false },
    secrets,
    version: VERSION,
    metrics,
  };

  let demo: DemoInstallResult | null = null;
  if (settings.demo) {
    demo = await installDemo(context, logger);
  }

  const sweeper = startSweeper(database.db, blobs, settings, logger);
  const app = await buildApp(context, logger, options.configure);
  await app.listen({ host: settings.host, port: settings.port });
  context.state.started = true;

  // The DAAP share owns its own port (daap.md §5.5); mDNS only with --mdns on.
  let music: MusicShare | null = null;
  let folder: MusicFolderWatch | null = null;
  if (settings.musicDir) {
    folder = await watchMusicFolder(database.db, settings.musicDir, settings.daapTranscode, logger, () =>
      music?.syncIfChanged(),
    );
  }
  if (settings.daap) {
    music = await MusicShare.create(database.db, blobs, logger, {
      name: settings.daapName,
      host: settings.host,
      port: settings.daapPort,
      mdns: settings.mdns === 'on',
      ...(settings.musicDir ? { musicDir: settings.musicDir } : {}),
      open: settings.daapOpen,
      transcode: settings.daapTranscode,
      metrics,
      ...(settings.daapPassword ? { password: settings.daapPassword } : {}),
    });
    try {
      await music.start();
      context.music = music;
    } catch (err) {
      await app.close();
      await database.close();
      throw err;
    }
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  const origin =
    settings.publicUrl ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  print(
    `loopcast ${VERSION} listening on http://${settings.host}:${port} (database ${database.kind}, blobs ${blobs.kind})`,
  );
  if (music) {
    print(
      `DAAP share "${settings.daapName}" on port ${music.port}${settings.mdns === 'on' ? ', advertised over Bonjour' : ', mDNS off'}`,
    );
  }
  if (admin?.generatedPassword) {
    print(
      `first admin created: user "${admin.username}", password "${admin.generatedPassword}" (shown once; change it at first login)`,
    );
  }
  if (demo?.installed) {
    print('demo content installed; try:');
    for (const path of [
      '/',
      '/dash/live/demo/hand_made.mpd',
      '/dash/vod/demo/hand_made.mpd',
      '/play/live/demo/hand_made?player=dashjs',
    ]) {
      print(`  ${origin}${path}`);
    }
  }

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      context.state.shuttingDown = true;
      sweeper.stop();
      const grace = setTimeout(() => app.server.closeAllConnections(), settings.shutdownGrace);
      grace.unref();
      try {
        await Promise.all([app.close(), music?.close(), folder?.close()]);
      } finally {
        clearTimeout(grace);
        await database.close();
      }
    })();
    return closing;
  };
  return { app, music, context, secrets, origin, close };
}
