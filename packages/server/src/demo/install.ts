/**
 * First-start installation of the committed demo content (spec app.md §13.1 step 5, §11): the demo
 * stream (directory `demo`, described by `demo/demo.json` in the upload description format) and the
 * demo music. It runs once: `demo.installed` keeps a deleted demo from coming back, and the
 * database must hold no streams and no music.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import { addMediaFileFromPath } from '../media/add-media-file.js';
import { createStream, setTimingReference } from '../media/streams.js';
import { addMusicTrackFromPath } from '../music/add-track.js';
import { musicFormatOf } from '../music/read-tags.js';
import { nowIso } from '../storage/dialect.js';
import { getState, setState } from '../storage/server-state.js';

export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo');

interface DemoDescription {
  streams: { directory: string; title: string; files: string[]; timing_ref?: string }[];
}

export interface DemoInstallResult {
  installed: boolean;
  streams: number;
  mediaFiles: number;
  musicTracks: number;
}

const NOTHING: DemoInstallResult = { installed: false, streams: 0, mediaFiles: 0, musicTracks: 0 };

export async function installDemo(
  ctx: AppContext,
  logger: FastifyBaseLogger,
  demoDir = DEMO_DIR,
): Promise<DemoInstallResult> {
  const db = ctx.database.db;
  if ((await getState(db, 'demo.installed')) !== null) return NOTHING;
  const anyStream = await db.selectFrom('streams').select('id').limit(1).executeTakeFirst();
  const anyTrack = await db.selectFrom('music_tracks').select('id').limit(1).executeTakeFirst();
  if (anyStream || anyTrack) return NOTHING;

  const deps = { db, blobs: ctx.blobs };
  const description = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as DemoDescription;
  const result: DemoInstallResult = { installed: true, streams: 0, mediaFiles: 0, musicTracks: 0 };
  for (const entry of description.streams) {
    const stream = await createStream(db, { directory: entry.directory, title: entry.title });
    result.streams++;
    let timingRef: number | null = null;
    for (const file of entry.files) {
      const added = await addMediaFileFromPath(deps, stream, join(demoDir, file));
      for (const error of added.errors)
        logger.warn({ file, ...error }, 'demo media file has an error record');
      if (file === entry.timing_ref) timingRef = added.id;
      result.mediaFiles++;
    }
    if (timingRef !== null) await setTimingReference(db, stream.id, timingRef);
  }
  const musicDir = join(demoDir, 'music');
  for (const name of readdirSync(musicDir).sort()) {
    if (!musicFormatOf(name)) continue;
    const { tags } = await addMusicTrackFromPath(deps, 'demo', join(musicDir, name));
    if (tags.tagError) logger.warn({ file: name, reason: tags.tagError }, 'demo music tags unreadable');
    result.musicTracks++;
  }
  await setState(db, 'demo.installed', nowIso());
  logger.info(result, 'demo content installed');
  return result;
}
