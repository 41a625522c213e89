// The DAAP request handler (daap.md §6): one Node `http` handler owning the whole URL space of its
// port. Routing, authentication (§6.4), sessions (§6.5) and error mapping (§6.21) live here; each
// route is in routes/.

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DmapEncodeError } from '../dmap/encode.js';
import type { Database } from '../model/database.js';
import { SourceLoadError } from '../model/items.js';
import { CodecViews } from '../media/codecs.js';
import type { SessionInfo } from '../media/types.js';
import { authorized, Throttle } from './auth.js';
import { realTimers } from './clock.js';
import {
  silentLogger,
  type Ctx,
  type DaapHandlerOptions,
  type HandlerState,
  type RequestEvent,
} from './context.js';
import { ReplyCache, sendDmap, sendEmpty, statusBody } from './reply.js';
import { BadParameter, idSegment, parseTarget } from './request.js';
import { artworkRoute, groupArtworkRoute } from './routes/art-routes.js';
import { browse } from './routes/browse.js';
import { containerItems } from './routes/container-items.js';
import { containers } from './routes/containers.js';
import { contentCodes } from './routes/content-codes.js';
import { databases } from './routes/databases.js';
import { groups } from './routes/groups.js';
import { items } from './routes/items.js';
import { activity, login, logout } from './routes/login.js';
import { serverInfo } from './routes/server-info.js';
import { stream } from './routes/stream.js';
import { update } from './routes/update.js';
import { SessionManager, type SessionEvent } from './sessions.js';
import { UpdateHub } from './update-hub.js';

export const VERSION = '0.1.0';

type Auth = 'none' | 'password' | 'session' | 'media';

interface Route {
  readonly re: RegExp;
  readonly auth: Auth;
  /** top tag of the reply, for 400/503 bodies */
  readonly top?: string;
  readonly run: (ctx: Ctx) => Promise<void>;
}

/** A metrics label for a route: "/databases/{n}/items" and the like. */
function routeName(re: RegExp): string {
  return re.source
    .replace(/^\^|\$$/g, '')
    .replace(/\\\//g, '/')
    .replace(/\(\\d\+\)/g, '{n}')
    .replace(/\(\[\^\/\]\+\)/g, '{kind}')
    .replace('\\.[^/]*', '.{ext}');
}

function dbOf(ctx: Ctx): Database | undefined {
  const id = idSegment(ctx.match[1]);
  return id === undefined ? undefined : ctx.state.share.database(id, ctx.state.share.revision);
}

function withDb(fn: (ctx: Ctx, db: Database) => Promise<void>): (ctx: Ctx) => Promise<void> {
  return async (ctx) => {
    const db = dbOf(ctx);
    if (!db) return sendEmpty(ctx, 404);
    await fn(ctx, db);
  };
}

const ROUTES: readonly Route[] = [
  { re: /^\/server-info$/, auth: 'none', top: 'msrv', run: serverInfo },
  { re: /^\/content-codes$/, auth: 'none', top: 'mccr', run: contentCodes },
  { re: /^\/login$/, auth: 'password', top: 'mlog', run: login },
  { re: /^\/logout$/, auth: 'none', run: logout },
  { re: /^\/activity$/, auth: 'session', run: activity },
  { re: /^\/update$/, auth: 'session', top: 'mupd', run: update },
  { re: /^\/databases$/, auth: 'session', top: 'avdb', run: databases },
  { re: /^\/databases\/(\d+)\/items$/, auth: 'session', top: 'adbs', run: withDb(items) },
  { re: /^\/databases\/(\d+)\/containers$/, auth: 'session', top: 'aply', run: withDb(containers) },
  {
    re: /^\/databases\/(\d+)\/containers\/(\d+)\/items$/,
    auth: 'session',
    top: 'apso',
    run: withDb(async (ctx, db) => {
      const cid = idSegment(ctx.match[2]);
      const rev = ctx.state.share.revision;
      const c = cid === 0 ? db.base : cid === undefined ? undefined : db.containers.get(cid, rev);
      if (!c) return sendEmpty(ctx, 404);
      await containerItems(ctx, db, c);
    }),
  },
  { re: /^\/databases\/(\d+)\/groups$/, auth: 'session', top: 'agal', run: withDb(groups) },
  {
    re: /^\/databases\/(\d+)\/browse\/([^/]+)$/,
    auth: 'session',
    top: 'abro',
    run: withDb((ctx, db) => browse(ctx, db, ctx.match[2] ?? '')),
  },
  {
    re: /^\/databases\/(\d+)\/items\/(\d+)\.[^/]*$/,
    auth: 'media',
    run: withDb(async (ctx, db) => {
      const id = idSegment(ctx.match[2]);
      if (id === undefined) return sendEmpty(ctx, 404);
      await stream(ctx, db, id);
    }),
  },
  { re: /^\/databases\/(\d+)\/items\/(\d+)\/extra_data\/artwork$/, auth: 'media', run: withDb(artworkRoute) },
  {
    re: /^\/databases\/(\d+)\/groups\/(\d+)\/extra_data\/artwork$/,
    auth: 'media',
    run: withDb(groupArtworkRoute),
  },
];

export interface DaapRequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly state: HandlerState;
  /** live sessions */
  readonly sessions: readonly SessionInfo[];
  on(ev: 'session', fn: (e: SessionEvent) => void): () => void;
  on(ev: 'request', fn: (e: RequestEvent) => void): () => void;
  /** end held requests and sessions; the share is left untouched */
  close(): void;
}

export function createDaapHandler(opts: DaapHandlerOptions): DaapRequestHandler {
  const timers = opts.timers ?? realTimers;
  const share = opts.share;
  if (opts.maxHistory !== undefined) share.maxHistory = opts.maxHistory;
  const gz = opts.gzip === false ? undefined : (opts.gzip ?? {});
  const sessions = new SessionManager(
    timers,
    (opts.sessionIdleSeconds ?? 86400) * 1000,
    opts.maxSessions ?? 200,
    () => share.autoClean(),
  );
  const state: HandlerState = {
    opts,
    share,
    media: opts.media,
    log: opts.logger ?? silentLogger,
    timers,
    sessions,
    hub: new UpdateHub(share, timers, (opts.updateKeepAliveSeconds ?? 1200) * 1000),
    throttle: new Throttle(() => timers.now()),
    cache: new ReplyCache(opts.replyCacheBytes ?? 64 * 1024 * 1024),
    serverHeader: opts.serverHeader ?? `loopcast/${VERSION}`,
    gzipLevel: gz ? (gz.level ?? 1) : undefined,
    gzipMin: gz ? (gz.minBytes ?? 1024) : Infinity,
    groupIds: new Map(),
    usedGroupIds: new Set(),
    artCache: new Map(),
    codecViews: opts.media.transcodeTarget
      ? new CodecViews((item, codecs) => opts.media.transcodeTarget?.(item, codecs))
      : undefined,
    events: new EventEmitter(),
    warnedNoScaler: false,
    closing: false,
    reqSeq: 0,
  };
  // §4.5: history is kept for the oldest live session.
  share.setRetention(() => sessions.minHeld());

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    handle(state, req, res).catch((e: unknown) => {
      state.log.error(
        { err: e instanceof Error ? e.message : String(e), url: req.url },
        'daap handler failure',
      );
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Length': '0' });
        res.end();
      } else res.destroy();
    });
  }) as DaapRequestHandler;
  Object.defineProperties(handler, {
    state: { value: state },
    sessions: { get: () => sessions.list() },
    on: {
      value: (ev: 'session' | 'request', fn: ((e: SessionEvent) => void) | ((e: RequestEvent) => void)) => {
        const em = ev === 'session' ? sessions.events : state.events;
        const listener = fn as (...args: unknown[]) => void;
        em.on(ev, listener);
        return () => em.off(ev, listener);
      },
    },
    close: {
      value: () => {
        state.closing = true;
        state.hub.close();
        sessions.close();
        share.setRetention(undefined);
      },
    },
  });
  return handler;
}

async function handle(state: HandlerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, params } = parseTarget(req.url ?? '/');
  const address = req.socket.remoteAddress ?? 'unknown';
  const ua = req.headers['user-agent'];
  let route: Route | undefined;
  let match: RegExpExecArray | null = null;
  for (const r of ROUTES) {
    match = r.re.exec(path);
    if (match) {
      route = r;
      break;
    }
  }
  const ctx: Ctx = {
    state,
    req,
    res,
    head: req.method === 'HEAD',
    path,
    params,
    address,
    userAgent: typeof ua === 'string' ? ua : undefined,
    session: undefined,
    match: match ? [...match] : [],
    reqId: ++state.reqSeq,
  };
  // Access log: one line per request with its shape and status (§13.4 reads it).
  const t0 = state.timers.now();
  res.once('finish', () => {
    const ms = state.timers.now() - t0;
    state.log.info(
      { req: ctx.reqId, method: req.method, url: req.url, status: res.statusCode, ms },
      'daap request',
    );
    if (state.events.listenerCount('request') > 0) {
      const e: RequestEvent = {
        method: req.method ?? 'GET',
        route: route ? routeName(route.re) : 'unknown',
        status: res.statusCode,
        ms,
        ...(ctx.session ? { session: ctx.session.id } : {}),
      };
      state.events.emit('request', e);
    }
  });
  if (!route) return sendEmpty(ctx, 404);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendEmpty(ctx, 405, { Allow: 'GET, HEAD' });
  if (state.opts.allowClient && !state.opts.allowClient(address)) return sendEmpty(ctx, 403);
  if (state.throttle.blocked(address)) return sendEmpty(ctx, 503, { 'Retry-After': '60' });
  if (!authorize(ctx, route.auth)) return;
  const s = ctx.session;
  if (s) {
    state.sessions.touch(s);
    s.inFlight++;
  }
  try {
    await route.run(ctx);
  } catch (e) {
    if (e instanceof BadParameter) {
      await sendDmap(ctx, statusBody(route.top ?? 'mstt', 400, e.message), { status: 400 });
    } else if (e instanceof SourceLoadError) {
      state.log.error({ err: e.message }, 'library loading failed');
      if (!res.headersSent) res.setHeader('Retry-After', '5');
      await sendDmap(ctx, statusBody(route.top ?? 'mstt', 503, 'library loading failed'), { status: 503 });
    } else {
      if (e instanceof DmapEncodeError)
        state.log.error({ err: e.message, req: ctx.reqId }, 'encoder range error');
      throw e;
    }
  } finally {
    if (s) {
      s.inFlight--;
      s.lastSeen = new Date(state.timers.now());
    }
  }
}

/** §6.4. Returns false after answering when the request may not proceed. */
function authorize(ctx: Ctx, auth: Auth): boolean {
  const st = ctx.state;
  const pw = st.opts.password;
  const realm = { 'WWW-Authenticate': `Basic realm="${st.share.name.replace(/["\\]/g, '')}"` };
  const basicOk = (): boolean => pw !== undefined && authorized(ctx.req.headers.authorization, pw);
  if (auth === 'none') return true;
  // Failures are logged with the address and path, never with the credentials (§6.4).
  const failed = (reason: string): void =>
    st.log.warn({ address: ctx.address, path: ctx.path, reason }, 'daap auth failure');
  if (auth === 'password') {
    if (pw === undefined || basicOk()) return true;
    if (ctx.req.headers.authorization) {
      st.throttle.fail(ctx.address);
      failed('bad credentials');
    }
    sendEmpty(ctx, 401, realm);
    return false;
  }
  const raw = ctx.params.get('session-id');
  const sid = raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : undefined;
  const s = sid === undefined ? undefined : st.sessions.get(sid);
  if (s && (pw === undefined || s.address === ctx.address)) {
    ctx.session = s;
    return true;
  }
  if (basicOk()) return true;
  if (auth === 'media' && pw === undefined) {
    // Play URLs kept across a restart keep working without a password (§6.4); not a failure.
    if (raw !== undefined)
      st.log.info({ path: ctx.path, session: raw }, 'media request with unknown session');
    return true;
  }
  if (raw !== undefined) {
    st.throttle.fail(ctx.address);
    failed(s ? 'session from another address' : 'unknown session');
  }
  if (pw !== undefined && raw === undefined) {
    sendEmpty(ctx, 401, realm);
    return false;
  }
  sendEmpty(ctx, 403);
  return false;
}
