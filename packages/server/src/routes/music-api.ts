/**
 * The music library and DAAP share over JSON (spec daap.md §11.5, app.md §4.6): `GET /api/music`
 * (the library, paged), `GET /api/music/{id}`, `GET /api/music/{id}/audio` (the stored bytes,
 * one `Range` answered with 206), `GET /api/music/{id}/artwork` (the cover bytes, the
 * MIME type decided from magic bytes), `GET /api/daap/status` and `GET /api/daap/sessions`. They
 * need a logged-in user (`login`), because the sessions show client addresses.
 *
 * The routes run in their own encapsulated scope with the API group's plugins (TypeBox validation,
 * the error envelope, security headers, the session cookie and permissions), so they behave like
 * every other `/api` route without touching that group's registration.
 */
import { Readable } from 'node:stream';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../context.js';
import { libraryMedia, sharpScaler } from '../music/media-provider.js';
import { trackItem, type TrackRow } from '../music/track-item.js';
import { notFound, registerApiErrorHandler } from '../plugins/api-errors.js';
import authPlugin from '../plugins/auth.js';
import { registerApiSecurityHeaders } from '../plugins/security-headers.js';
import { STORED_BYTES_HEADERS } from '../streaming/send.js';
import { toBool } from '../storage/dialect.js';
import type { Database as Schema } from '../storage/schema.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** app.md §4.2 `MusicTrack`. */
export const MusicTrackSchema = Type.Object({
  id: Type.Integer(),
  persistentId: Type.String(),
  title: Type.String(),
  artist: nullable(Type.String()),
  albumArtist: nullable(Type.String()),
  album: nullable(Type.String()),
  genre: nullable(Type.String()),
  composer: nullable(Type.String()),
  year: nullable(Type.Integer()),
  trackNumber: nullable(Type.Integer()),
  trackCount: nullable(Type.Integer()),
  discNumber: nullable(Type.Integer()),
  discCount: nullable(Type.Integer()),
  compilation: Type.Boolean(),
  durationMs: Type.Integer(),
  bitrateKbps: Type.Integer(),
  sampleRate: Type.Integer(),
  channels: Type.Integer(),
  format: Type.Union([
    Type.Literal('mp3'),
    Type.Literal('m4a'),
    Type.Literal('flac'),
    Type.Literal('ogg'),
    Type.Literal('wav'),
  ]),
  mimeType: Type.String(),
  size: Type.Integer(),
  hasArtwork: Type.Boolean(),
  source: Type.Union([Type.Literal('demo'), Type.Literal('upload'), Type.Literal('folder')]),
  fileName: Type.String(),
  tagError: nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type MusicTrack = Static<typeof MusicTrackSchema>;

const MusicListSchema = Type.Object({ total: Type.Integer(), items: Type.Array(MusicTrackSchema) });

const SORTS = ['title', 'artist', 'album', 'added'] as const;
type Sort = (typeof SORTS)[number];

const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
interface ListQueryT {
  q?: string;
  sort?: Sort;
  limit?: number;
  offset?: number;
}

const TrackParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
const ArtworkQuery = Type.Object(
  { size: Type.Optional(Type.Integer({ minimum: 16, maximum: 1024 })) },
  { additionalProperties: false },
);

const DaapStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  name: Type.String(),
  port: Type.Integer(),
  passwordSet: Type.Boolean(),
  mdns: Type.Object({
    state: Type.Union([Type.Literal('off'), Type.Literal('advertising'), Type.Literal('failed')]),
    advertisedName: nullable(Type.String()),
  }),
  revision: Type.Integer(),
});
export type DaapStatus = Static<typeof DaapStatusSchema>;

/** app.md §4.2 `DaapSession`. */
const DaapSessionSchema = Type.Object({
  id: Type.Integer(),
  userAgent: Type.String(),
  client: Type.String(),
  address: Type.String(),
  state: Type.Union([Type.Literal('connecting'), Type.Literal('connected'), Type.Literal('streaming')]),
  heldRevision: Type.Integer(),
  since: Type.String(),
  lastSeen: Type.String(),
  requests: Type.Integer(),
  itemsStreamed: Type.Integer(),
  bytesStreamed: Type.Integer(),
});
export type DaapSessionJson = Static<typeof DaapSessionSchema>;

const ERROR = Type.Object({ error: Type.Object({}, { additionalProperties: true }) });

const iso = (v: string | Date | null): string => (v === null ? '' : new Date(v).toISOString());
const int = (v: number | string | null | undefined): number =>
  v === null || v === undefined ? 0 : Number(v);
const intOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toMusicTrack(row: TrackRow): MusicTrack {
  return {
    id: Number(row.id),
    persistentId: BigInt(row.persistent_id).toString(16).padStart(16, '0'),
    title: row.title,
    artist: row.artist,
    albumArtist: row.album_artist,
    album: row.album,
    genre: row.genre,
    composer: row.composer,
    year: intOrNull(row.year),
    trackNumber: intOrNull(row.track_number),
    trackCount: intOrNull(row.track_count),
    discNumber: intOrNull(row.disc_number),
    discCount: intOrNull(row.disc_count),
    compilation: toBool(row.compilation),
    durationMs: int(row.duration_ms),
    bitrateKbps: int(row.bitrate_kbps),
    sampleRate: int(row.sample_rate),
    channels: int(row.channels),
    format: row.format,
    mimeType: row.mime_type,
    size: int(row.size),
    hasArtwork: row.artwork_mime === 'image/jpeg' || row.artwork_mime === 'image/png',
    source: row.source,
    fileName: row.file_name,
    tagError: row.tag_error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function baseQuery(db: Kysely<Schema>) {
  return db.selectFrom('music_tracks').leftJoin('blobs', 'blobs.id', 'music_tracks.blob_id');
}

/** `LIKE` with the user's text taken literally (its `%`, `_` and `\` escaped). */
const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function listTracks(
  db: Kysely<Schema>,
  query: ListQueryT,
): Promise<{ total: number; items: MusicTrack[] }> {
  const q = query.q?.trim() ?? '';
  let base = baseQuery(db);
  if (q) {
    const pattern = likePattern(q);
    base = base.where((eb) =>
      eb.or(
        (['title', 'artist', 'album', 'album_artist', 'genre', 'composer'] as const).map(
          (col) => sql<boolean>`lower(${sql.ref(`music_tracks.${col}`)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  const totalRow = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
  const sort = query.sort ?? 'title';
  let rows = base.selectAll('music_tracks').select('blobs.store_key as blob_key');
  const lower = (col: string) => sql`lower(coalesce(${sql.ref(`music_tracks.${col}`)}, ''))`;
  if (sort === 'added') rows = rows.orderBy('music_tracks.created_at', 'desc');
  else if (sort === 'artist') rows = rows.orderBy(lower('artist')).orderBy(lower('album'));
  else if (sort === 'album') rows = rows.orderBy(lower('album'));
  if (sort !== 'title') {
    rows = rows
      .orderBy(sql`coalesce(${sql.ref('music_tracks.disc_number')}, 0)`)
      .orderBy(sql`coalesce(${sql.ref('music_tracks.track_number')}, 0)`);
  }
  rows = rows.orderBy(lower('title')).orderBy('music_tracks.id');
  const items = await rows
    .limit(query.limit ?? 100)
    .offset(query.offset ?? 0)
    .execute();
  return { total: Number(totalRow?.n ?? 0), items: items.map(toMusicTrack) };
}

export async function trackRow(db: Kysely<Schema>, id: number): Promise<TrackRow> {
  const row = await baseQuery(db)
    .selectAll('music_tracks')
    .select('blobs.store_key as blob_key')
    .where('music_tracks.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(`There is no music track with id ${id}.`);
  return row;
}

/** The image type from its first bytes (app.md §4.6: never from a tag or a file name). */
function imageMime(bytes: Uint8Array): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return null;
}

/** "iTunes/12.8 (Macintosh…)" → "iTunes 12"; "Music/1.0" → "Music.app"; "Rhythmbox/3.4" → "Rhythmbox 3". */
export function clientProduct(userAgent: string | undefined): string {
  const ua = userAgent?.trim() ?? '';
  if (!ua) return 'unknown';
  const first = /^([^\s/()]+)(?:\/(\d+))?/.exec(ua);
  if (!first?.[1]) return ua.slice(0, 40);
  const product = first[1] === 'Music' ? 'Music.app' : first[1];
  return first[2] && product !== 'Music.app' ? `${product} ${first[2]}` : product;
}

/** One `bytes=` range of a file of `size` bytes: the range, `null` to send it whole, or 'bad' (416). */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'bad' {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: answered with the whole file (RFC 9110 lets a server ignore Range).
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return 'bad';
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'bad';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'bad';
  return { start, end };
}

export function rangeNotSatisfiable(
  request: FastifyRequest,
  reply: FastifyReply,
  size: number,
): FastifyReply {
  return reply
    .code(416)
    .header('content-range', `bytes */${size}`)
    .send({
      error: {
        status: 416,
        code: 'range_not_satisfiable',
        message: `The Range header asks for bytes outside the file, which has ${size} bytes.`,
        field: 'range',
        requestId: request.id,
      },
    });
}

function daapStatus(ctx: AppContext): DaapStatus {
  const share = ctx.music ?? null;
  if (!share) {
    return {
      enabled: false,
      name: ctx.settings.daapName,
      port: ctx.settings.daapPort,
      passwordSet: Boolean(ctx.settings.daapPassword),
      mdns: { state: 'off', advertisedName: null },
      revision: 0,
    };
  }
  const mdns = share.mdnsStatus;
  return {
    enabled: true,
    name: share.name,
    port: share.port,
    passwordSet: share.passwordSet,
    mdns:
      mdns.state === 'advertising' || mdns.state === 'starting'
        ? { state: 'advertising', advertisedName: mdns.name ?? null }
        : { state: 'off', advertisedName: null },
    revision: share.revision,
  };
}

function daapSessions(ctx: AppContext): DaapSessionJson[] {
  return (ctx.music?.sessions ?? []).map((s) => ({
    id: s.id,
    userAgent: s.userAgent ?? '',
    client: clientProduct(s.userAgent),
    address: s.address,
    state: s.state,
    heldRevision: s.heldRevision,
    since: s.since.toISOString(),
    lastSeen: s.lastSeen.toISOString(),
    requests: s.requests,
    itemsStreamed: s.itemsStreamed,
    bytesStreamed: s.bytesStreamed,
  }));
}

/** The music routes, for a scope that already has the API group's plugins. */
export function registerMusicRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const media = libraryMedia(ctx.blobs);

  api.get<{ Querystring: ListQueryT }>(
    '/api/music',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'Search and page through the music library',
        operationId: 'listMusic',
        querystring: ListQuery,
        response: { 200: MusicListSchema },
      },
    },
    (request) => listTracks(db, request.query),
  );

  api.get<{ Params: { id: number } }>(
    '/api/music/:id',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'Get a music track',
        operationId: 'getMusicTrack',
        params: TrackParams,
        response: { 200: MusicTrackSchema, 404: ERROR },
      },
    },
    async (request) => toMusicTrack(await trackRow(db, request.params.id)),
  );

  api.get<{ Params: { id: number }; Querystring: { size?: number } }>(
    '/api/music/:id/artwork',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'The cover image of a music track',
        operationId: 'getMusicArtwork',
        params: TrackParams,
        querystring: ArtworkQuery,
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const row = await trackRow(db, id);
      const item = trackItem(row, ctx.settings.musicDir ?? null);
      const none = () => notFound(`The music track with id ${id} has no artwork.`);
      if (!item.hasArtwork || !media.artwork) throw none();
      let image = await media
        .artwork({ session: undefined, database: undefined as never, item, headers: {} })
        .catch(() => undefined);
      if (!image) throw none();
      const size = request.query.size;
      if (size) image = await sharpScaler.scale(image, size, size);
      const bytes = Buffer.from(await image.bytes());
      const mime = imageMime(bytes);
      if (!mime) throw none();
      return reply.headers(STORED_BYTES_HEADERS).type(mime).send(bytes);
    },
  );

  // GET and HEAD in one route: Fastify's automatic HEAD would read the whole stream and answer
  // Content-Length 0.
  api.route<{ Params: { id: number } }>({
    method: ['GET', 'HEAD'],
    url: '/api/music/:id/audio',
    exposeHeadRoute: false,
    config: { permission: 'login' },
    schema: {
      summary: 'The audio bytes of a music track (one Range)',
      operationId: 'getMusicAudio',
      params: TrackParams,
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const row = await trackRow(db, id);
      const item = trackItem(row, ctx.settings.musicDir ?? null);
      const source = await media
        .item({ session: undefined, database: undefined as never, item, headers: {} })
        .catch(() => undefined);
      if (!source) throw notFound(`The audio of music track ${id} is not available.`);
      const size = source.size ?? int(row.size);
      const range = parseRange(request.headers.range, size);
      if (range === 'bad') return rangeNotSatisfiable(request, reply, size);
      const { start, end } = range ?? { start: 0, end: size - 1 };
      reply
        .code(range ? 206 : 200)
        .headers(STORED_BYTES_HEADERS)
        .type(source.mime)
        .header('accept-ranges', 'bytes')
        .header('content-length', String(Math.max(0, end - start + 1)));
      if (range) reply.header('content-range', `bytes ${start}-${end}/${size}`);
      // HEAD: no body, and Fastify keeps the Content-Length set above.
      if (request.method === 'HEAD') return reply.send();
      if (size === 0) return reply.send('');
      const body = source.open(start, end);
      return reply.send(Symbol.asyncIterator in body ? Readable.from(body) : body);
    },
  });

  api.get(
    '/api/daap/status',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'The DAAP share’s status',
        operationId: 'getDaapStatus',
        response: { 200: DaapStatusSchema },
      },
    },
    () => daapStatus(ctx),
  );

  api.get(
    '/api/daap/sessions',
    {
      config: { permission: 'login' },
      schema: {
        summary: 'The DAAP share’s client sessions',
        operationId: 'listDaapSessions',
        response: { 200: Type.Array(DaapSessionSchema) },
      },
    },
    () => daapSessions(ctx),
  );
}

/** The music routes in their own scope, with the same plugins as the API group (routes/api). */
export function registerMusicApi(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (api) => {
    api.setValidatorCompiler(TypeBoxValidatorCompiler);
    registerApiErrorHandler(api);
    await registerApiSecurityHeaders(api);
    await api.register(authPlugin, { ctx });
    registerMusicRoutes(api, ctx);
  });
}
