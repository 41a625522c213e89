/**
 * "Save this stream to loopcast" on the server (validator.md §8.3): captures the first Period of
 * the last finished run's stream through the web fetcher (address rule on, §6.2 limits) and
 * installs one file per Representation through the normal upload and indexing pipeline
 * (app.md §5.2, §5.3): each capture streams straight into `storeMediaFile`, which indexes it and
 * creates computed keys for new KIDs. A failure removes the stream and everything created.
 */
import { PassThrough } from 'node:stream';
import { onTheFlyKid } from '@loopcast/dash';
import { captureStream, type CaptureSink, type CaptureTrack, type Fetcher } from '@loopcast/dash';
import type { AppContext } from '../context.js';
import {
  removeDeletingBlobs,
  storeMediaFile,
  type AddedMediaFile,
  type StreamRef,
} from '../media/add-media-file.js';
import { createStream, deleteMediaRows, DIRECTORY_PATTERN, setTimingReference } from '../media/streams.js';
import { safeFileName } from '../upload/file-names.js';
import type { ServerMessage } from './protocol.js';

export interface SaveRequest {
  directory: string;
  title: string;
  url: string;
}

/** `fieldErrors` for `directory` and `title` (§8.3), empty when both are acceptable. */
export async function saveFieldErrors(
  ctx: Pick<AppContext, 'database'>,
  message: { directory: string; title: string },
): Promise<{ directory?: string; title?: string }> {
  const fields: { directory?: string; title?: string } = {};
  const title = message.title.trim();
  if (title.length < 1 || title.length > 120) fields.title = 'Title must have 1 to 120 characters.';
  if (!new RegExp(DIRECTORY_PATTERN).test(message.directory))
    fields.directory = 'Directory must be 3 to 30 letters or digits.';
  else {
    const taken = await ctx.database.db
      .selectFrom('streams')
      .select('id')
      .where('directory', '=', message.directory)
      .executeTakeFirst();
    if (taken) fields.directory = `A stream named ${message.directory} already exists.`;
  }
  return fields;
}

/** Pipes each captured track into `storeMediaFile` as it arrives. */
class InstallSink implements CaptureSink {
  readonly added: { track: CaptureTrack; file: AddedMediaFile }[] = [];
  private current?: { track: CaptureTrack; pipe: PassThrough; stored: Promise<AddedMediaFile> };

  constructor(
    private readonly ctx: AppContext,
    private readonly stream: StreamRef,
  ) {}

  open(track: CaptureTrack): Promise<void> {
    const pipe = new PassThrough();
    const fileName = safeFileName(`${this.stream.directory}_${track.representationId}.mp4`);
    const stored = storeMediaFile(
      { db: this.ctx.database.db, blobs: this.ctx.blobs },
      this.stream,
      fileName,
      pipe,
    );
    // a rejection is awaited in close/abort; keep it from being reported as unhandled meanwhile
    stored.catch(() => undefined);
    this.current = { track, pipe, stored };
    return Promise.resolve();
  }

  write(chunk: Uint8Array): Promise<void> {
    const pipe = this.current!.pipe;
    return pipe.write(chunk) ? Promise.resolve() : new Promise((done) => pipe.once('drain', done));
  }

  async close(): Promise<void> {
    const { track, pipe, stored } = this.current!;
    pipe.end();
    this.added.push({ track, file: await stored });
    this.current = undefined;
  }

  async abort(): Promise<void> {
    if (!this.current) return;
    const { pipe, stored } = this.current;
    pipe.destroy(new Error('capture failed'));
    await stored.catch(() => undefined);
    this.current = undefined;
  }
}

/** Runs the capture and installation; answers `saveProgress`, then `saved` or `error`. */
export async function captureAndInstall(
  ctx: AppContext,
  message: SaveRequest,
  fetcher: Fetcher,
  send: (m: ServerMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  const db = ctx.database.db;
  // keys made from here on by this save (the stream's on-the-fly KID, KIDs new to the store) go
  // again on failure unless another file links them
  const lastKey = await db
    .selectFrom('keys')
    .select((k) => k.fn.max('id').as('id'))
    .executeTakeFirst();
  const firstNewKey = Number(lastKey?.id ?? 0) + 1;
  let stream: StreamRef;
  try {
    stream = await createStream(db, { directory: message.directory, title: message.title.trim() });
  } catch {
    // lost a race with another request creating the same directory
    send({
      type: 'fieldErrors',
      fields: { directory: `A stream named ${message.directory} already exists.` },
    });
    return;
  }
  const sink = new InstallSink(ctx, stream);
  try {
    const plan = await captureStream({
      url: message.url,
      fetcher,
      sink,
      maxSegments: ctx.settings.validatorSaveMaxSegments,
      ...(signal && { signal }),
      progress: (p) => send({ type: 'saveProgress', ...p }),
    });
    const ref = sink.added.find((a) => a.track === plan.tracks[plan.timingRef]);
    await setTimingReference(db, stream.id, ref?.file.id ?? null);
    send({ type: 'saved', directory: stream.directory, streamUrl: `/streams/${stream.directory}` });
  } catch (err) {
    const blobIds = await deleteMediaRows(db, { streamId: stream.id });
    await removeDeletingBlobs({ db, blobs: ctx.blobs }, blobIds);
    await db
      .deleteFrom('keys')
      .where('id', '>=', firstNewKey)
      .where((k) =>
        k.or([
          k.and([k('origin', '=', 'stream'), k('kid', '=', onTheFlyKid(stream.directory))]),
          k('origin', '=', 'indexed'),
        ]),
      )
      .where('id', 'not in', db.selectFrom('media_file_keys').select('key_id'))
      .execute();
    send({ type: 'error', code: 'bad_request', message: `Saving failed: ${(err as Error).message}` });
  }
}
