/**
 * The web UI's route group (app.md §9.1): the built Preact shell for UI paths, its hashed assets,
 * the prebuilt player files and the read-only stream list the builder needs. Everything here runs
 * in one encapsulated child plugin, so helmet's security headers (§15) apply to these routes only
 * and the streaming routes (/dash/, /time/) keep their hook-free fast path (stack.md §3.1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';

/** packages/web, from packages/server/src/routes. */
const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));

/** UI paths answered with the shell; the rest of §9.2 follows with later pages. */
const SHELL_PATHS = [
  '/',
  '/play/*',
  '/music',
  '/validate',
  '/inspect',
  '/login',
  '/change-password',
  '/options',
  '/keys',
  '/keys/*',
  '/users',
  '/users/*',
  '/account',
  '/streams',
  '/streams/*',
  '/multi-period-streams',
  '/multi-period-streams/*',
];

/**
 * The player builds served from node_modules (never bundled into the app): the newest 5.x and 4.x
 * of each, installed as npm aliases (app.md §9.5). URL: /static/players/{player}-{version}.js.
 */
const PLAYER_FILES = [
  { player: 'dashjs', pkg: 'dashjs', file: 'dist/modern/umd/dash.all.min.js' },
  { player: 'dashjs', pkg: 'dashjs4', file: 'dist/dash.all.min.js' },
  { player: 'shaka', pkg: 'shaka-player', file: 'dist/shaka-player.compiled.js' },
  { player: 'shaka', pkg: 'shaka4', file: 'dist/shaka-player.compiled.js' },
] as const;

export interface PlayerFile {
  player: string;
  version: string;
  /** URL path under which the page loads it. */
  url: string;
  dir: string;
  name: string;
}

/** Finds an installed package the way Node does: node_modules folders upwards from `from`. */
function packageDir(pkg: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export function installedPlayers(webRoot = WEB_ROOT): PlayerFile[] {
  const out: PlayerFile[] = [];
  for (const p of PLAYER_FILES) {
    const dir = packageDir(p.pkg, webRoot);
    if (!dir) continue;
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    const path = join(dir, p.file);
    out.push({
      player: p.player,
      version,
      url: `/static/players/${p.player}-${version}.js`,
      dir: dirname(path),
      name: path.slice(dirname(path).length + 1),
    });
  }
  return out;
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Shown instead of the shell when the UI has not been built, so `/` never fails. */
const notBuiltPage = (version: string): string => `<!doctype html><html lang="en"><meta charset="utf-8">
<link rel="icon" href="data:,"><title>loopcast</title>
<h1>loopcast ${escapeHtml(version)}</h1>
<p>The web UI has not been built. Run <code>npx vite build</code> in <code>packages/web</code>
(or <code>npm run build -w packages/web</code>) and reload this page.</p>
<p>Streams already play: for example <a href="/dash/live/demo/hand_made.mpd">/dash/live/demo/hand_made.mpd</a>.</p>
</html>`;

/** app.md §15; `connect-src` widens on /play/… for licence servers named in options. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:', 'data:'],
  workerSrc: ["'self'", 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'self'"],
};

const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  referrerPolicy: { policy: 'same-origin' as const },
  // HSTS belongs to the TLS proxy (§15); COEP would block nothing we serve but costs nothing to skip.
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

const PLAY_HELMET = {
  ...HELMET_OPTIONS,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { ...CSP_DIRECTIVES, connectSrc: ["'self'", 'http:', 'https:'] },
  },
};

export interface WebRouteOptions {
  /** packages/web; tests may point elsewhere (for example at a folder without dist/). */
  webRoot?: string;
}

export function registerWebRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: WebRouteOptions = {},
): void {
  const webRoot = options.webRoot ?? WEB_ROOT;
  const dist = join(webRoot, 'dist');
  const players = installedPlayers(webRoot);
  const playerByUrl = new Map(players.map((p) => [p.url, p]));

  void app.register(async (ui) => {
    await ui.register(helmet, HELMET_OPTIONS);
    // Only reply.sendFile is used: files are looked up per request, so a build made after the
    // server started is picked up, and a missing dist/ is not an error at start.
    await ui.register(fastifyStatic, { root: webRoot, serve: false, cacheControl: false });

    const shell = async (reply: FastifyReply): Promise<FastifyReply> => {
      reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      try {
        return reply.send(await readFile(join(dist, 'index.html')));
      } catch {
        return reply.send(notBuiltPage(ctx.version));
      }
    };
    for (const url of SHELL_PATHS) {
      ui.get(url, { helmet: url.startsWith('/play/') ? PLAY_HELMET : HELMET_OPTIONS }, (_request, reply) =>
        shell(reply),
      );
    }
    // Any other page: the shell, which says "Page not found", with status 404 (app.md §9.1). API and
    // streaming paths keep their JSON 404 (their routes are more specific than this wildcard).
    ui.get('/*', (request, reply) => {
      if (/^\/(api|dash|time|static|assets|tv)\//.test(request.url)) return reply.callNotFound();
      return shell(reply.code(404));
    });

    // Hashed file names: a changed file gets a new name, so the old one may be cached for ever.
    ui.get<{ Params: { '*': string } }>('/assets/*', (request, reply) => {
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.sendFile(request.params['*'], join(dist, 'assets'));
    });

    ui.get<{ Params: { file: string } }>('/static/players/:file', (request, reply) => {
      const player = playerByUrl.get(`/static/players/${request.params.file}`);
      if (!player) return reply.callNotFound();
      // The version is part of the URL, so the file never changes under it.
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.sendFile(player.name, player.dir);
    });
  });
}
