/**
 * The OpenAPI description and its browser (app.md §4.1): `@fastify/swagger` collects every route
 * registered after it, `GET /api/openapi.json` serves the document (a public registry document:
 * `no-cache` with an ETag, CORS as the other registry documents), and `@fastify/swagger-ui` serves
 * a browsable copy at `/api/docs` from its own package files (nothing from a CDN, §9.1) under the
 * API's security headers.
 *
 * Call `registerOpenApi` first in buildApp: routes registered before it are not described.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { registerApiSecurityHeaders } from '../plugins/security-headers.js';
import {
  registryDocument,
  sendRegistryDocument,
  type RegistryDocument,
} from '../routes/registry-document.js';
import { swaggerOptions } from './document.js';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PREFIX = '/api/docs';

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
  let served: RegistryDocument | null = null;
  const send = (request: FastifyRequest, reply: FastifyReply) => {
    served ??= registryDocument(distinctHeadOperations(app.swagger() as OpenApiDocument));
    return sendRegistryDocument(request, reply, ctx.settings.allowedDomains, served);
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
