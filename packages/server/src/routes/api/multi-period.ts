/**
 * `/api/multi-period-streams` and `/api/ContentRoles.json` (app.md §4.6, drm-events.md §12.2,
 * §12.9): list, create (also dash-live's `PUT …/.add`), read, replace whole, delete, and the
 * name/title check the editor calls while typing. TypeBox checks the shape; the rules of §12.3
 * are the core's `validateMps`, which reports every failed rule at once keyed by path.
 */
import {
  CONTENT_ROLES,
  nameError,
  titleError,
  validateMps,
  type MpsDefinition,
  type MpsInput,
  type MpsModel,
  type StreamModel,
} from '@loopcast/dash';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { registryDocument, sendRegistryDocument } from '../registry-document.js';
import { MpsNameTaken, createMps, deleteMps, getMps, listMps, replaceMps } from '../../multi-period/store.js';
import { ApiError, conflict, notFound } from '../../plugins/api-errors.js';
import { loadStreamModel } from '../../streaming/stream-models.js';

const ROLE_VALUES = Object.keys(CONTENT_ROLES);
const Seconds = Type.Union([Type.Number(), Type.String({ maxLength: 64 })]);

const TrackInput = Type.Object(
  {
    trackId: Type.Integer(),
    role: Type.String({ maxLength: 64 }),
    lang: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    encrypted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PeriodInput = Type.Object(
  {
    pid: Type.String({ maxLength: 128 }),
    stream: Type.String({ maxLength: 64 }),
    start: Seconds,
    duration: Type.Union([Seconds, Type.Null()]),
    tracks: Type.Array(TrackInput, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
const MpsBody = Type.Object(
  {
    name: Type.String({ maxLength: 128 }),
    title: Type.String({ maxLength: 256 }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    periods: Type.Array(PeriodInput, { maxItems: 200 }),
  },
  { additionalProperties: false },
);

const MpsModelSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.Unknown()),
  durationSeconds: Type.Number(),
  periods: Type.Array(
    Type.Object({
      pid: Type.String(),
      stream: Type.String(),
      start: Type.Number(),
      duration: Type.Number(),
      tracks: Type.Array(
        Type.Object({
          trackId: Type.Integer(),
          contentType: Type.Union([Type.Literal('video'), Type.Literal('audio'), Type.Literal('text')]),
          codecs: Type.String(),
          role: Type.String({ enum: ROLE_VALUES }),
          lang: Type.Union([Type.String(), Type.Null()]),
          encrypted: Type.Boolean(),
          encryptedFiles: Type.Boolean(),
        }),
      ),
    }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const SummarySchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  durationSeconds: Type.Number(),
  periodCount: Type.Integer(),
});
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });
const ValidateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 128 })),
    title: Type.Optional(Type.String({ maxLength: 256 })),
    id: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** Source streams of a body, loaded once each (at most 100 Periods). */
async function loadSources(ctx: AppContext, directories: string[]): Promise<Map<string, StreamModel>> {
  const out = new Map<string, StreamModel>();
  for (const dir of new Set(directories)) {
    if (!/^[A-Za-z0-9]{3,30}$/.test(dir)) continue;
    const model = await loadStreamModel(ctx.database.db, dir, 0);
    if (model) out.set(dir, model);
  }
  return out;
}

/** The API model (§12.2): per track its content type, codecs and whether encrypted twins exist. */
function toModel(
  def: MpsDefinition,
  sources: Map<string, StreamModel>,
  times: { createdAt: string; updatedAt: string },
): MpsModel {
  return {
    name: def.name,
    title: def.title,
    options: def.options,
    durationSeconds: def.periods.reduce((s, p) => s + p.durationMs, 0) / 1000,
    periods: def.periods.map((p) => {
      const files = sources.get(p.stream)?.files ?? [];
      return {
        pid: p.pid,
        stream: p.stream,
        start: p.startMs / 1000,
        duration: p.durationMs / 1000,
        tracks: p.tracks.map((t) => {
          const own = files.filter((f) => f.index.trackId === t.trackId);
          const clear = own.find((f) => !f.index.encryption) ?? own[0];
          return {
            ...t,
            contentType: clear?.index.contentType ?? 'video',
            codecs: clear?.index.codecs ?? '',
            encryptedFiles: own.some((f) => Boolean(f.index.encryption)),
          };
        }),
      };
    }),
    ...times,
  };
}

async function modelOf(ctx: AppContext, name: string): Promise<MpsModel | null> {
  const stored = await getMps(ctx.database.db, name);
  if (!stored) return null;
  const sources = await loadSources(
    ctx,
    stored.definition.periods.map((p) => p.stream),
  );
  return toModel(stored.definition, sources, stored);
}

async function validated(ctx: AppContext, body: MpsInput): Promise<MpsDefinition> {
  const sources = await loadSources(
    ctx,
    body.periods.map((p) => p.stream),
  );
  const result = validateMps(body, (dir) => sources.get(dir) ?? null);
  if (result.kind === 'invalid') {
    const [field, message] = Object.entries(result.fields)[0]!;
    throw new ApiError(400, 'invalid_field', message, { field, fields: result.fields });
  }
  return result.definition;
}

const taken = (name: string) =>
  conflict(`A multi-period stream named ${name} exists; choose another name.`, 'name');

export function registerMultiPeriodApi(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const contentRoles = registryDocument(CONTENT_ROLES);

  api.get(
    '/api/ContentRoles.json',
    {
      config: { permission: 'public' },
      schema: {
        summary: 'The 15 DASH roles and the content types each suits (drm-events.md §12.9)',
        operationId: 'getContentRoles',
        response: { 200: Type.Record(Type.String(), Type.Array(Type.String())) },
      },
    },
    (request, reply) => sendRegistryDocument(request, reply, ctx.settings.allowedDomains, contentRoles),
  );

  api.get(
    '/api/multi-period-streams',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'List multi-period streams by title',
        operationId: 'listMultiPeriodStreams',
        response: { 200: Type.Array(SummarySchema) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return listMps(db);
    },
  );

  const create = async (body: MpsInput) => {
    const def = await validated(ctx, body);
    try {
      await createMps(db, def);
    } catch (err) {
      if (err instanceof MpsNameTaken) throw taken(def.name);
      throw err;
    }
    return (await modelOf(ctx, def.name))!;
  };
  // create, also at dash-live's `PUT …/.add` (app.md §4.6)
  const creations = [
    { method: 'POST', url: '/api/multi-period-streams', operationId: 'createMultiPeriodStream', note: '' },
    {
      method: 'PUT',
      url: '/api/multi-period-streams/.add',
      operationId: 'addMultiPeriodStream',
      note: ' (dash-live’s path)',
    },
  ] as const;
  for (const c of creations) {
    api.route<{ Body: MpsInput }>({
      method: c.method,
      url: c.url,
      config: { permission: 'media' },
      schema: {
        summary: `Create a multi-period stream${c.note}`,
        operationId: c.operationId,
        body: MpsBody,
        response: { 201: MpsModelSchema },
      },
      handler: async (request, reply) => reply.code(201).send(await create(request.body)),
    });
  }

  api.get<{ Params: { name: string } }>(
    '/api/multi-period-streams/:name',
    {
      config: { permission: 'read' },
      schema: {
        summary: 'Read a multi-period stream',
        operationId: 'getMultiPeriodStream',
        params: NameParams,
        response: { 200: MpsModelSchema },
      },
    },
    async (request, reply) => {
      const model = await modelOf(ctx, request.params.name);
      if (!model) throw notFound(`No multi-period stream named ${request.params.name}.`);
      reply.header('cache-control', 'no-store');
      return model;
    },
  );

  api.post<{ Params: { name: string }; Body: MpsInput }>(
    '/api/multi-period-streams/:name',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Replace a multi-period stream whole (it may be renamed)',
        operationId: 'replaceMultiPeriodStream',
        params: NameParams,
        body: MpsBody,
        response: { 200: MpsModelSchema },
      },
    },
    async (request) => {
      const current = request.params.name;
      if (!(await getMps(db, current))) throw notFound(`No multi-period stream named ${current}.`);
      const def = await validated(ctx, request.body);
      let found: boolean;
      try {
        found = await replaceMps(db, current, def);
      } catch (err) {
        if (err instanceof MpsNameTaken) throw taken(def.name);
        throw err;
      }
      if (!found) throw notFound(`No multi-period stream named ${current}.`);
      return (await modelOf(ctx, def.name))!;
    },
  );

  api.delete<{ Params: { name: string } }>(
    '/api/multi-period-streams/:name',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Delete a multi-period stream',
        operationId: 'deleteMultiPeriodStream',
        params: NameParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteMps(db, request.params.name)))
        throw notFound(`No multi-period stream named ${request.params.name}.`);
      return reply.code(204).send();
    },
  );

  api.post<{ Body: { name?: string; title?: string; id?: string } }>(
    '/api/multi-period-streams.validate',
    {
      config: { permission: 'media' },
      schema: {
        summary: 'Check a multi-period stream’s name and title while editing',
        operationId: 'validateMultiPeriodStream',
        body: ValidateBody,
        response: {
          200: Type.Object({
            errors: Type.Object({ name: Type.Optional(Type.String()), title: Type.Optional(Type.String()) }),
          }),
        },
      },
    },
    async (request) => {
      const { name, title, id } = request.body;
      const errors: { name?: string; title?: string } = {};
      if (name !== undefined) {
        const bad = nameError(name);
        if (bad) errors.name = bad;
        else if (name !== id && (await getMps(db, name)))
          errors.name = `A multi-period stream named ${name} exists; choose another name.`;
      }
      if (title !== undefined) {
        const bad = titleError(title);
        if (bad) errors.title = bad;
      }
      return { errors };
    },
  );
}
