// Writing replies (daap.md §6.1): DAAP-Server on every reply, DMAP content type, gzip for DMAP
// bodies of at least `minBytes` when the client accepts it, and a byte-bounded LRU reply cache.

import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { container, element, type Encoded } from '../dmap/encode.js';
import type { Ctx } from './context.js';

const gzipAsync = promisify(gzip);

export class ReplyCache {
  private readonly map = new Map<string, { body: Buffer; rev: number; gz: boolean }>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string, oldest: number): { body: Buffer; gz: boolean } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.rev < oldest) {
      this.bytes -= e.body.length;
      return undefined;
    }
    this.map.set(key, e);
    return e;
  }
  set(key: string, rev: number, body: Buffer, gz: boolean): void {
    if (body.length > this.maxBytes / 4) return;
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.map.delete(key);
    }
    this.map.set(key, { body, rev, gz });
    this.bytes += body.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.body.length;
    }
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

function baseHeaders(ctx: Ctx): Record<string, string> {
  return { 'DAAP-Server': ctx.state.serverHeader, 'Content-Language': 'en_us' };
}

export function acceptsGzip(ctx: Ctx): boolean {
  const ae = ctx.req.headers['accept-encoding'];
  return typeof ae === 'string' && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(ae);
}

/** Send an empty reply with a status (204, 403, 404…). */
export function sendEmpty(ctx: Ctx, status: number, extra: Record<string, string> = {}): void {
  if (ctx.res.headersSent) {
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(status, { ...baseHeaders(ctx), 'Content-Length': '0', ...extra });
  ctx.res.end();
}

/** Send a DMAP body, gzipped when worthwhile; `cacheKey` stores the final bytes. */
export async function sendDmap(
  ctx: Ctx,
  parts: Encoded | Buffer,
  opts: { status?: number; cacheKey?: string; rev?: number } = {},
): Promise<void> {
  const st = ctx.state;
  let body = Buffer.isBuffer(parts) ? parts : Buffer.concat(parts);
  let gz = false;
  if (st.gzipLevel !== undefined && body.length >= st.gzipMin && acceptsGzip(ctx)) {
    body = await gzipAsync(body, { level: st.gzipLevel });
    gz = true;
  }
  if (opts.cacheKey !== undefined)
    st.cache.set(`${opts.cacheKey}|${gz ? 'gz' : 'id'}`, opts.rev ?? 0, body, gz);
  writeBody(ctx, body, gz, opts.status ?? 200);
}

export function writeBody(ctx: Ctx, body: Buffer, gz: boolean, status = 200): void {
  if (ctx.res.destroyed) return;
  const headers: Record<string, string> = {
    ...baseHeaders(ctx),
    'Content-Type': 'application/x-dmap-tagged',
    'Content-Length': String(body.length),
  };
  if (gz) {
    headers['Content-Encoding'] = 'gzip';
    headers.Vary = 'Accept-Encoding';
  }
  ctx.res.writeHead(status, headers);
  ctx.res.end(ctx.head ? undefined : body);
}

/** Serve from the reply cache when possible. */
export function fromCache(ctx: Ctx, key: string): boolean {
  const gz = ctx.state.gzipLevel !== undefined && acceptsGzip(ctx);
  const hit = ctx.state.cache.get(`${key}|${gz ? 'gz' : 'id'}`, ctx.state.share.oldest);
  if (!hit) return false;
  writeBody(ctx, hit.body, hit.gz);
  return true;
}

/** `<top>{ mstt status, msts text }` (§6.3, §6.21). */
export function statusBody(top: string, status: number, text: string): Buffer[] {
  return container(top, [element('mstt', status), element('msts', text)]);
}
