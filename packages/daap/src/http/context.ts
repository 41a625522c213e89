// Per-handler state and per-request context shared by the routes.

import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Share } from '../model/share.js';
import type { CodecViews } from '../media/codecs.js';
import type { ArtworkScaler, MediaProvider } from '../media/types.js';
import type { Throttle } from './auth.js';
import type { Timers } from './clock.js';
import type { ReplyCache } from './reply.js';
import type { Params } from './request.js';
import type { Session, SessionManager } from './sessions.js';
import type { UpdateHub } from './update-hub.js';

export interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface DaapHandlerOptions {
  readonly share: Share;
  readonly media: MediaProvider;
  /** enables Basic auth (§6.4) */
  readonly password?: string;
  readonly artworkScaler?: ArtworkScaler;
  /** §6.9, default 1200; 0 disables */
  readonly updateKeepAliveSeconds?: number;
  /** §6.5, default 86400 */
  readonly sessionIdleSeconds?: number;
  /** default 200 */
  readonly maxSessions?: number;
  /** §4.5, default 256 */
  readonly maxHistory?: number;
  /** §6.1: default level 1, 1024 bytes */
  readonly gzip?: false | { level?: number; minBytes?: number };
  /** §6.1, default 64 MiB */
  readonly replyCacheBytes?: number;
  /** DAAP-Server value, default "loopcast/<version>" */
  readonly serverHeader?: string;
  readonly logger?: Logger;
  /**
   * Which client addresses are served at all (others get 403 before routing). loopcast's own
   * share uses it for "no password: loopback, private and link-local only" (§6.4).
   */
  readonly allowClient?: (address: string) => boolean;
  /** injected clock (tests) */
  readonly timers?: Timers;
}

export interface HandlerState {
  readonly opts: DaapHandlerOptions;
  readonly share: Share;
  readonly media: MediaProvider;
  readonly log: Logger;
  readonly timers: Timers;
  readonly sessions: SessionManager;
  readonly hub: UpdateHub;
  readonly throttle: Throttle;
  readonly cache: ReplyCache;
  readonly serverHeader: string;
  readonly gzipLevel: number | undefined;
  readonly gzipMin: number;
  readonly groupIds: Map<bigint, number>;
  readonly usedGroupIds: Set<number>;
  readonly artCache: Map<string, { mime: string; bytes: Uint8Array }>;
  /** §9.4: per-codec-class item views; undefined when the provider names no transcode targets */
  readonly codecViews: CodecViews | undefined;
  /** 'request' events for metrics */
  readonly events: EventEmitter;
  warnedNoScaler: boolean;
  closing: boolean;
  reqSeq: number;
}

/** One answered request, for metrics (loopcast_daap_requests_total{route,status}). */
export interface RequestEvent {
  readonly method: string;
  /** the route pattern, e.g. "/databases/{n}/items", or "unknown" */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  readonly session?: number;
}

export interface Ctx {
  readonly state: HandlerState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly head: boolean;
  readonly path: string;
  readonly params: Params;
  readonly address: string;
  readonly userAgent: string | undefined;
  /** the live session, when the request named one */
  session: Session | undefined;
  readonly match: readonly string[];
  readonly reqId: number;
}
