/**
 * Stream models for the streaming core (spec dash.md §5.1, README §3.2 step 2): the stream row,
 * its usable media files with their stored indexes, its keys and timing reference, as plain data.
 * Kept in process and revalidated against the `streams` change counter at most once a second, so
 * a change made on any node is seen everywhere within a second.
 */
import type { MediaIndex } from '@loopcast/bmff';
import type { StreamModel } from '@loopcast/dash';
import type { Kysely } from 'kysely';
import { fromJson, toBool } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { readChangeCounter } from '../storage/server-state.js';

const REVALIDATE_MS = 1000;

export async function loadStreamModel(
  db: Kysely<Database>,
  directory: string,
  version: number,
): Promise<StreamModel | null> {
  const stream = await db
    .selectFrom('streams')
    .selectAll()
    .where('directory', '=', directory)
    .executeTakeFirst();
  if (!stream) return null;
  // Only files whose index succeeded and that have no error record are usable (dash.md §5.1).
  const files = await db
    .selectFrom('media_files')
    .innerJoin('blobs', 'blobs.id', 'media_files.blob_id')
    .select(['media_files.id', 'media_files.file_name', 'media_files.index', 'blobs.store_key'])
    .where('media_files.stream_id', '=', stream.id)
    .where('media_files.index', 'is not', null)
    .where('blobs.state', '=', 'committed')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('media_file_errors')
            .select('media_file_errors.id')
            .whereRef('media_file_errors.media_file_id', '=', 'media_files.id')
            .where('media_file_errors.severity', '=', 'error'),
        ),
      ),
    )
    .orderBy('media_files.bitrate')
    .orderBy('media_files.id')
    .execute();
  const keyRows = await db
    .selectFrom('keys')
    .innerJoin('media_file_keys', 'media_file_keys.key_id', 'keys.id')
    .innerJoin('media_files', 'media_files.id', 'media_file_keys.media_file_id')
    .select(['keys.kid', 'keys.key', 'keys.alg', 'keys.computed'])
    .where('media_files.stream_id', '=', stream.id)
    .execute();
  const timingRef = files.find((f) => f.id === stream.timing_ref_file_id);
  const keys: StreamModel['keys'] = {};
  for (const k of keyRows) keys[k.kid] = { key: k.key, alg: k.alg, computed: toBool(k.computed) };
  // the on-the-fly KID's key (drm-events.md §2.6, §8.1)
  const otf = await db
    .selectFrom('keys')
    .select(['kid', 'key', 'alg', 'computed'])
    .where('kid', '=', stream.otf_kid)
    .executeTakeFirst();
  if (otf) keys[otf.kid] = { key: otf.key, alg: otf.alg, computed: toBool(otf.computed) };
  return {
    directory: stream.directory,
    title: stream.title,
    timingReference: timingRef?.file_name ?? null,
    defaults: fromJson<Record<string, unknown>>(stream.defaults) ?? {},
    marlinLaUrl: stream.marlin_la_url,
    playreadyLaUrl: stream.playready_la_url,
    otfKid: stream.otf_kid,
    keys,
    files: files.map((f) => ({
      name: f.file_name,
      blobKey: f.store_key,
      index: fromJson<MediaIndex>(f.index) as MediaIndex,
    })),
    version,
  };
}

export class StreamModelCache {
  private version = -1;
  private checkedAt = -Infinity;
  private checking: Promise<void> | null = null;
  private readonly models = new Map<string, Promise<StreamModel | null>>();

  constructor(private readonly db: Kysely<Database>) {}

  private async revalidate(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < REVALIDATE_MS) return;
    this.checking ??= readChangeCounter(this.db, 'streams')
      .then((version) => {
        this.checkedAt = Date.now();
        if (version !== this.version) {
          this.version = version;
          this.models.clear();
        }
      })
      .finally(() => {
        this.checking = null;
      });
    await this.checking;
  }

  async get(directory: string): Promise<StreamModel | null> {
    await this.revalidate();
    let model = this.models.get(directory);
    if (!model) {
      model = loadStreamModel(this.db, directory, this.version);
      this.models.set(directory, model);
      model.catch(() => this.models.delete(directory));
    }
    return model;
  }

  /** Streams in creation order (the legacy URL's default stream is `bbb`, else the oldest). */
  async directories(): Promise<string[]> {
    const rows = await this.db.selectFrom('streams').select('directory').orderBy('id').execute();
    return rows.map((r) => r.directory);
  }
}
