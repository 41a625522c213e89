/**
 * `POST /api/music` and `DELETE /api/music/{id}` (spec daap.md §11.1, §11.4, §11.5): media users
 * upload MP3 or M4A files into the library (source "Uploads") and delete uploads. Each change
 * makes one new DAAP revision at once, which long-polling clients receive as a delta.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { BlobTooLargeError } from '../../blobs/blob-store.js';
import type { AppContext } from '../../context.js';
import { ApiError, conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import {
  BodyIdleError,
  abortOnDisconnect,
  payloadTooLarge,
  receiveFile,
  registerMultipart,
  requestTimeout,
} from '../../upload/multipart.js';
import {
  NotAudioError,
  addUploadedTrack,
  checkMusicFileName,
  deleteUploadedTrack,
} from '../../upload/music-upload.js';
import { MusicTrackSchema, toMusicTrack, trackRow } from '../music-api.js';

const TrackParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export function registerMusicUploadRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const deps = { db, blobs: ctx.blobs };
  const maxBytes = ctx.settings.uploadMaxBytes;
  /** The share follows the `music` counter; asking now spares clients its poll interval. */
  const tellShare = () => ctx.music?.syncIfChanged();

  void api.register(async (scope) => {
    await registerMultipart(scope, maxBytes);
    scope.post(
      '/api/music',
      {
        config: { permission: 'media' },
        schema: {
          summary: 'Upload an MP3 or M4A file into the music library',
          operationId: 'uploadMusic',
          consumes: ['multipart/form-data'],
          response: { 201: MusicTrackSchema },
        },
      },
      async (request, reply) => {
        const part = await receiveFile(request);
        const name = checkMusicFileName(part.filename);
        if (!name.ok) {
          part.file.resume();
          throw invalidField('file', `file ${part.filename} ${name.reason}.`);
        }
        abortOnDisconnect(request, part.file);
        let id: number;
        try {
          id = await addUploadedTrack(deps, name.fileName, name.format, part.file, maxBytes);
        } catch (err) {
          if (err instanceof NotAudioError) {
            reply.header('connection', 'close');
            throw new ApiError(415, 'unsupported_media_type', `file ${name.fileName}: ${err.message}.`, {
              field: 'file',
            });
          }
          if (err instanceof BodyIdleError) {
            reply.header('connection', 'close');
            throw requestTimeout(err);
          }
          if (err instanceof BlobTooLargeError) {
            reply.header('connection', 'close');
            throw payloadTooLarge(maxBytes);
          }
          throw err;
        }
        await tellShare();
        request.log.info(
          { userId: request.auth.principal?.id, track: id, file: name.fileName },
          'music uploaded',
        );
        return reply.code(201).send(toMusicTrack(await trackRow(db, id)));
      },
    );
  });

  api.delete<{ Params: { id: number } }>(
    '/api/music/:id',
    {
      config: { permission: 'media' },
      schema: { summary: 'Delete an uploaded music track', operationId: 'deleteMusic', params: TrackParams },
    },
    async (request, reply) => {
      const outcome = await deleteUploadedTrack(deps, request.params.id);
      if (outcome === 'missing') throw notFound(`No music track with id ${request.params.id}.`);
      if (outcome === 'not-upload') {
        throw conflict('Only uploaded tracks can be deleted; demo and music-folder tracks stay.');
      }
      await tellShare();
      request.log.info({ userId: request.auth.principal?.id, track: request.params.id }, 'music deleted');
      return reply.code(204).send();
    },
  );
}
