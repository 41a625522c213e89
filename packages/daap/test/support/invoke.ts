// Calls the DAAP handler in-process (no sockets): a minimal request object and a Writable
// response that records status, headers and body.

import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decode, type DecodeOptions, type DmapNode } from '../../src/dmap/decode.js';
import type { DaapRequestHandler } from '../../src/http/handler.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  root?: DmapNode;
}

class MockResponse extends Writable {
  statusCode = 200;
  headersSent = false;
  readonly headers: Record<string, string> = {};
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.headersSent = true;
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  setHeader(k: string, v: string | number): this {
    this.headers[k.toLowerCase()] = String(v);
    return this;
  }
  getHeader(k: string): string | undefined {
    return this.headers[k.toLowerCase()];
  }
  writeHead(status: number, headers: Record<string, string> = {}): this {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers)) this.headers[k.toLowerCase()] = v;
    this.headersSent = true;
    return this;
  }
}

export interface Pending {
  /** resolves when the response ends (or the client "disconnects") */
  readonly done: Promise<Reply>;
  /** simulate the client going away */
  disconnect(): void;
  readonly ended: () => boolean;
}

export function start(
  handler: DaapRequestHandler,
  url: string,
  o: { method?: string; headers?: Record<string, string>; address?: string; decode?: DecodeOptions } = {},
): Pending {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
  const req = {
    url,
    method: o.method ?? 'GET',
    headers,
    socket: { remoteAddress: o.address ?? '127.0.0.1' },
  } as unknown as IncomingMessage;
  const res = new MockResponse();
  let ended = false;
  const done = new Promise<Reply>((resolve) => {
    const finish = (): void => {
      if (ended) return;
      ended = true;
      let body = Buffer.concat(res.chunks);
      if (res.headers['content-encoding'] === 'gzip' && body.length > 0) body = gunzipSync(body);
      const isDmap = res.headers['content-type'] === 'application/x-dmap-tagged' && body.length > 0;
      resolve({
        status: res.statusCode,
        headers: res.headers,
        body,
        ...(isDmap ? { root: decode(body, o.decode).root } : {}),
      });
    };
    res.on('finish', finish);
    res.on('close', finish);
  });
  handler(req, res as unknown as ServerResponse);
  return {
    done,
    disconnect: () => res.destroy(),
    ended: () => ended,
  };
}

export function call(
  handler: DaapRequestHandler,
  url: string,
  o: { method?: string; headers?: Record<string, string>; address?: string; decode?: DecodeOptions } = {},
): Promise<Reply> {
  return start(handler, url, o).done;
}

/** Value of the first descendant path, e.g. find(root, 'mlcl', 'mlit'). */
export function find(node: DmapNode | undefined, ...path: string[]): DmapNode | undefined {
  let n = node;
  for (const code of path) {
    if (!n || !Array.isArray(n.value)) return undefined;
    n = n.value.find((c) => c.code === code);
  }
  return n;
}

export function all(node: DmapNode | undefined, code: string): DmapNode[] {
  return node && Array.isArray(node.value) ? node.value.filter((c) => c.code === code) : [];
}

export function val(node: DmapNode | undefined, ...path: string[]): unknown {
  return find(node, ...path)?.value;
}
