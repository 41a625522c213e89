/**
 * The HTTP side of `loopcast upload` and `loopcast download` (spec app.md §10.3, §10.5): a bearer
 * token (an upload token, or an access token from `POST /api/auth/token`), JSON calls that turn
 * error envelopes into messages, a multipart upload streamed from disk with progress, and a
 * download streamed to disk. Network errors and 5xx answers are retried up to 3 times.
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const RETRIES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `call`, retrying network errors and 5xx answers with back-off (§10.3 step 5). */
export async function withRetries<T>(
  call: () => Promise<T>,
  onRetry?: (err: Error, n: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const retryable = !(err instanceof ApiCallError) || err.retryable;
      if (!retryable || attempt >= RETRIES) throw err;
      onRetry?.(err as Error, attempt + 1);
      await sleep(250 * 2 ** attempt);
    }
  }
}

function messageOf(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) return `${status}: ${parsed.error.message}`;
  } catch {
    /* not JSON */
  }
  return `the server answered ${status}`;
}

export class ApiClient {
  private token = '';

  constructor(readonly host: URL) {}

  static parseHost(host: string): URL {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new Error(`--host ${host} is not a URL; give e.g. http://localhost:8080`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`--host must be http(s), not ${url.protocol}`);
    return url;
  }

  useToken(token: string): void {
    this.token = token;
  }

  /** A raw request; the caller reads or pipes the response. */
  private send(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    body?: (req: Writable) => void,
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.host);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            accept: 'application/json',
            ...headers,
          },
        },
        resolve,
      );
      req.on('error', (err) =>
        reject(new ApiCallError(0, `${method} ${url.pathname}: ${err.message}`, true)),
      );
      if (body) body(req);
      else req.end();
    });
  }

  private static async text(res: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** A JSON call; a 4xx/5xx becomes an ApiCallError carrying the server's sentence. */
  async json<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const res = await this.send(
      method,
      path,
      body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      body ? (req) => req.end(body) : undefined,
    );
    const text = await ApiClient.text(res);
    const status = res.statusCode ?? 0;
    if (status >= 400)
      throw new ApiCallError(status, `${method} ${path}: ${messageOf(status, text)}`, status >= 500);
    return (status === 204 || text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Logs in with a password for an access token (§10.3 step 1). */
  async login(username: string, password: string): Promise<void> {
    const res = await this.json<{ token: string }>('POST', '/api/auth/token', { username, password });
    this.useToken(res.token);
  }

  /**
   * Uploads `path` as the one multipart part `file`, streamed from disk; `onProgress` gets the
   * bytes sent. Resolves with the parsed answer.
   */
  async uploadFile<T>(
    path: string,
    size: number,
    urlPath: string,
    onProgress: (sent: number) => void,
  ): Promise<T> {
    const boundary = `----loopcast-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path).replace(/"/g, '_')}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const res = await this.send(
      'POST',
      urlPath,
      {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + size + tail.length,
      },
      (req) => {
        req.write(head);
        let sent = 0;
        const file = createReadStream(path);
        file.on('data', (chunk) => {
          sent += chunk.length;
          onProgress(sent);
        });
        file.on('error', (err) => req.destroy(err));
        file.on('end', () => req.end(tail));
        file.pipe(req, { end: false });
      },
    );
    const text = await ApiClient.text(res);
    const status = res.statusCode ?? 0;
    if (status >= 400) throw new ApiCallError(status, messageOf(status, text), status >= 500);
    return JSON.parse(text) as T;
  }

  /** GETs `path` into `sink` (from byte `from` with a Range when > 0); resolves with the status. */
  async download(
    path: string,
    from: number,
    sink: Writable,
    onProgress: (bytes: number) => void,
  ): Promise<number> {
    const res = await this.send('GET', path, from > 0 ? { range: `bytes=${from}-` } : {});
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const text = await ApiClient.text(res);
      throw new ApiCallError(status, `GET ${path}: ${messageOf(status, text)}`, status >= 500);
    }
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => onProgress(chunk.length));
      res.on('error', reject);
      sink.on('error', reject);
      sink.on('finish', resolve);
      res.pipe(sink);
    });
    return status;
  }
}
