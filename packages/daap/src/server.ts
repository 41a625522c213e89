// DaapServer (daap.md §5.5): owns a port (DAAP paths are absolute, so it cannot be mounted under
// a prefix), serves the handler, and advertises over Bonjour unless `mdns: false`.

import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createDaapHandler, VERSION, type DaapRequestHandler } from './http/handler.js';
import type { DaapHandlerOptions, RequestEvent } from './http/context.js';
import type { SessionEvent } from './http/sessions.js';
import type { SessionInfo } from './media/types.js';
import { CiaoAdvertiser } from './mdns/advertise.js';
import { daapTxt, type Advertiser } from './mdns/txt.js';

export interface DaapServerOptions extends DaapHandlerOptions {
  /** default 0.0.0.0 */
  readonly host?: string;
  /** default 3689; 0 picks a free port */
  readonly port?: number;
  readonly mdns?: false | { advertiser?: Advertiser; ipv6?: boolean; txt?: Record<string, string> };
}

export class DaapServer {
  readonly handler: DaapRequestHandler;
  private readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private advertiser: Advertiser | undefined;
  /** the advertised name (may differ from the share name after a conflict) */
  advertisedName: string | undefined;

  constructor(private readonly opts: DaapServerOptions) {
    this.handler = createDaapHandler(opts);
    this.http = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, this.handler);
    // Held /update requests must not be cut by server timeouts (§6.1).
    this.http.timeout = 0;
    this.http.keepAliveTimeout = 120_000;
    this.http.on('connection', (s: Socket) => {
      s.setKeepAlive(true, 60_000);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** The port actually bound (after listen()). */
  get port(): number {
    const a = this.http.address();
    return a && typeof a === 'object' ? a.port : (this.opts.port ?? 3689);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 3689, this.opts.host ?? '0.0.0.0', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const m = this.opts.mdns;
    if (m === false) return;
    const share = this.opts.share;
    const db1 = [...share.databases.values(share.revision)][0];
    this.advertiser =
      m?.advertiser ??
      new CiaoAdvertiser({
        ...(m?.ipv6 !== undefined ? { ipv6: m.ipv6 } : {}),
        onRename: (n) => {
          this.advertisedName = n;
          this.opts.logger?.info({ name: n }, 'mDNS name conflict: renamed');
        },
      });
    const txt = {
      ...daapTxt({
        name: share.name,
        sharePersistentId: share.persistentId,
        databasePersistentId: db1?.database.persistentId ?? share.persistentId,
        password: this.opts.password !== undefined,
        version: VERSION,
      }),
      ...(m?.txt ?? {}),
    };
    this.advertisedName = await this.advertiser.publish({ name: share.name, port: this.port, txt });
  }

  get sessions(): readonly SessionInfo[] {
    return this.handler.sessions;
  }

  on(ev: 'session', fn: (e: SessionEvent) => void): () => void;
  on(ev: 'request', fn: (e: RequestEvent) => void): () => void;
  on(ev: 'session' | 'request', fn: ((e: SessionEvent) => void) | ((e: RequestEvent) => void)): () => void {
    return ev === 'session'
      ? this.handler.on('session', fn as (e: SessionEvent) => void)
      : this.handler.on('request', fn as (e: RequestEvent) => void);
  }

  /** For a status panel: mDNS off, advertising (with the name in use), or withdrawn. */
  get mdnsStatus(): { state: 'off' | 'starting' | 'advertising' | 'withdrawn'; name?: string } {
    if (this.opts.mdns === false) return { state: 'off' };
    if (this.closing) return { state: 'withdrawn' };
    if (this.advertisedName === undefined) return { state: 'starting' };
    return { state: 'advertising', name: this.advertisedName };
  }

  private closing: Promise<void> | undefined;

  /**
   * On SIGINT/SIGTERM, withdraw the advert (goodbye packets) and close, then let the signal take
   * its default course (§8 lifecycle). Returns a function that removes the handlers. Opt-in: a
   * library does not take over a process's signals by itself.
   */
  closeOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
    const handlers = new Map<NodeJS.Signals, () => void>();
    const remove = (): void => {
      for (const [sig, fn] of handlers) process.off(sig, fn);
      handlers.clear();
    };
    for (const sig of signals) {
      const fn = (): void => {
        remove();
        void this.close().finally(() => process.kill(process.pid, sig));
      };
      handlers.set(sig, fn);
      process.on(sig, fn);
    }
    return remove;
  }

  /** Withdraw the advert, answer held requests, close sockets. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const adv = this.advertiser;
    this.advertiser = undefined;
    if (adv) await Promise.race([adv.withdraw(), new Promise((r) => setTimeout(r, 1500).unref())]);
    this.handler.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 200).unref();
    });
  }
}
