/**
 * `createFetcher` — the validator's bounded fetcher (validator.md §6). The web service and "inspect
 * an MP4 by URL" (app.md §7.4) create it with the address rule; the CLI with `addressRule: false`
 * (it runs with the user's own network access). One fetcher serves one run: it counts the run's
 * bytes and bounds the run's parallel requests, overall and per host.
 */
import type { FetchKind, FetchRequest, FetchResult, Fetcher } from '../types.js';
import { runHop, type HopOutcome } from './hop.js';
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  KIND_LIMITS,
  MAX_REDIRECTS,
  MAX_RETRY_AFTER_MS,
  RETRY_DELAYS_MS,
  formatBytes,
  type KindLimits,
} from './limits.js';
import { createAddressRule, type AddressRule, type AddressRuleOptions } from './policy.js';
import { Semaphore } from './semaphore.js';

export interface FetcherOptions {
  /** `false` for the CLI; the web rule's exemptions otherwise (§6.1). */
  addressRule: false | AddressRuleOptions;
  /** Parallel requests of the run, and to one host; 1–32, default 4. */
  concurrency?: number;
  /** Connect + response headers (`LOOPCAST_VALIDATOR_TIMEOUT`), default 10 s. */
  headersTimeoutMs?: number;
  /** Largest media segment (`LOOPCAST_VALIDATOR_MAX_SEGMENT_BYTES`), default 100 MiB. */
  maxSegmentBytes?: number;
  /** Decoded bytes per run (`LOOPCAST_VALIDATOR_MAX_BYTES`); unlimited by default (the CLI). */
  maxRunBytes?: number;
  /** Per-kind overrides of §6.2's table (tests, and inspect's own size limit). */
  limits?: Partial<Record<FetchKind, Partial<KindLimits>>>;
  /** Waits before the retries; §6.2's 250 ms and 1 s by default. */
  retryDelaysMs?: readonly number[];
  userAgent?: string;
}

/** A fetcher for one run, with the bytes it has received so far. */
export interface RunFetcher extends Fetcher {
  readonly bytesReceived: number;
}

/** The detail of a refused document type declaration; the checks report it as `DOC_XML` (§6.2). */
export const DOCTYPE_REFUSED =
  'the document contains <!DOCTYPE, which is refused before any XML parser sees it';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const DOCTYPE = /<!DOCTYPE/i;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `Retry-After` as seconds or an HTTP date, cut to 5 s (§6.2); null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function hostKey(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

export function createFetcher(options: FetcherOptions): RunFetcher {
  const concurrency = Math.min(32, Math.max(1, Math.floor(options.concurrency ?? 4)));
  const rule: AddressRule | null =
    options.addressRule === false ? null : createAddressRule(options.addressRule);
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const userAgent = options.userAgent ?? 'loopcast-validator/0.1.0';
  const maxRunBytes = options.maxRunBytes ?? Number.POSITIVE_INFINITY;
  const overall = new Semaphore(concurrency);
  const perHost = new Map<string, Semaphore>();
  let bytesReceived = 0;

  const limitsOf = (kind: FetchKind): KindLimits => {
    const base = KIND_LIMITS[kind];
    const media =
      kind === 'media' && options.maxSegmentBytes !== undefined ? { maxBytes: options.maxSegmentBytes } : {};
    return { ...base, ...media, ...options.limits?.[kind] };
  };

  const hostSemaphore = (url: URL): Semaphore => {
    const key = hostKey(url);
    let s = perHost.get(key);
    if (s === undefined) {
      s = new Semaphore(concurrency);
      perHost.set(key, s);
    }
    return s;
  };

  /** Follows up to 5 redirects, checking every hop's URL and (in the connect path) its address. */
  async function followRedirects(
    start: URL,
    req: FetchRequest,
    headers: Record<string, string>,
    credentials: string | undefined,
  ): Promise<{ url: URL; outcome: HopOutcome }> {
    const limits = limitsOf(req.kind);
    let url = start;
    for (let hop = 0; ; hop++) {
      let exempt = true;
      if (rule !== null) {
        const verdict = rule.checkUrl(url);
        if (!verdict.ok)
          return { url, outcome: { ok: false, failure: 'address-not-allowed', detail: verdict.reason } };
        exempt = verdict.exempt;
      }
      const remaining = maxRunBytes - bytesReceived;
      const runBound = remaining < limits.maxBytes;
      const hopHeaders = { ...headers };
      // Credentials from a CLI URL go only to that URL's own origin.
      if (credentials !== undefined && url.origin === start.origin) hopHeaders.authorization = credentials;
      const outcome = await runHop({
        url,
        rule,
        exempt,
        method: req.method,
        headers: hopHeaders,
        maxBytes: Math.max(0, runBound ? remaining : limits.maxBytes),
        limitName: runBound ? 'per-run byte' : `${req.kind} size`,
        headersTimeoutMs,
        bodyTimeoutMs: limits.bodyTimeoutMs,
        signal: req.signal,
      });
      if (!outcome.ok || !REDIRECT_STATUSES.has(outcome.status)) return { url, outcome };
      const location = outcome.headers.location;
      if (location === undefined) return { url, outcome };
      if (hop >= MAX_REDIRECTS) {
        return {
          url,
          outcome: { ok: false, failure: 'redirects', detail: `more than ${MAX_REDIRECTS} redirects` },
        };
      }
      bytesReceived += outcome.body.byteLength;
      try {
        url = new URL(location, url);
      } catch {
        return {
          url,
          outcome: { ok: false, failure: 'network', detail: `redirect to an invalid URL: ${location}` },
        };
      }
    }
  }

  async function fetchOnce(req: FetchRequest): Promise<FetchResult> {
    const started = performance.now();
    const result = (
      url: string,
      attempts: number,
      fields: Pick<FetchResult, 'status' | 'headers' | 'body'> & Partial<FetchResult>,
    ): FetchResult => ({ url, attempts, elapsedMs: Math.round(performance.now() - started), ...fields });
    const failed = (
      url: string,
      attempts: number,
      failure: FetchResult['failure'],
      detail: string,
    ): FetchResult =>
      result(url, attempts, {
        status: 0,
        headers: {},
        body: new Uint8Array(0),
        failure,
        failureDetail: detail,
      });

    let start: URL;
    try {
      start = new URL(req.url);
    } catch {
      return failed(req.url, 0, 'network', `not a valid URL: ${req.url}`);
    }
    if (start.protocol !== 'http:' && start.protocol !== 'https:') {
      return failed(req.url, 0, 'network', `scheme ${start.protocol} is not fetched; only http and https`);
    }
    let credentials: string | undefined;
    if (start.username !== '' || start.password !== '') {
      if (rule !== null)
        return failed(
          req.url,
          0,
          'address-not-allowed',
          'credentials in URLs are refused by the web validator',
        );
      const user = decodeURIComponent(start.username);
      const pass = decodeURIComponent(start.password);
      credentials = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      start.username = '';
      start.password = '';
    }
    const limits = limitsOf(req.kind);
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      accept: '*/*',
      'accept-encoding': limits.acceptGzip ? 'gzip' : 'identity',
    };
    if (req.range) headers.range = `bytes=${req.range[0]}-${req.range[1]}`;

    for (let attempt = 1; ; attempt++) {
      if (bytesReceived >= maxRunBytes) {
        return failed(
          start.href,
          attempt - 1,
          'too-large',
          `the per-run byte limit of ${formatBytes(maxRunBytes)} is used up`,
        );
      }
      const releaseAll = await overall.acquire(req.signal);
      let releaseHost: (() => void) | undefined;
      let hop: { url: URL; outcome: HopOutcome };
      try {
        releaseHost = await hostSemaphore(start).acquire(req.signal);
        hop = await followRedirects(start, req, headers, credentials);
      } finally {
        releaseHost?.();
        releaseAll();
      }
      const { url, outcome } = hop;
      const canRetry = attempt <= retryDelays.length;
      if (!outcome.ok) {
        if (outcome.failure === 'network' && canRetry) {
          await sleep(retryDelays[attempt - 1] ?? 0, req.signal);
          continue;
        }
        return failed(url.href, attempt, outcome.failure, outcome.detail);
      }
      bytesReceived += outcome.body.byteLength;
      if ((outcome.status >= 500 || outcome.status === 429) && canRetry) {
        const wait =
          retryAfterMs(outcome.headers['retry-after'], Date.now()) ?? retryDelays[attempt - 1] ?? 0;
        await sleep(wait, req.signal);
        continue;
      }
      if (
        (req.kind === 'manifest' || req.kind === 'patch') &&
        DOCTYPE.test(Buffer.from(outcome.body).toString('latin1'))
      ) {
        return result(url.href, attempt, {
          status: outcome.status,
          headers: outcome.headers,
          body: new Uint8Array(0),
          failure: 'network',
          failureDetail: DOCTYPE_REFUSED,
        });
      }
      return result(url.href, attempt, {
        status: outcome.status,
        headers: outcome.headers,
        body: outcome.body,
      });
    }
  }

  return {
    get bytesReceived() {
      return bytesReceived;
    },
    fetch: fetchOnce,
  };
}
