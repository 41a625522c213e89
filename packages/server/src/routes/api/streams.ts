/**
 * `/api/streams…` (spec app.md §4.4, §5.1, §5.5): list, create, read, edit (title, directory while
 * empty, licence URLs, timing reference, on-the-fly KID), delete, and the per-stream option
 * defaults validated against the option registry. Every change bumps the `streams` change counter,
 * so the streaming routes' model cache sees it within a second.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { removeDeletingBlobs } from '../../media/add-media-file.js';
import { apiMediaFiles, iso, loadMediaFiles, type MediaFileRow } from '../../media/media-files.js';
import {
  DEFAULTABLE_OPTIONS,
  defaultsProblem,
  withoutRegistryDefaults,
} from '../../media/stream-defaults.js';
import {
  DIRECTORY_PATTERN,
  createStream,
  deleteMediaRows,
  laUrlProblem,
  setTimingReference,
} from '../../media/streams.js';
import { conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import { mpsUsingStream } from '../../multi-period/store.js';
import { fromJson, nowIso } from '../../storage/dialect.js';
import type { Database, StreamsTable } from '../../storage/schema.js';
import { bumpChangeCounter } from '../../storage/server-state.js';
import { FileErrorSchema, MediaFileSchema, nullable, StreamSchema, type Stream } from './stream-schemas.js';

export { FileErrorSchema, MediaFileSchema, StreamSchema, type Stream };

const Directory = Type.String({ pattern: DIRECTORY_PATTERN });
const Title = Type.String({ minLength: 1, maxLength: 120 });
const LaUrl = Type.String({ maxLength: 2048 });
const Kid = Type.String({ pattern: '^[0-9a-f]{32}$' });

export const DirectoryParams = Type.Object({ directory: Directory });

const CreateBody = Type.Object(
  {
    directory: Directory,
    title: Title,
    marlinLaUrl: Type.Optional(nullable(LaUrl)),
    playreadyLaUrl: Type.Optional(nullable(LaUrl)),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    directory: Type.Optional(Directory),
    title: Type.Optional(Title),
    marlinLaUrl: Type.Optional(nullable(LaUrl)),
    playreadyLaUrl: Type.Optional(nullable(LaUrl)),
    timingReference: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    otfKid: Type.Optional(Kid),
  },
  { additionalProperties: false },
);
const DefaultsBody = Type.Object(
  { values: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()) },
  { additionalProperties: false },
);
const DefaultsReply = Type.Object({ values: Type.Record(Type.String(), Type.Unknown()) });
/** The read also names the options a stream may store, so the form is generated from the registry (§9.4). */
const DefaultsReadReply = Type.Object({
  values: Type.Record(Type.String(), Type.Unknown()),
  allowed: Type.Array(Type.String()),
});

type CreateStream = Static<typeof CreateBody>;
type PatchStream = Static<typeof PatchBody>;

type StreamRow = Omit<StreamsTable, 'id' | 'created_at' | 'updated_at'> & {
  id: number;
  created_at: string | Date;
  updated_at: string | Date;
};

export async function streamByDirectory(db: Kysely<Database>, directory: string): Promise<StreamRow> {
  const row = await db
    .selectFrom('streams')
    .selectAll()
    .where('directory', '=', directory)
    .executeTakeFirst();
  if (!row) throw notFound(`No stream with directory ${directory}.`);
  return { ...row, id: Number(row.id) } as StreamRow;
}

function checkLaUrls(body: { marlinLaUrl?: string | null; playreadyLaUrl?: string | null }): void {
  if (body.marlinLaUrl) {
    const problem = laUrlProblem('marlin', body.marlinLaUrl);
    if (problem) throw invalidField('marlinLaUrl', `marlinLaUrl ${problem}.`);
  }
  if (body.playreadyLaUrl) {
    const problem = laUrlProblem('playready', body.playreadyLaUrl);
    if (problem) throw invalidField('playreadyLaUrl', `playreadyLaUrl ${problem}.`);
  }
}

async function toApiStream(
  db: Kysely<Database>,
  row: StreamRow,
  files: MediaFileRow[],
  embed: boolean,
): Promise<Stream> {
  const ref = files.find(
    (f) => f.id === (row.timing_ref_file_id === null ? null : Number(row.timing_ref_file_id)),
  );
  const refIndex = ref?.index;
  return {
    directory: row.directory,
    title: row.title,
    marlinLaUrl: row.marlin_la_url,
    playreadyLaUrl: row.playready_la_url,
    timingReference: ref ? { fileId: ref.id, name: ref.name } : null,
    otfKid: row.otf_kid,
    defaults: fromJson<Record<string, unknown>>(row.defaults) ?? {},
    durationSeconds: refIndex
      ? Math.round((refIndex.mediaDuration / refIndex.timescale) * 1000) / 1000
      : null,
    fileCount: files.length,
    ...(embed ? { files: await apiMediaFiles(db, files) } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function apiStream(db: Kysely<Database>, directory: string, embed: boolean): Promise<Stream> {
  const row = await streamByDirectory(db, directory);
  return toApiStream(db, row, await loadMediaFiles(db, { streamId: row.id }), embed);
}

/** Every stream ordered by title (§4.4), files embedded on request. */
export async function listApiStreams(db: Kysely<Database>, embed: boolean): Promise<Stream[]> {
  const rows = await db.selectFrom('streams').selectAll().orderBy('title').orderBy('directory').execute();
  const files = await loadMediaFiles(db, {});
  const out: Stream[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    out.push(
      await toApiStream(
        db,
        { ...row, id } as StreamRow,
        files.filter((f) => f.streamId === id),
        embed,
      ),
    );
  }
  return out;
}

export function registerStreamRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const deps = { db, blobs: ctx.blobs };

  api.get<{ Querystring: { files?: boolean } }>(
    '/api/streams',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'List streams',
        operationId: 'listStreams',
        querystring: Type.Object({ files: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Array(StreamSchema) },
      },
    },
    async (request) => listApiStreams(db, request.query.files === true),
  );

  api.post<{ Body: CreateStream }>(
    '/api/streams',
    {
      config: { permission: 'media', uploadToken: true },
      schema: {
        summary: 'Create a stream',
        operationId: 'createStream',
        body: CreateBody,
        response: { 201: StreamSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkLaUrls(body);
      const taken = await db
        .selectFrom('streams')
        .select('id')
        .where('directory', '=', body.directory)
        .executeTakeFirst();
      if (taken) throw conflict(`A stream with directory ${body.directory} exists.`, 'directory');
      await createStream(db, {
        directory: body.directory,
        title: body.title,
        marlinLaUrl: body.marlinLaUrl ?? null,
        playreadyLaUrl: body.playreadyLaUrl ?? null,
      });
      request.log.info({ userId: request.auth.principal?.id, stream: body.directory }, 'stream created');
      return reply.code(201).send(await apiStream(db, body.directory, false));
    },
  );

  api.get<{ Params: { directory: string } }>(
    '/api/streams/:directory',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Read a stream with its media files',
        operationId: 'getStream',
        params: DirectoryParams,
        response: { 200: StreamSchema },
      },
    },
    async (request) => apiStream(db, request.params.directory, true),
  );

  api.patch<{ Params: { directory: string }; Body: PatchStream }>(
    '/api/streams/:directory',
    {
      config: { permission: 'media', uploadToken: true },
      schema: {
        summary: 'Edit a stream',
        operationId: 'updateStream',
        params: DirectoryParams,
        body: PatchBody,
        response: { 200: StreamSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const stream = await streamByDirectory(db, request.params.directory);
      checkLaUrls(body);
      const files = await loadMediaFiles(db, { streamId: stream.id });
      const changes: Partial<Record<keyof StreamsTable, unknown>> = {};
      if (body.directory !== undefined && body.directory !== stream.directory) {
        if (files.length) {
          throw conflict('The directory can change only while the stream has no media files.', 'directory');
        }
        const taken = await db
          .selectFrom('streams')
          .select('id')
          .where('directory', '=', body.directory)
          .executeTakeFirst();
        if (taken) throw conflict(`A stream with directory ${body.directory} exists.`, 'directory');
        changes.directory = body.directory;
      }
      if (body.title !== undefined) changes.title = body.title;
      if (body.marlinLaUrl !== undefined) changes.marlin_la_url = body.marlinLaUrl || null;
      if (body.playreadyLaUrl !== undefined) changes.playready_la_url = body.playreadyLaUrl || null;
      if (body.otfKid !== undefined) {
        const key = await db
          .selectFrom('keys')
          .select('id')
          .where('kid', '=', body.otfKid)
          .executeTakeFirst();
        if (!key)
          throw invalidField('otfKid', `otfKid ${body.otfKid} is not in the key store; add the key first.`);
        changes.otf_kid = body.otfKid;
      }
      let timingRef: number | null | undefined;
      if (body.timingReference === null) timingRef = null;
      else if (body.timingReference !== undefined) {
        const wanted = body.timingReference.replace(/\.[A-Za-z0-9]+$/, '');
        const file = files.find((f) => f.name === wanted || f.fileName === body.timingReference);
        if (!file || !file.index) {
          throw invalidField(
            'timingReference',
            `timingReference must name an indexed media file of this stream; ${body.timingReference} is not one.`,
          );
        }
        timingRef = file.id;
      }
      if (Object.keys(changes).length) {
        await db
          .updateTable('streams')
          .set({ ...(changes as Record<string, never>), updated_at: nowIso() })
          .where('id', '=', stream.id)
          .execute();
        await bumpChangeCounter(db, 'streams');
      }
      if (timingRef !== undefined) await setTimingReference(db, stream.id, timingRef);
      request.log.info(
        { userId: request.auth.principal?.id, stream: stream.directory, fields: Object.keys(body) },
        'stream changed',
      );
      return apiStream(db, body.directory ?? stream.directory, true);
    },
  );

  api.delete<{ Params: { directory: string } }>(
    '/api/streams/:directory',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Delete a stream, its media files and their blobs',
        operationId: 'deleteStream',
        params: DirectoryParams,
      },
    },
    async (request, reply) => {
      const stream = await streamByDirectory(db, request.params.directory);
      // app.md §4.4: a stream used by multi-period streams is kept (their Periods restrict it)
      const users = await mpsUsingStream(db, Number(stream.id));
      if (users.length > 0)
        throw conflict(
          `The stream is used by the multi-period streams ${users.join(', ')}; change them first.`,
        );
      const blobIds = await deleteMediaRows(db, { streamId: stream.id });
      await removeDeletingBlobs(deps, blobIds);
      request.log.info({ userId: request.auth.principal?.id, stream: stream.directory }, 'stream deleted');
      return reply.code(204).send();
    },
  );

  api.get<{ Params: { directory: string } }>(
    '/api/streams/:directory/defaults',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Read the stream’s option defaults',
        operationId: 'getStreamDefaults',
        params: DirectoryParams,
        response: { 200: DefaultsReadReply },
      },
    },
    async (request) => {
      const stream = await streamByDirectory(db, request.params.directory);
      return {
        values: fromJson<Record<string, unknown>>(stream.defaults) ?? {},
        allowed: [...DEFAULTABLE_OPTIONS],
      };
    },
  );

  api.put<{ Params: { directory: string }; Body: { values: Record<string, unknown> } }>(
    '/api/streams/:directory/defaults',
    {
      config: { permission: 'media', uploadToken: true },
      schema: {
        summary: 'Replace the stream’s option defaults',
        operationId: 'putStreamDefaults',
        params: DirectoryParams,
        body: DefaultsBody,
        response: { 200: DefaultsReply },
      },
    },
    async (request) => {
      const stream = await streamByDirectory(db, request.params.directory);
      const problem = defaultsProblem(request.body.values);
      if (problem) throw invalidField(problem.field, problem.message);
      const values = withoutRegistryDefaults(request.body.values);
      await db
        .updateTable('streams')
        .set({ defaults: JSON.stringify(values), updated_at: nowIso() })
        .where('id', '=', stream.id)
        .execute();
      await bumpChangeCounter(db, 'streams');
      return { values };
    },
  );
}
