/** A placeholder home page until the web UI (packages/web) replaces it. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function registerHomeRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (_request, reply) => {
    const streams = await ctx.database.db
      .selectFrom('streams')
      .select(['directory', 'title'])
      .orderBy('directory')
      .execute();
    const music = await ctx.database.db
      .selectFrom('music_tracks')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirst();
    const items = streams
      .map(
        (s) =>
          `<li><strong>${escapeHtml(s.title)}</strong> (<code>${escapeHtml(s.directory)}</code>): ` +
          `<a href="/dash/live/${s.directory}/hand_made.mpd">live</a>, ` +
          `<a href="/dash/vod/${s.directory}/hand_made.mpd">vod</a></li>`,
      )
      .join('');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">
<title>loopcast</title>
<h1>loopcast ${escapeHtml(ctx.version)}</h1>
<p>Live MPEG-DASH test streams and a DAAP music share.</p>
<h2>Streams</h2><ul>${items || '<li>none yet</li>'}</ul>
<h2>Music</h2><p>${Number(music?.count ?? 0)} tracks in the library.</p>
<p><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></p>
</html>`;
  });
}
