/**
 * Receiving one multipart file part (spec app.md §5.2, §15): `@fastify/multipart` in an
 * encapsulated scope with the limits the spec names (one part, no fields, 20 header pairs, the
 * upload size), its errors mapped to the API's envelope, and the part's bytes sniffed for a box
 * header (or handed on raw for music) before anything is stored.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ApiError, invalidField } from '../plugins/api-errors.js';

export interface ReceivedFile {
  /** The part's file name as sent (not yet reduced by the name rule). */
  filename: string;
  file: Readable & { truncated?: boolean };
}

/** Registers the multipart parser on `scope` (an encapsulated child of the API scope). */
export async function registerMultipart(scope: FastifyInstance, maxBytes: number): Promise<void> {
  await scope.register(multipart, {
    // One byte over the limit reaches the blob store, which refuses it with BlobTooLargeError.
    limits: { parts: 1, files: 1, fields: 0, headerPairs: 20, fileSize: maxBytes + 1 },
    throwFileSizeLimit: false,
  });
}

export const payloadTooLarge = (maxBytes: number): ApiError =>
  new ApiError(413, 'payload_too_large', `file is larger than the upload limit of ${maxBytes} bytes.`, {
    field: 'file',
  });

/** The one file part named `file`; 415 for a body that is not multipart, 400 without the part. */
export async function receiveFile(request: FastifyRequest): Promise<ReceivedFile> {
  if (!request.isMultipart()) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the file as multipart/form-data with one part named file.',
    );
  }
  let part;
  try {
    part = await request.file();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 413) throw invalidField('file', 'Send exactly one part, the file, and no other fields.');
    throw invalidField('file', `file could not be read from the multipart body: ${(err as Error).message}.`);
  }
  if (!part) throw invalidField('file', 'file is required: one multipart part named file.');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw invalidField('file', `file is required: the part is named ${part.fieldname}, not file.`);
  }
  return { filename: part.filename, file: part.file };
}

/** A body that sends nothing for this long is answered 408 (app.md §15). */
export const BODY_IDLE_MS = 30_000;

export class BodyIdleError extends Error {
  constructor(readonly idleMs: number) {
    super(`the upload sent nothing for ${Math.round(idleMs / 1000)} s`);
  }
}

export const requestTimeout = (err: BodyIdleError): ApiError =>
  new ApiError(408, 'bad_request', `file: ${err.message}; the upload was stopped.`, { field: 'file' });

/**
 * A client that disconnects mid-upload must leave nothing behind (§5.2), and one that stalls is
 * stopped after `idleMs` (§15): either way the source is destroyed, so the blob write fails and is
 * aborted.
 */
export function abortOnDisconnect(
  request: Pick<FastifyRequest, 'raw'>,
  source: Readable,
  idleMs = BODY_IDLE_MS,
): void {
  const raw = request.raw;
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => source.destroy(new BodyIdleError(idleMs)), idleMs);
    timer.unref();
  };
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    raw.off('data', arm);
  };
  arm();
  raw.on('data', arm);
  raw.once('end', stop);
  source.once('close', stop);
  raw.once('close', () => {
    stop();
    if (!raw.complete) source.destroy(new Error('the client disconnected during the upload'));
  });
}
