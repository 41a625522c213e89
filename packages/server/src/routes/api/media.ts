/**
 * Media files (spec app.md §4.4, §5.2–§5.5, §7.1–§7.3): upload into a stream (multipart streamed
 * through the blob store, atomic, indexed before the answer), list and read, re-index, delete, the
 * segment list, the box tree of one segment, and the stored bytes. Auth, permission and CSRF are
 * decided in `onRequest` by the API scope, before any body byte is read (§15).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { isMedia } from '../../auth/groups.js';
import { BlobTooLargeError } from '../../blobs/blob-store.js';
import type { AppContext } from '../../context.js';
import {
  StemClashError,
  reindexMediaFile,
  removeDeletingBlobs,
  storeMediaFile,
} from '../../media/add-media-file.js';
import { boxTree } from '../../media/box-tree.js';
import { editTrack, trackEditProblems, type TrackEdit } from '../../media/edit-track.js';
import { apiMediaFiles, loadMediaFile, loadMediaFiles, type MediaFileRow } from '../../media/media-files.js';
import { deleteMediaRows } from '../../media/streams.js';
import { ApiError, conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import { checkMediaFileName } from '../../upload/file-names.js';
import {
  BodyIdleError,
  abortOnDisconnect,
  payloadTooLarge,
  receiveFile,
  registerMultipart,
  requestTimeout,
} from '../../upload/multipart.js';
import { NotBmffError, sniffBmff } from '../../upload/sniff.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { parseRange, rangeNotSatisfiable } from '../music-api.js';
import { DirectoryParams, MediaFileSchema, streamByDirectory } from './streams.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** app.md §5.6: track ids 1 … 2³²−1, BCP-47 language tags. */
const EditBody = Type.Object(
  {
    trackId: Type.Optional(Type.Integer({ minimum: 1, maximum: 4294967295 })),
    language: Type.Optional(Type.String({ minLength: 1, maxLength: 35 })),
  },
  { additionalProperties: false },
);
const CheckReply = Type.Object({
  errors: Type.Object({ trackId: Type.Optional(Type.String()), language: Type.Optional(Type.String()) }),
});
const SegmentParams = Type.Object({ id: Type.Integer({ minimum: 1 }), n: Type.Integer({ minimum: 0 }) });

const SegmentsReply = Type.Object({
  timescale: Type.Integer(),
  segments: Type.Array(
    Type.Object({
      index: Type.Integer(),
      start: Type.Union([Type.Number(), Type.Null()]),
      startSeconds: Type.Union([Type.Number(), Type.Null()]),
      duration: Type.Union([Type.Number(), Type.Null()]),
      durationSeconds: Type.Union([Type.Number(), Type.Null()]),
      pos: Type.Number(),
      size: Type.Number(),
    }),
  ),
});

/** app.md §4.2 `BoxNode`; children are nodes of the same shape (serialised as they are). */
export const BoxNodeSchema = Type.Object({
  type: Type.String(),
  offset: Type.Number(),
  size: Type.Number(),
  headerSize: Type.Number(),
  fields: Type.Record(Type.String(), Type.Unknown()),
  children: Type.Optional(Type.Array(Type.Unknown())),
  truncated: Type.Optional(Type.Boolean()),
  error: Type.Optional(Type.String()),
});

async function fileOr404(db: Kysely<Database>, id: number): Promise<MediaFileRow> {
  const row = await loadMediaFile(db, id);
  if (!row) throw notFound(`No media file with id ${id}.`);
  return row;
}

async function apiFile(db: Kysely<Database>, id: number) {
  const [file] = await apiMediaFiles(db, [await fileOr404(db, id)]);
  return file!;
}

const indexed = (row: MediaFileRow) => {
  if (!row.index) throw conflict(`Media file ${row.name} is not indexed; re-index it first.`);
  return row.index;
};

export function registerMediaRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const deps = { db, blobs: ctx.blobs };
  const maxBytes = ctx.settings.uploadMaxBytes;

  api.get<{ Params: { directory: string } }>(
    '/api/streams/:directory/files',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'List a stream’s media files',
        operationId: 'listStreamFiles',
        params: DirectoryParams,
        response: { 200: Type.Array(MediaFileSchema) },
      },
    },
    async (request) => {
      const stream = await streamByDirectory(db, request.params.directory);
      return apiMediaFiles(db, await loadMediaFiles(db, { streamId: stream.id }));
    },
  );

  // Multipart parsing lives in its own scope: only the upload route sees it.
  void api.register(async (scope) => {
    await registerMultipart(scope, maxBytes);
    scope.post<{ Params: { directory: string } }>(
      '/api/streams/:directory/files',
      {
        config: { permission: 'media', uploadToken: true },
        schema: {
          summary: 'Upload a media file (multipart, one part named file)',
          operationId: 'uploadStreamFile',
          params: DirectoryParams,
          consumes: ['multipart/form-data'],
          response: { 200: MediaFileSchema, 201: MediaFileSchema },
        },
      },
      async (request, reply) => {
        const stream = await streamByDirectory(db, request.params.directory);
        const part = await receiveFile(request);
        const name = checkMediaFileName(part.filename);
        if (!name.ok) {
          part.file.resume();
          throw invalidField('file', `file ${part.filename} ${name.reason}.`);
        }
        let added;
        try {
          const body = await sniffBmff(part.file);
          abortOnDisconnect(request, body);
          added = await storeMediaFile(deps, stream, name.fileName, body, { maxBytes });
        } catch (err) {
          if (err instanceof NotBmffError) {
            reply.header('connection', 'close');
            throw new ApiError(
              415,
              'unsupported_media_type',
              `file ${name.fileName}: ${err.message}; upload an MP4.`,
              {
                field: 'file',
              },
            );
          }
          if (err instanceof BodyIdleError) {
            reply.header('connection', 'close');
            throw requestTimeout(err);
          }
          if (err instanceof BlobTooLargeError) {
            reply.header('connection', 'close');
            throw payloadTooLarge(maxBytes);
          }
          if (err instanceof StemClashError) throw conflict(`file ${name.fileName}: ${err.message}.`, 'file');
          throw err;
        }
        request.log.info(
          {
            userId: request.auth.principal?.id,
            stream: stream.directory,
            file: name.fileName,
            replaced: added.replaced,
            errors: added.errors.map((e) => e.reason),
          },
          'media file uploaded',
        );
        return reply.code(added.replaced ? 200 : 201).send(await apiFile(db, added.id));
      },
    );
  });

  api.get<{ Params: { id: number } }>(
    '/api/files/:id',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Read a media file',
        operationId: 'getFile',
        params: IdParams,
        response: { 200: MediaFileSchema },
      },
    },
    async (request) => apiFile(db, request.params.id),
  );

  api.patch<{ Params: { id: number }; Body: TrackEdit }>(
    '/api/files/:id',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Edit a media file’s track id and language (rewrites the file)',
        operationId: 'editFile',
        params: IdParams,
        body: EditBody,
        response: { 200: MediaFileSchema },
      },
    },
    async (request) => {
      const file = await fileOr404(db, request.params.id);
      indexed(file);
      const edit = request.body;
      if (edit.trackId === undefined && edit.language === undefined) {
        throw invalidField('trackId', 'Give trackId, language or both.');
      }
      const problems = await trackEditProblems(db, file, edit);
      if (problems.language) throw invalidField('language', problems.language);
      if (problems.trackId) throw conflict(problems.trackId, 'trackId');
      await editTrack(deps, file, edit);
      request.log.info(
        { userId: request.auth.principal?.id, stream: file.directory, file: file.fileName, ...edit },
        'media file edited',
      );
      return apiFile(db, file.id);
    },
  );

  api.post<{ Params: { id: number }; Body: TrackEdit }>(
    '/api/files/:id/check',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Check a track id and language edit without changing anything',
        operationId: 'checkFileEdit',
        params: IdParams,
        body: EditBody,
        response: { 200: CheckReply },
      },
    },
    async (request) => ({
      errors: await trackEditProblems(db, await fileOr404(db, request.params.id), request.body),
    }),
  );

  api.post<{ Params: { id: number } }>(
    '/api/files/:id/index',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Re-index a media file',
        operationId: 'reindexFile',
        params: IdParams,
        response: { 200: MediaFileSchema },
      },
    },
    async (request) => {
      if (!(await reindexMediaFile(deps, request.params.id))) {
        throw notFound(`No media file with id ${request.params.id}.`);
      }
      return apiFile(db, request.params.id);
    },
  );

  api.delete<{ Params: { id: number } }>(
    '/api/files/:id',
    {
      config: { permission: 'media' },
      schema: { summary: 'Delete a media file and its blob', operationId: 'deleteFile', params: IdParams },
    },
    async (request, reply) => {
      const file = await fileOr404(db, request.params.id);
      const blobIds = await deleteMediaRows(db, { fileId: file.id });
      await removeDeletingBlobs(deps, blobIds);
      request.log.info(
        { userId: request.auth.principal?.id, stream: file.directory, file: file.fileName },
        'media file deleted',
      );
      return reply.code(204).send();
    },
  );

  api.get<{ Params: { id: number } }>(
    '/api/files/:id/segments',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'The segment list of a media file',
        operationId: 'listFileSegments',
        params: IdParams,
        response: { 200: SegmentsReply },
      },
    },
    async (request) => {
      const index = indexed(await fileOr404(db, request.params.id));
      const ts = index.timescale;
      const secs = (t: number) => Math.round((t / ts) * 1e6) / 1e6;
      let start = index.startTime;
      return {
        timescale: ts,
        segments: index.segments.map((s, i) => {
          if (i === 0) {
            return {
              index: 0,
              start: null,
              startSeconds: null,
              duration: null,
              durationSeconds: null,
              pos: s.pos,
              size: s.size,
            };
          }
          const at = s.decodeTime ?? start;
          const duration = s.duration ?? 0;
          start = at + duration;
          return {
            index: i,
            start: at,
            startSeconds: secs(at),
            duration,
            durationSeconds: secs(duration),
            pos: s.pos,
            size: s.size,
          };
        }),
      };
    },
  );

  api.get<{ Params: { id: number; n: number }; Querystring: { full?: boolean } }>(
    '/api/files/:id/segments/:n/boxes',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'The box tree of one segment (0 = init)',
        operationId: 'getSegmentBoxes',
        params: SegmentParams,
        querystring: Type.Object({ full: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Array(BoxNodeSchema) },
      },
    },
    async (request) => {
      const file = await fileOr404(db, request.params.id);
      const index = indexed(file);
      const segment = index.segments[request.params.n];
      if (!segment) {
        throw notFound(
          `Media file ${file.name} has segments 0–${index.segments.length - 1}; there is no ${request.params.n}.`,
        );
      }
      // Untruncated binary fields are for media users only (§4.4).
      const groups = request.auth.principal?.groups ?? 0;
      const full = request.query.full === true && isMedia(groups);
      const bytes = await ctx.blobs.readBytes(file.blobKey, segment.pos, segment.size);
      return boxTree(bytes, segment.pos, { full, stpp: index.text?.format === 'stpp' });
    },
  );

  api.get<{ Params: { id: number } }>(
    '/api/files/:id/content',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'The stored bytes of a media file',
        operationId: 'getFileContent',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const file = await fileOr404(db, request.params.id);
      const range = parseRange(request.headers.range, file.size);
      if (range === 'bad') return rangeNotSatisfiable(request, reply, file.size);
      // Stored bytes: a server-chosen type, nosniff and a sandbox CSP (§15).
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('accept-ranges', 'bytes')
        .header('etag', `"${file.sha256}"`);
      if (!range) {
        reply.header('content-length', String(file.size));
        return reply.send(await ctx.blobs.read(file.blobKey));
      }
      const length = range.end - range.start + 1;
      reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
        .header('content-length', String(length));
      return reply.send(await ctx.blobs.read(file.blobKey, { start: range.start, length }));
    },
  );
}
