/**
 * Background re-indexing at start (spec app.md §2.2, §5.3): every media file whose stored index is
 * older than the indexer's `MEDIA_INDEX_VERSION` is indexed again from its blob, one at a time, so
 * a new indexer never leaves old indexes in use (dash-live waited for someone to re-index by hand).
 */
import { MEDIA_INDEX_VERSION } from '@loopcast/bmff';
import type { FastifyBaseLogger } from 'fastify';
import { reindexMediaFile, type MediaDeps } from './add-media-file.js';

export async function reindexOutdated(
  deps: MediaDeps,
  opts: { logger?: FastifyBaseLogger; stopped?: () => boolean } = {},
): Promise<number> {
  const rows = await deps.db
    .selectFrom('media_files')
    .select('id')
    .where('index_version', '<', MEDIA_INDEX_VERSION)
    .orderBy('id')
    .execute();
  let done = 0;
  for (const { id } of rows) {
    if (opts.stopped?.()) break;
    try {
      await reindexMediaFile(deps, Number(id));
      done++;
    } catch (err) {
      opts.logger?.warn({ err, mediaFileId: id }, 're-indexing an outdated media file failed');
    }
  }
  if (rows.length)
    opts.logger?.info({ reindexed: done, outdated: rows.length }, 'outdated media indexes rebuilt');
  return done;
}
