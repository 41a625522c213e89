/**
 * The `/api` error envelope (spec app.md §1): `{"error": {status, code, message, field?, fields?,
 * requestId}}`. Handlers and hooks throw `ApiError`; Fastify's own errors (validation, body
 * parsing, limits) are mapped to the same shape. A client's mistake is never a 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RETRY_AFTER_SECONDS, unavailableReason } from './unavailable.js';

export type ErrorCode =
  | 'bad_request'
  | 'invalid_field'
  | 'login_required'
  | 'invalid_credentials'
  | 'forbidden'
  | 'csrf_failed'
  | 'password_change_required'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; fields?: Record<string, string>; retryAfter?: number } = {},
  ) {
    super(message);
  }
}

export const loginRequired = (message = 'Log in to use this.'): ApiError =>
  new ApiError(401, 'login_required', message);
export const forbidden = (message = 'Your account may not do this.'): ApiError =>
  new ApiError(403, 'forbidden', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
export const conflict = (message: string, field?: string): ApiError =>
  new ApiError(409, 'conflict', message, field ? { field } : {});
export const invalidField = (field: string, message: string): ApiError =>
  new ApiError(400, 'invalid_field', message, { field });

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The field a schema error is about: the path's first segment, or the missing/unknown property. */
function fieldOf(issue: ValidationIssue): string {
  const path = issue.instancePath.split('/').filter(Boolean);
  if (path.length) return path.join('.');
  const p = issue.params;
  const named =
    (Array.isArray(p.requiredProperties) ? (p.requiredProperties as unknown[])[0] : undefined) ??
    p.missingProperty ??
    (Array.isArray(p.additionalProperties) ? (p.additionalProperties as unknown[])[0] : undefined) ??
    p.additionalProperty;
  return typeof named === 'string' ? named : '';
}

function describe(issue: ValidationIssue, field: string, part: string): string {
  const where = field ? `${part === 'body' ? '' : `${part} parameter `}${field}` : `the ${part}`;
  switch (issue.keyword) {
    case 'required':
      return `${where} is required.`;
    case 'additionalProperties':
      return `${where} is not an accepted field.`;
    default:
      return `${where} ${issue.message ?? 'is not valid'}.`;
  }
}

function validationError(error: FastifyError): ApiError {
  const issues = (error.validation ?? []) as unknown as ValidationIssue[];
  // Prefer the issue that names the unknown property over TypeBox's "schema is false" twin.
  const issue = issues.find((i) => i.keyword === 'additionalProperties') ?? issues[0];
  const part = error.validationContext ?? 'body';
  if (!issue) return new ApiError(400, 'bad_request', `The ${part} is not valid.`);
  const field = fieldOf(issue);
  const message = describe(issue, field, part);
  return field
    ? new ApiError(400, 'invalid_field', message, { field })
    : new ApiError(400, 'bad_request', message);
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'login_required',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  const e = error as FastifyError;
  if (e.validation) return validationError(e);
  const status = e.statusCode;
  if (status && status >= 400 && status < 500) {
    return new ApiError(status, BY_STATUS[status] ?? 'bad_request', e.message);
  }
  const outage = unavailableReason(error);
  if (outage) return new ApiError(503, 'unavailable', outage, { retryAfter: RETRY_AFTER_SECONDS });
  return null;
}

export function sendApiError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.extra.retryAfter !== undefined) reply.header('retry-after', String(error.extra.retryAfter));
  return reply.code(error.status).send({
    error: {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.extra.field ? { field: error.extra.field } : {}),
      ...(error.extra.fields ? { fields: error.extra.fields } : {}),
      requestId: request.id,
    },
  });
}

/** Installs the envelope for one encapsulated scope (the API route group). */
export function registerApiErrorHandler(api: FastifyInstance): void {
  api.setErrorHandler((error, request, reply) => {
    const known = toApiError(error);
    if (known) return sendApiError(request, reply, known);
    request.log.error({ err: error }, 'unexpected error');
    return sendApiError(
      request,
      reply,
      new ApiError(500, 'internal', 'An unexpected error occurred; the request id identifies it in the log.'),
    );
  });
}
