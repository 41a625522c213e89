/**
 * The TV pages (app.md §9.8): `GET /tv/` (the menu), `GET /tv/play` (the menu's form target, which
 * redirects to the canonical path), `GET /tv/play/{mode}/{stream}/{template}` and the two ES5
 * scripts. They have the home page's permission (`read`, §3.1), so the scope carries the API's
 * auth plugin (session cookie, permission) and security headers; a caller who must log in is sent
 * to `/login?next=…` rather than shown JSON.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../plugins/api-errors.js';
import authPlugin from '../../plugins/auth.js';
import { registerApiSecurityHeaders } from '../../plugins/security-headers.js';
import { formQuery, homeView, playView, type TvStream } from '../../tv/model.js';
import { renderHome, renderPlay, TV_SCRIPTS } from '../../tv/render.js';

type Query = Record<string, string | undefined>;

/** The last value of each query parameter (dash.md §4.1: last occurrence wins). */
function flatQuery(request: FastifyRequest): Query {
  const out: Query = {};
  const q = new URL(request.url, 'http://x').searchParams;
  for (const [k, v] of q) out[k] = v;
  return out;
}

/** The origin players should fetch the manifest from: the one the TV used to reach this page. */
const originOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

export function registerTvRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;

  async function streams(): Promise<TvStream[]> {
    const rows = await db
      .selectFrom('streams')
      .select(['directory', 'title', 'timing_ref_file_id', 'marlin_la_url'])
      .orderBy('title')
      .orderBy('directory')
      .execute();
    return rows.map((r) => ({
      directory: r.directory,
      title: r.title,
      playable: r.timing_ref_file_id !== null,
      marlinLaUrl: r.marlin_la_url,
    }));
  }

  void app.register(async (tv) => {
    await registerApiSecurityHeaders(tv);
    await tv.register(authPlugin, { ctx });
    tv.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
      const code = error instanceof ApiError ? error.status : error.statusCode;
      if (code === 401) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
      const status = code && code < 500 ? code : 500;
      if (status === 500) request.log.error({ err: error }, 'TV page failed');
      return reply
        .code(status)
        .type('text/plain; charset=utf-8')
        .send(status === 500 ? 'The page failed; the request id identifies it in the log.' : error.message);
    });
    const page = { config: { permission: 'read' as const } };

    tv.get('/tv/', page, async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(renderHome(homeView(await streams(), flatQuery(request)))),
    );
    tv.get('/tv', page, (_request, reply) => reply.redirect('/tv/', 301));

    // The menu form submits here; the canonical page has the choice in its path.
    tv.get('/tv/play', page, (request, reply) => {
      const q = flatQuery(request);
      const path = ['mode', 'stream', 'template'].map((k) => encodeURIComponent(q[k] ?? '')).join('/');
      const text = formQuery(q);
      return reply.redirect(`/tv/play/${path}${text ? `?${text}` : ''}`, 303);
    });

    tv.get<{ Params: { mode: string; stream: string; template: string } }>(
      '/tv/play/:mode/:stream/:template',
      page,
      async (request, reply) => {
        const { mode, stream, template } = request.params;
        const found = (await streams()).find((s) => s.directory === stream) ?? null;
        const view = playView({
          mode,
          stream: found,
          template,
          query: flatQuery(request),
          origin: originOf(request),
        });
        return reply
          .code(view.ok ? 200 : view.status)
          .type('text/html; charset=utf-8')
          .send(renderPlay(view));
      },
    );

    tv.get<{ Params: { file: string } }>('/tv/:file', page, (request, reply) => {
      const source = TV_SCRIPTS.get(request.params.file);
      if (source === undefined)
        return reply.code(404).type('text/plain; charset=utf-8').send('No such file.');
      return reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(source);
    });
  });
}
