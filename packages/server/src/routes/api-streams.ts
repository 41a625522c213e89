/**
 * `GET /api/streams` (app.md §4.4), read-only first slice for the builder page: every stream with
 * its media files, timing reference and stored option defaults. The response schema is what
 * Fastify serialises through, so nothing undeclared (keys, blob paths, indexes) can leak.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../context.js';
import { fromJson } from '../storage/dialect.js';

const StreamFileSchema = Type.Object({
  name: Type.String(),
  contentType: Type.Union([Type.String(), Type.Null()]),
  codecs: Type.Union([Type.String(), Type.Null()]),
  bitrate: Type.Union([Type.Number(), Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
});

const StreamSchema = Type.Object({
  directory: Type.String(),
  title: Type.String(),
  timingReference: Type.Union([Type.Object({ fileId: Type.Number(), name: Type.String() }), Type.Null()]),
  defaults: Type.Record(Type.String(), Type.Unknown()),
  files: Type.Array(StreamFileSchema),
});

export type StreamSummary = Static<typeof StreamSchema>;

/** PostgreSQL returns 64-bit integers as strings; the API always answers numbers. */
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export async function listStreams(ctx: AppContext): Promise<StreamSummary[]> {
  const { db } = ctx.database;
  const streams = await db
    .selectFrom('streams')
    .select(['id', 'directory', 'title', 'defaults', 'timing_ref_file_id'])
    .orderBy('title')
    .orderBy('directory')
    .execute();
  const files = await db
    .selectFrom('media_files')
    .select(['id', 'stream_id', 'name', 'content_type', 'codecs', 'bitrate', 'language'])
    .orderBy('bitrate')
    .orderBy('id')
    .execute();
  return streams.map((s) => {
    const own = files.filter((f) => f.stream_id === s.id);
    const ref = own.find((f) => f.id === s.timing_ref_file_id);
    return {
      directory: s.directory,
      title: s.title,
      timingReference: ref ? { fileId: Number(ref.id), name: ref.name } : null,
      defaults: fromJson<Record<string, unknown>>(s.defaults) ?? {},
      files: own.map((f) => ({
        name: f.name,
        contentType: f.content_type,
        codecs: f.codecs,
        bitrate: num(f.bitrate),
        language: f.language,
      })),
    };
  });
}

export function registerStreamApi(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/streams',
    { config: { permission: 'read' }, schema: { response: { 200: Type.Array(StreamSchema) } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return listStreams(ctx);
    },
  );
}
