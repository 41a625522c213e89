/**
 * loopcast's own DAAP share (spec daap.md §11): one database holding the music library, the base
 * container plus one container per source, served by `@loopcast/daap` on its own port. The share
 * follows the `music` change counter (every node's changes, daap.md §11.4 and app.md §13.4): each
 * change becomes one revision, and long-polling clients receive it as a delta.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { DaapServer, Share, type Database, type Id, type SessionInfo } from '@loopcast/daap';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database as Schema } from '../storage/schema.js';
import type { Metrics } from '../metrics/metrics.js';
import { readChangeCounter, setStateOnce } from '../storage/server-state.js';
import { daapClientPolicy } from './client-policy.js';
import { libraryMedia, sharpScaler } from './media-provider.js';
import { albumOrder, trackItem, type TrackRow } from './track-item.js';
import { FfmpegTranscoder, withTranscoding } from './transcoder.js';

/** How often the share checks the change counter (daap.md §11.4; app.md §13.4's 5-second poll). */
const POLL_MS = 5000;

const policy = (opts: MusicShareOptions) => {
  const allowClient = daapClientPolicy({
    ...(opts.password ? { password: opts.password } : {}),
    open: opts.open ?? false,
  });
  return allowClient ? { allowClient } : {};
};

/** Containers per source, with ids that never change. */
const SOURCE_CONTAINERS = [
  { id: 2, source: 'demo', name: 'Demo music' },
  { id: 3, source: 'upload', name: 'Uploads' },
  { id: 4, source: 'folder', name: 'Music folder' },
] as const;

export interface MusicShareOptions {
  name: string;
  host: string;
  port: number;
  password?: string;
  mdns: boolean;
  /** The watched music folder, whose name its container takes. */
  musicDir?: string;
  /** Serve a password-less share beyond the local network (LOOPCAST_DAAP_OPEN). */
  open?: boolean;
  /** daapTranscode: `auto` transcodes folder FLAC and Ogg for Apple clients when ffmpeg is found. */
  transcode?: 'auto' | 'off';
  /** Where DAAP requests are counted (app.md §14.3). */
  metrics?: Metrics;
}

async function stablePersistentId(db: Kysely<Schema>, key: string): Promise<bigint> {
  const fresh = (randomBytes(8).readBigUInt64BE() >> 1n).toString();
  return BigInt(await setStateOnce(db, key, fresh));
}

async function loadRows(db: Kysely<Schema>): Promise<TrackRow[]> {
  return db
    .selectFrom('music_tracks')
    .leftJoin('blobs', 'blobs.id', 'music_tracks.blob_id')
    .selectAll('music_tracks')
    .select('blobs.store_key as blob_key')
    .orderBy('music_tracks.id')
    .execute();
}

export class MusicShare {
  readonly share: Share;
  private readonly database: Database;
  private server: DaapServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private counter = -1;
  private syncing: Promise<void> | null = null;

  private constructor(
    private readonly db: Kysely<Schema>,
    private readonly blobs: BlobStore,
    private readonly logger: FastifyBaseLogger,
    private readonly opts: MusicShareOptions,
    sharePid: bigint,
    databasePid: bigint,
  ) {
    this.share = new Share({ name: opts.name, persistentId: sharePid });
    this.database = this.share.addDatabase({ id: 1, name: opts.name, persistentId: databasePid });
    for (const c of SOURCE_CONTAINERS) {
      if (c.source === 'folder' && !opts.musicDir) continue;
      this.database.addContainer({
        id: c.id,
        name: c.source === 'folder' && opts.musicDir ? basename(opts.musicDir) : c.name,
      });
    }
  }

  /** Ids survive restarts (daap.md §11.2), so they live in `server_state`. */
  static async create(
    db: Kysely<Schema>,
    blobs: BlobStore,
    logger: FastifyBaseLogger,
    opts: MusicShareOptions,
  ): Promise<MusicShare> {
    const sharePid = await stablePersistentId(db, 'daap.share_persistent_id');
    const databasePid = await stablePersistentId(db, 'daap.database_persistent_id');
    return new MusicShare(db, blobs, logger, opts, sharePid, databasePid);
  }

  get port(): number {
    return this.server?.port ?? this.opts.port;
  }

  get revision(): number {
    return this.share.revision;
  }

  /** The share name clients see (daap.md §11.5 status panel). */
  get name(): string {
    return this.opts.name;
  }

  /** Whether clients must give a password to log in. */
  get passwordSet(): boolean {
    return Boolean(this.opts.password);
  }

  /** The live DAAP sessions; empty before the share starts. */
  get sessions(): readonly SessionInfo[] {
    return this.server?.sessions ?? [];
  }

  /** mDNS as the DAAP server reports it; `off` before the share starts. */
  get mdnsStatus(): DaapServer['mdnsStatus'] {
    return this.server?.mdnsStatus ?? { state: 'off' };
  }

  async start(): Promise<void> {
    await this.sync();
    this.server = new DaapServer({
      share: this.share,
      media: withTranscoding(
        libraryMedia(this.blobs),
        await FfmpegTranscoder.create(this.opts.transcode ?? 'auto', { log: this.logger }),
      ),
      artworkScaler: sharpScaler,
      ...policy(this.opts),
      host: this.opts.host,
      port: this.opts.port,
      mdns: this.opts.mdns ? {} : false,
      ...(this.opts.password ? { password: this.opts.password } : {}),
      logger: this.logger,
    });
    const metrics = this.opts.metrics;
    if (metrics) {
      this.server.on('request', (e) =>
        metrics.daapRequests.inc({ route: e.route, status: String(e.status) }),
      );
    }
    await this.server.listen();
    this.timer = setInterval(() => void this.syncIfChanged(), POLL_MS);
    this.timer.unref();
  }

  /** Re-reads the library when the `music` counter moved (changes made by any node). */
  async syncIfChanged(): Promise<void> {
    try {
      const counter = await readChangeCounter(this.db, 'music');
      if (counter !== this.counter) await this.sync();
    } catch (err) {
      this.logger.warn({ err }, 'music share: library check failed');
    }
  }

  /** Makes the share match the table: one revision for the whole batch of changes. */
  sync(): Promise<void> {
    this.syncing ??= this.applyLibrary().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async applyLibrary(): Promise<void> {
    this.counter = await readChangeCounter(this.db, 'music');
    const rows = await loadRows(this.db);
    const items = this.database.items;
    const seen = new Set<Id>();
    for (const row of rows) {
      seen.add(row.id);
      const item = trackItem(row, this.opts.musicDir ?? null);
      const current = items.get(row.id);
      if (
        !current ||
        current.dateModified?.getTime() !== item.dateModified?.getTime() ||
        itemKey(current) !== itemKey(item)
      ) {
        items.put(item);
      }
    }
    for (const item of [...items.values()]) if (!seen.has(item.id)) items.delete(item.id);
    for (const c of SOURCE_CONTAINERS) {
      const container = this.database.containers.get(c.id);
      if (!container) continue;
      const wanted = rows
        .filter((r) => r.source === c.source)
        .sort(albumOrder)
        .map((r) => r.id);
      const existing = [...container.entries.values()].map((e) => e.itemId);
      if (wanted.join(',') === existing.join(',')) continue;
      for (const entry of [...container.entries.values()]) container.entries.remove(entry.id);
      for (const id of wanted) container.entries.append(id);
    }
    const revision = this.share.update();
    this.logger.debug({ revision, tracks: rows.length }, 'music share synchronised');
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.server?.close();
  }
}

/** The fields that matter for a client; bigint and Date made comparable. */
function itemKey(item: ReturnType<typeof trackItem>): string {
  const text = (v: unknown): string =>
    v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
  return Object.entries(item)
    .filter(([k]) => k !== 'source')
    .map(([k, v]: [string, unknown]) => `${k}=${text(v)}`)
    .join('\n');
}
