/**
 * Recorded responses for validator unit tests: a Fetcher over a table of URL → response (or a
 * function of the request count, for refreshes), with byte ranges, a virtual clock that moves a
 * little per request, and a sleep that moves it instead of waiting.
 */
import type { FetchRequest, FetchResult, Fetcher } from '../../../../src/validator/types.js';

export interface Recorded {
  status?: number;
  headers?: Record<string, string>;
  body: Uint8Array | string;
}

export type Route = Recorded | ((n: number) => Recorded);

export class VirtualClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  readonly sleep = (ms: number): Promise<void> => {
    this.ms += Math.max(0, ms);
    return Promise.resolve();
  };
}

export class RecordedFetcher implements Fetcher {
  readonly requests: FetchRequest[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    readonly routes: Map<string, Route>,
    private readonly clock?: VirtualClock,
  ) {}

  fetch(req: FetchRequest): Promise<FetchResult> {
    this.requests.push(req);
    if (this.clock) this.clock.ms += 10;
    const n = this.counts.get(req.url) ?? 0;
    this.counts.set(req.url, n + 1);
    const route = this.routes.get(req.url);
    const base = { url: req.url, attempts: 1, elapsedMs: 1 };
    if (!route) return Promise.resolve({ ...base, status: 404, headers: {}, body: new Uint8Array(0) });
    const r = typeof route === 'function' ? route(n) : route;
    let body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    let status = r.status ?? 200;
    let headers = r.headers ?? {};
    if (req.range && status === 200) {
      const size = body.byteLength;
      if (req.range[0] >= size)
        return Promise.resolve({
          ...base,
          status: 416,
          headers: { 'content-range': `bytes */${size}` },
          body: new Uint8Array(0),
        });
      body = body.subarray(req.range[0], req.range[1] + 1);
      status = 206;
      const last = req.range[0] + body.byteLength - 1;
      headers = { ...headers, 'content-range': `bytes ${req.range[0]}-${last}/${size}` };
    }
    return Promise.resolve({ ...base, status, headers, body });
  }
}

export const MPD_HEADERS = { 'content-type': 'application/dash+xml' };
