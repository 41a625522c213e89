/**
 * Editing a media file's track id and language (spec app.md §5.6): the MP4 is copied segment by
 * segment through `@loopcast/bmff` into a new blob, rewriting `tkhd.track_id`, `trex.track_id`,
 * every `tfhd.track_id`, `mvhd.next_track_id` (one more than the new id when that is larger),
 * `mdhd.language` (ISO 639-2/T of the tag's primary language), `tkhd.modification_time`, and an
 * `elng` box with the full tag when it is more than a bare primary language. The new blob is
 * indexed and swapped in as a same-name replacement (§5.2), so the row keeps its id and roles.
 */
import { Readable } from 'node:stream';
import {
  Box,
  elng,
  isLanguageTag,
  mdhd,
  mvhd,
  packLanguage,
  parseBoxes,
  serializeBoxes,
  tfhd,
  tkhd,
  toIso639_2,
  trex,
  type MediaIndex,
} from '@loopcast/bmff';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Database } from '../storage/schema.js';
import { storeMediaFile, type AddedMediaFile, type MediaDeps } from './add-media-file.js';
import type { MediaFileRow } from './media-files.js';

export interface TrackEdit {
  trackId?: number;
  language?: string;
}

/** Seconds between 1904-01-01 (the MP4 epoch) and 1970-01-01. */
const MP4_EPOCH_OFFSET = 2082844800n;

/**
 * Why an edit is refused, by field (the `check` route's answer): a language that is not a BCP-47
 * tag; a track id another file of the stream uses with a different codec (`DUPLICATE_TRACK_IDS`).
 */
export async function trackEditProblems(
  db: Kysely<Database>,
  file: MediaFileRow,
  edit: TrackEdit,
): Promise<{ trackId?: string; language?: string }> {
  const problems: { trackId?: string; language?: string } = {};
  if (edit.language !== undefined && !isLanguageTag(edit.language)) {
    problems.language = `language ${JSON.stringify(edit.language)} is not a BCP-47 tag such as en, en-GB or und.`;
  }
  if (edit.trackId !== undefined && file.index) {
    const other = await db
      .selectFrom('media_files')
      .select(['name', 'codec_fourcc'])
      .where('stream_id', '=', file.streamId)
      .where('id', '!=', file.id)
      .where('track_id', '=', edit.trackId)
      .where('codec_fourcc', '!=', file.index.sampleEntry)
      .executeTakeFirst();
    if (other) {
      problems.trackId = `trackId ${edit.trackId} is used by ${other.name} with another codec (${other.codec_fourcc ?? '?'}).`;
    }
  }
  return problems;
}

function editInit(boxes: Box[], edit: TrackEdit): void {
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) return;
  const now = BigInt(Math.floor(Date.now() / 1000)) + MP4_EPOCH_OFFSET;
  for (const trak of moov.all('trak')) {
    trak.child('tkhd')?.update(tkhd, (f) => {
      if (edit.trackId !== undefined) f.trackId = edit.trackId;
      // A version-0 tkhd holds 32 bits of time.
      f.modificationTime = f.version === 1 ? now : now & 0xffffffffn;
    });
    const mdia = trak.child('mdia');
    if (edit.language !== undefined && mdia) {
      const code = toIso639_2(edit.language);
      mdia.child('mdhd')?.update(mdhd, (f) => void (f.language = packLanguage(code)));
      for (const old of mdia.all('elng')) mdia.remove(old);
      if (edit.language.includes('-')) {
        mdia.insert(Box.create(elng, { version: 0, flags: 0, extendedLanguage: edit.language }));
      }
    }
  }
  if (edit.trackId !== undefined) {
    const id = edit.trackId;
    for (const t of moov.child('mvex')?.all('trex') ?? []) t.update(trex, (f) => void (f.trackId = id));
    const header = moov.child('mvhd');
    if (header && header.get(mvhd).nextTrackId <= id)
      header.update(mvhd, (f) => void (f.nextTrackId = id + 1));
  }
}

/** The rewritten file, one segment in memory at a time (mdat bytes are copied, not parsed). */
async function* rewritten(
  blobs: BlobStore,
  key: string,
  index: MediaIndex,
  edit: TrackEdit,
): AsyncGenerator<Buffer> {
  for (const [i, segment] of index.segments.entries()) {
    const boxes = parseBoxes(await blobs.readBytes(key, segment.pos, segment.size));
    if (i === 0) editInit(boxes, edit);
    else if (edit.trackId !== undefined) {
      const id = edit.trackId;
      for (const moof of boxes.filter((b) => b.type === 'moof')) {
        for (const traf of moof.all('traf')) traf.child('tfhd')?.update(tfhd, (f) => void (f.trackId = id));
      }
    }
    yield serializeBoxes(boxes);
  }
}

export async function editTrack(
  deps: MediaDeps,
  file: MediaFileRow,
  edit: TrackEdit,
): Promise<AddedMediaFile> {
  if (!file.index) throw new Error('the file is not indexed');
  const source = Readable.from(rewritten(deps.blobs, file.blobKey, file.index, edit), { objectMode: false });
  return storeMediaFile(deps, { id: file.streamId, directory: file.directory }, file.fileName, source);
}
