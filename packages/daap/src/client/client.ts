// A small DAAP client over raw sockets (daap.md §13.5): it sends request lines byte for byte
// (absolute URIs, exact header sets) and decodes replies with the library's decoder. Used by the
// replays and integration tests.

import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decode, type DecodeOptions, type DmapNode } from '../dmap/decode.js';

export interface DaapReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** body after gzip decoding */
  readonly body: Buffer;
  /** decoded DMAP tree for application/x-dmap-tagged bodies */
  readonly root?: DmapNode;
}

export class DaapClient {
  constructor(
    readonly host: string,
    readonly port: number,
    private readonly defaultHeaders: Readonly<Record<string, string>> = {},
    private readonly decodeOptions: DecodeOptions = {},
  ) {}

  /** Send one request on a fresh connection. `target` is sent verbatim on the request line. */
  request(
    target: string,
    o: { method?: string; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<DaapReply> {
    const headers = { Host: `${this.host}:${this.port}`, ...this.defaultHeaders, ...(o.headers ?? {}) };
    const lines = [
      `${o.method ?? 'GET'} ${target} HTTP/1.1`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    const raw = `${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const sock = connect(this.port, this.host);
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`timeout: ${target}`));
      }, o.timeoutMs ?? 10_000);
      o.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        sock.destroy();
        reject(new Error('aborted'));
      });
      sock.on('connect', () => sock.write(raw));
      sock.on('data', (c: Buffer) => chunks.push(c));
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      sock.on('close', () => {
        clearTimeout(timer);
        try {
          resolve(this.parse(Buffer.concat(chunks), o.method === 'HEAD'));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  private parse(buf: Buffer, head: boolean): DaapReply {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) throw new Error('incomplete response');
    const [statusLine, ...hl] = buf.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const l of hl) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let body = head ? Buffer.alloc(0) : buf.subarray(end + 4);
    if (!head && headers['transfer-encoding'] === 'chunked') body = dechunk(body);
    if (headers['content-encoding'] === 'gzip' && body.length > 0) body = gunzipSync(body);
    const isDmap = headers['content-type'] === 'application/x-dmap-tagged' && body.length > 0;
    return { status, headers, body, ...(isDmap ? { root: decode(body, this.decodeOptions).root } : {}) };
  }
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let o = 0;
  for (;;) {
    const nl = b.indexOf('\r\n', o);
    if (nl < 0) break;
    const n = parseInt(b.subarray(o, nl).toString('latin1'), 16);
    if (!Number.isFinite(n) || n === 0) break;
    out.push(b.subarray(nl + 2, nl + 2 + n));
    o = nl + 2 + n + 2;
  }
  return Buffer.concat(out);
}
