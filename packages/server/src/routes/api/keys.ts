/**
 * `/api/keys` (app.md §4.5, §8): list, read, add, edit and delete content keys. Key values go
 * to media users only (§3.8); everyone else sees KIDs, flags and usage.
 */
import { normaliseKeyText } from '@loopcast/dash';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { isMedia } from '../../auth/groups.js';
import { conflict, invalidField, notFound } from '../../plugins/api-errors.js';
import {
  addKey,
  deleteKey,
  getKey,
  listKeys,
  updateKey,
  type KeyChange,
  type KeyRecord,
} from '../../keys/key-store.js';

const AlgSchema = Type.Union([Type.Literal('AESCTR'), Type.Literal('AESCBC')]);
const KeySchema = Type.Object({
  kid: Type.String(),
  key: Type.Optional(Type.String()),
  computed: Type.Boolean(),
  alg: AlgSchema,
  origin: Type.Union([
    Type.Literal('manual'),
    Type.Literal('indexed'),
    Type.Literal('upload'),
    Type.Literal('stream'),
  ]),
  fileIds: Type.Array(Type.Integer()),
  streams: Type.Array(Type.String()),
});
type Key = Static<typeof KeySchema>;

const KidParams = Type.Object(
  { kid: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  {
    kid: Type.String({ maxLength: 64 }),
    key: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    alg: Type.Optional(AlgSchema),
    /** `true` asks for the computed key whatever `key` says (app.md §10.3). */
    computed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    key: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    alg: Type.Optional(AlgSchema),
  },
  { additionalProperties: false },
);

const mayReadKeys = (request: FastifyRequest): boolean => {
  const p = request.auth.principal;
  return p !== null && isMedia(p.groups);
};

function toKey(record: KeyRecord, withValue: boolean): Key {
  const { key, ...rest } = record;
  return withValue && key ? { ...rest, key } : rest;
}

/** KIDs and keys in any accepted form (drm-events.md §2.1), or a 400 naming the field. */
function keyText(field: 'kid' | 'key', value: string): string {
  const hex = normaliseKeyText(value);
  if (hex === null)
    throw invalidField(field, `${field} must be 32 hex digits, a UUID, or base64 of 16 bytes.`);
  return hex;
}

function kidParam(value: string): string {
  const hex = normaliseKeyText(value);
  if (hex === null) throw notFound(`No key ${value}.`);
  return hex;
}

function recordOf(change: KeyChange, kid: string): KeyRecord {
  switch (change.kind) {
    case 'ok':
      return change.record;
    case 'not-found':
      throw notFound(`No key ${kid}.`);
    case 'exists':
      throw conflict(`A key with KID ${kid} exists already.`, 'kid');
    case 'in-use': {
      const uses = [
        ...(change.fileIds.length > 0 ? [`media files ${change.fileIds.join(', ')}`] : []),
        ...(change.streams.length > 0 ? [`the on-the-fly KID of ${change.streams.join(', ')}`] : []),
      ];
      throw conflict(`Key ${kid} is still used by ${uses.join(' and ')}; edit it instead.`);
    }
  }
}

export function registerKeyRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;

  api.get(
    '/api/keys',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'List content keys',
        operationId: 'listKeys',
        response: { 200: Type.Array(KeySchema) },
      },
    },
    async (request) => {
      const withValue = mayReadKeys(request);
      return (await listKeys(db)).map((r) => toKey(r, withValue));
    },
  );

  api.get<{ Params: Static<typeof KidParams> }>(
    '/api/keys/:kid',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Read a content key',
        operationId: 'getKey',
        params: KidParams,
        response: { 200: KeySchema },
      },
    },
    async (request) => {
      const kid = kidParam(request.params.kid);
      const record = await getKey(db, kid);
      if (!record) throw notFound(`No key ${kid}.`);
      return toKey(record, mayReadKeys(request));
    },
  );

  api.post<{ Body: Static<typeof CreateBody> }>(
    '/api/keys',
    {
      // on the upload token's allow-list (app.md §3.7): `loopcast upload` adds its keys
      config: { permission: 'media', uploadToken: true },
      schema: {
        summary: 'Add a content key (computed from the KID when no key is given)',
        operationId: 'createKey',
        body: CreateBody,
        response: { 201: KeySchema },
      },
    },
    async (request, reply) => {
      const kid = keyText('kid', request.body.kid);
      const key =
        request.body.key && request.body.computed !== true ? keyText('key', request.body.key) : null;
      // a bearer token is a CLI (`loopcast upload`); the browser's cookie is someone typing a key
      const origin = request.auth.principal?.via === 'cookie' ? 'manual' : 'upload';
      const record = recordOf(await addKey(db, { kid, key, alg: request.body.alg, origin }), kid);
      request.log.info({ kid, computed: record.computed }, 'key added');
      return reply.code(201).send(toKey(record, true));
    },
  );

  api.patch<{ Params: Static<typeof KidParams>; Body: Static<typeof PatchBody> }>(
    '/api/keys/:kid',
    {
      config: { permission: 'media', uploadToken: true },
      schema: {
        summary: 'Edit a content key (null recomputes it)',
        operationId: 'updateKey',
        params: KidParams,
        body: PatchBody,
        response: { 200: KeySchema },
      },
    },
    async (request) => {
      const kid = kidParam(request.params.kid);
      const { key, alg } = request.body;
      const change = {
        ...(key === null ? { key: null } : key !== undefined ? { key: keyText('key', key) } : {}),
        ...(alg !== undefined ? { alg } : {}),
      };
      const record = recordOf(await updateKey(db, kid, change), kid);
      request.log.info({ kid, computed: record.computed }, 'key changed');
      return toKey(record, true);
    },
  );

  api.delete<{ Params: Static<typeof KidParams> }>(
    '/api/keys/:kid',
    {
      config: { permission: 'media' },
      schema: { summary: 'Delete an unused content key', operationId: 'deleteKey', params: KidParams },
    },
    async (request, reply) => {
      const kid = kidParam(request.params.kid);
      recordOf(await deleteKey(db, kid), kid);
      request.log.info({ kid }, 'key deleted');
      return reply.code(204).send();
    },
  );
}
