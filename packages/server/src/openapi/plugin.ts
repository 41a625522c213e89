/**
 * The OpenAPI description and its browser (app.md §4.1): `@fastify/swagger` collects every route
 * registered after it, `GET /api/openapi.json` serves the document (a public registry document:
 * `no-cache` with an ETag, CORS as the other registry documents), and `@fastify/swagger-ui` serves
 * a browsable copy at `/api/docs` from its own package files (nothing from a CDN, §9.1) under the
 * API's security headers.
 *
 * Call `registerOpenApi` first in buildApp: routes registered before it are not described.
 */
import { createHash } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { registerApiSecurityHeaders } from '../plugins/security-headers.js';
import { corsHeaders } from '../streaming/cors.js';
import { swaggerOptions } from './document.js';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PREFIX = '/api/docs';

interface Served {
  body: string;
  etag: string;
}

type Operation = Record<string, unknown> & { operationId?: string };
interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
}

/**
 * A route answering GET and HEAD in one handler (so HEAD does not read a whole body) shares one
 * operation object between both methods; operationIds must be unique, so HEAD gets its own.
 */
export function distinctHeadOperations<T extends OpenApiDocument>(doc: T): T {
  for (const item of Object.values(doc.paths ?? {})) {
    const head = item.head;
    if (head?.operationId && head.operationId === item.get?.operationId) {
      item.head = { ...head, operationId: `${head.operationId}Head` };
    }
  }
  return doc;
}

export async function registerOpenApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(swagger, swaggerOptions(ctx.version));

  // Built at the first request: the route table is complete only once the app is ready.
  let served: Served | null = null;
  const document = (): Served => {
    if (!served) {
      const body = JSON.stringify(distinctHeadOperations(app.swagger() as OpenApiDocument));
      served = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return served;
  };

  const send = (request: FastifyRequest, reply: FastifyReply) => {
    const { body, etag } = document();
    reply.headers({
      ...corsHeaders(ctx.settings.allowedDomains, request.headers.origin),
      'cache-control': 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    });
    const match = request.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return reply.code(304).send();
    }
    return reply.type('application/json; charset=utf-8').send(body);
  };

  void app.register(async (scope) => {
    await registerApiSecurityHeaders(scope);
    scope.get(
      OPENAPI_PATH,
      {
        config: { permission: 'public' },
        schema: {
          summary: 'The OpenAPI 3.1 description of this API',
          operationId: 'getOpenApiDocument',
          tags: ['registry'],
          response: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }) },
        },
      },
      send,
    );
    await scope.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      // The bundle's own index and initializer scripts are files, so the API's CSP (no inline
      // script) holds; Swagger's online validator badge is off (no request leaves loopcast).
      uiConfig: { deepLinking: true },
      validatorUrl: false,
    });
  });
}
