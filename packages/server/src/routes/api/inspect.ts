/**
 * "Inspect an MP4" (app.md §4.5, §7.4): upload (multipart streamed to a temporary blob, never whole
 * in memory) or a URL fetched through the validator's bounded, address-checked fetcher
 * (validator.md §6; never a bare server-side fetch); then the inspection, its whole-file box tree
 * and the box tree of any fragment, for its uploader or an admin.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertOwner } from '../../auth/permissions.js';
import { BlobTooLargeError } from '../../blobs/blob-store.js';
import type { AppContext } from '../../context.js';
import { boxTree } from '../../media/box-tree.js';
import {
  InspectQuotaError,
  createInspection,
  deleteInspection,
  inspectionView,
  loadInspection,
  type InspectionRow,
  type InspectionView,
} from '../../inspect/inspections.js';
import { wholeFileTree } from '../../inspect/top-level.js';
import { ApiError, conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import {
  abortOnDisconnect,
  payloadTooLarge,
  receiveFile,
  registerMultipart,
} from '../../upload/multipart.js';
import { NotBmffError, sniffBmff } from '../../upload/sniff.js';
import { localEndpointOf, webFetcher } from '../../validate/web-fetcher.js';
import { BoxNodeSchema } from './media.js';
import { FileErrorSchema } from './streams.js';

const InspectionSchema = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  size: Type.Number(),
  expiresAt: Type.String(),
  fragmented: Type.Boolean(),
  index: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  errors: Type.Array(FileErrorSchema),
  topLevel: Type.Array(BoxNodeSchema),
});
const IdParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
  { additionalProperties: false },
);
const SegmentParams = Type.Object(
  { id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), n: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
const UrlBody = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);

/** The name an inspection of a URL is shown under: the URL's last path segment. */
function nameOfUrl(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return (last || url.hostname).slice(0, 200);
}

function notBmff(reply: FastifyReply, field: 'file' | 'url', what: string, err: NotBmffError): ApiError {
  reply.header('connection', 'close');
  return new ApiError(415, 'unsupported_media_type', `${field} ${what}: ${err.message}; give an MP4.`, {
    field,
  });
}

export function registerInspectRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const deps = { db, blobs: ctx.blobs };
  const maxBytes = ctx.settings.inspectMaxBytes;
  const ttlMs = ctx.settings.inspectTtl;

  const store = async (
    request: FastifyRequest,
    reply: FastifyReply,
    fileName: string,
    source: Readable,
    field: 'file' | 'url',
  ): Promise<InspectionView> => {
    try {
      const body = await sniffBmff(source);
      if (field === 'file') abortOnDisconnect(request, body);
      return await createInspection(deps, {
        userId: request.auth.principal!.id,
        fileName,
        source: body,
        maxBytes,
        ttlMs,
      });
    } catch (err) {
      if (err instanceof NotBmffError) throw notBmff(reply, field, fileName, err);
      if (err instanceof BlobTooLargeError) {
        reply.header('connection', 'close');
        throw field === 'file'
          ? payloadTooLarge(maxBytes)
          : new ApiError(
              413,
              'payload_too_large',
              `url: the file is larger than the limit of ${maxBytes} bytes.`,
              {
                field,
              },
            );
      }
      if (err instanceof InspectQuotaError) throw conflict(err.message, field);
      throw err;
    }
  };

  const owned = async (request: FastifyRequest<{ Params: { id: string } }>): Promise<InspectionRow> => {
    const row = await loadInspection(db, request.params.id);
    if (!row) throw notFound(`No inspection ${request.params.id}; it may have expired.`);
    assertOwner(request.auth.principal, row.userId);
    return row;
  };

  void api.register(async (scope) => {
    await registerMultipart(scope, maxBytes);
    scope.post(
      '/api/inspect',
      {
        config: { permission: 'login' },
        schema: {
          summary: 'Inspect an uploaded MP4 (multipart, one part named file)',
          operationId: 'inspectUpload',
          consumes: ['multipart/form-data'],
          response: { 201: InspectionSchema },
        },
      },
      async (request, reply) => {
        const part = await receiveFile(request);
        const fileName = (part.filename || 'upload.mp4').slice(0, 200);
        const view = await store(request, reply, fileName, part.file, 'file');
        return reply.code(201).send(view);
      },
    );
  });

  api.post<{ Body: { url: string } }>(
    '/api/inspect/url',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Inspect an MP4 fetched from a URL through the validator’s address-checked fetcher',
        operationId: 'inspectUrl',
        body: UrlBody,
        response: { 201: InspectionSchema },
      },
    },
    async (request, reply) => {
      let url: URL;
      try {
        url = new URL(request.body.url);
      } catch {
        throw invalidField('url', 'url must be an absolute http:// or https:// URL.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw invalidField('url', 'url must be an absolute http:// or https:// URL.');
      }
      const fetcher = webFetcher(ctx.settings, localEndpointOf(request.raw.socket), {
        concurrency: 1,
        maxSegmentBytes: maxBytes,
        maxRunBytes: maxBytes,
      });
      const abort = new AbortController();
      // The request stream closes once its body is read; the response closing early means the client left.
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) abort.abort(new Error('the client went away'));
      });
      const result = await fetcher.fetch({
        url: url.href,
        method: 'GET',
        kind: 'media',
        signal: abort.signal,
      });
      if (result.failure === 'too-large') {
        throw new ApiError(
          413,
          'payload_too_large',
          `url: ${result.failureDetail ?? 'the file is too large'}.`,
          {
            field: 'url',
          },
        );
      }
      if (result.failure) {
        const what =
          result.failure === 'address-not-allowed'
            ? 'address not allowed'
            : `fetch failed (${result.failure})`;
        throw invalidField('url', `url ${what}: ${result.failureDetail ?? ''}`.trim());
      }
      if (result.status !== 200) {
        throw invalidField('url', `url answered HTTP ${result.status}; expected 200 with an MP4.`);
      }
      const body = Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
      const view = await store(request, reply, nameOfUrl(new URL(result.url)), Readable.from([body]), 'url');
      request.log.info({ inspection: view.id, bytes: view.size }, 'inspected a URL');
      return reply.code(201).send(view);
    },
  );

  api.get<{ Params: { id: string } }>(
    '/api/inspect/:id',
    {
      config: { permission: 'owner' },
      schema: {
        summary: 'An inspection: index, errors and top-level boxes',
        operationId: 'getInspection',
        params: IdParams,
        response: { 200: InspectionSchema },
      },
    },
    async (request) => inspectionView(ctx.blobs, await owned(request)),
  );

  api.get<{ Params: { id: string } }>(
    '/api/inspect/:id/boxes',
    {
      config: { permission: 'owner' },
      schema: {
        summary: 'The box tree of the whole inspected file (mdat payloads elided, at most 20,000 nodes)',
        operationId: 'getInspectionBoxes',
        params: IdParams,
        response: { 200: Type.Array(BoxNodeSchema) },
      },
    },
    async (request) => {
      const row = await owned(request);
      return wholeFileTree(ctx.blobs, row.blobKey, row.size);
    },
  );

  api.get<{ Params: { id: string; n: number } }>(
    '/api/inspect/:id/segments/:n/boxes',
    {
      config: { permission: 'owner' },
      schema: {
        summary: 'The box tree of one fragment of an inspected file (0 = init)',
        operationId: 'getInspectionSegmentBoxes',
        params: SegmentParams,
        response: { 200: Type.Array(BoxNodeSchema) },
      },
    },
    async (request) => {
      const row = await owned(request);
      if (!row.index) throw conflict('The inspected file is not fragmented; use the whole-file box tree.');
      const segment = row.index.segments[request.params.n];
      if (!segment) {
        throw notFound(
          `The file has segments 0–${row.index.segments.length - 1}; there is no ${request.params.n}.`,
        );
      }
      const bytes = await ctx.blobs.readBytes(row.blobKey, segment.pos, segment.size);
      return boxTree(bytes, segment.pos, { full: false, stpp: row.index.text?.format === 'stpp' });
    },
  );

  api.delete<{ Params: { id: string } }>(
    '/api/inspect/:id',
    {
      config: { permission: 'owner' },
      schema: {
        summary: 'Delete an inspection and its temporary file',
        operationId: 'deleteInspection',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteInspection(deps, await owned(request));
      return reply.code(204).send();
    },
  );
}
