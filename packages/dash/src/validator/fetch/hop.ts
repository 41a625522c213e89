/**
 * One HTTP exchange of the validator's fetcher: one hop, one attempt (validator.md §6). The body is
 * read under a decoded-size limit (identity or a single gzip coding only) and two timeouts:
 * connect + headers, and the whole body.
 */
import { request, type IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FetchFailure } from '../types.js';
import { AddressNotAllowedError, guardedConnection, type ConnectTarget } from './connect.js';
import { formatBytes } from './limits.js';

export interface HopRequest extends ConnectTarget {
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  /** Largest decoded body, and how to name that limit in a message. */
  maxBytes: number;
  limitName: string;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  signal: AbortSignal;
}

export type HopOutcome =
  | { ok: true; status: number; headers: Record<string, string>; body: Uint8Array }
  | { ok: false; failure: FetchFailure; detail: string };

/** Response headers as one lower-cased name → value map (repeated headers joined with ", "). */
function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function describeError(err: unknown): HopOutcome {
  if (err instanceof AddressNotAllowedError) {
    return { ok: false, failure: 'address-not-allowed', detail: err.message };
  }
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    failure: 'network',
    detail: typeof code === 'string' ? `${code}: ${message}` : message,
  };
}

export function runHop(req: HopRequest): Promise<HopOutcome> {
  return new Promise<HopOutcome>((resolve, reject) => {
    const { url, signal } = req;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: HopOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
      client?.destroy();
    };
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      finish(reason instanceof Error ? reason : new Error('aborted'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    let client: ReturnType<typeof request> | undefined;
    try {
      client = request({
        method: req.method,
        host: url.hostname,
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, host: url.host },
        createConnection: guardedConnection(req),
      });
    } catch (err) {
      finish(describeError(err));
      return;
    }
    timer = setTimeout(
      () =>
        finish({
          ok: false,
          failure: 'timeout',
          detail: `no response headers within ${req.headersTimeoutMs} ms`,
        }),
      req.headersTimeoutMs,
    );
    client.on('error', (err) => finish(describeError(err)));
    client.on('response', (res) => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          finish({
            ok: false,
            failure: 'timeout',
            detail: `body not complete within ${req.bodyTimeoutMs} ms`,
          }),
        req.bodyTimeoutMs,
      );
      const status = res.statusCode ?? 0;
      const headers = flatHeaders(res);
      if (req.method === 'HEAD' || status === 204 || status === 304) {
        res.resume();
        finish({ ok: true, status, headers, body: new Uint8Array(0) });
        return;
      }
      readBody(res, headers, req, (outcome) =>
        finish({ ...outcome, ...(outcome.ok ? { status, headers } : {}) } as HopOutcome),
      );
    });
    client.end();
  });
}

type BodyOutcome = { ok: true; body: Uint8Array } | { ok: false; failure: FetchFailure; detail: string };

function readBody(
  res: IncomingMessage,
  headers: Record<string, string>,
  req: HopRequest,
  done: (o: BodyOutcome) => void,
): void {
  const coding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity' && coding !== 'gzip') {
    res.destroy();
    done({
      ok: false,
      failure: 'network',
      detail: `content coding "${coding}" is not accepted (identity or one gzip)`,
    });
    return;
  }
  const tooLarge = (): BodyOutcome => ({
    ok: false,
    failure: 'too-large',
    detail: `body larger than the ${req.limitName} limit of ${formatBytes(req.maxBytes)}`,
  });
  const declared = Number(headers['content-length']);
  if (coding === 'identity' && Number.isFinite(declared) && declared > req.maxBytes) {
    res.destroy();
    done(tooLarge());
    return;
  }
  const source: Readable = coding === 'gzip' ? res.pipe(createGunzip()) : res;
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  source.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > req.maxBytes) {
      over = true;
      res.destroy();
      source.destroy();
      done(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  source.on('error', (err) => {
    if (!over) done({ ok: false, failure: 'network', detail: `body: ${err.message}` });
  });
  res.on('close', () => {
    if (!res.complete && !over) {
      done({ ok: false, failure: 'network', detail: 'connection closed before the body was complete' });
    }
  });
  source.on('end', () => {
    if (over) return;
    const body = Buffer.concat(chunks, size);
    done({ ok: true, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
  });
}
