/**
 * validator.md §6 against loopback servers: the address rule in the connect path (IP literals,
 * numeric and IPv4-embedding forms, names, redirects), the exemption of loopcast's own endpoint,
 * and the limits (timeouts, decoded size, gzip bomb, redirects, retries, per-host concurrency,
 * `<!DOCTYPE`). Each refused URL is first shown reachable by the CLI's fetcher (no address rule),
 * so a refusal is the rule's doing and not a dead address.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  createFetcher,
  DOCTYPE_REFUSED,
  type FetcherOptions,
} from '../../packages/dash/src/validator/fetch/index.js';
import type { FetchKind } from '../../packages/dash/src/validator/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  // '::' is dual-stack: 127.0.0.1, ::1, ::ffff:127.0.0.1 and 0.0.0.0 all reach it.
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let inFlight = 0;
let maxInFlight = 0;
let flaky = 0;
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

const routes: Record<string, Handler> = {
  '/ok.mpd': (_req, res) => res.end('<MPD/>'),
  '/gzip.mpd': (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync('<MPD type="static"/>'));
  },
  '/brotli.mpd': (_req, res) => {
    res.setHeader('content-encoding', 'br');
    res.end('xx');
  },
  '/double.mpd': (_req, res) => {
    res.setHeader('content-encoding', 'gzip, gzip');
    res.end(gzipSync(gzipSync('<MPD/>')));
  },
  '/bomb.mpd': (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(bomb);
  },
  '/doctype.mpd': (_req, res) => res.end('<?xml version="1.0"?><!DOCTYPE MPD [<!ENTITY a "b">]><MPD/>'),
  '/large.m4s': (_req, res) => {
    res.setHeader('content-length', String(64 * 1024 * 1024));
    res.write(Buffer.alloc(1024));
  },
  '/chunked-large.m4s': (_req, res) => {
    const chunk = Buffer.alloc(256 * 1024);
    let sent = 0;
    const push = (): void => {
      if (sent >= 64 * 1024 * 1024 || res.destroyed) return void res.end();
      sent += chunk.length;
      if (res.write(chunk)) setImmediate(push);
      else res.once('drain', push);
    };
    push();
  },
  '/silent': () => undefined,
  '/stall-body.m4s': (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write(Buffer.alloc(10));
  },
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/five': (req, res) => {
    const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? '0');
    res.writeHead(302, { location: n >= 4 ? '/ok.mpd' : `/five?n=${n + 1}` }).end(); // five hops
  },
  '/flaky': (_req, res) => {
    flaky++;
    if (flaky % 2 === 1) res.writeHead(503, { 'retry-after': '0' }).end();
    else res.end('fine');
  },
  '/always-503': (_req, res) => res.writeHead(503).end(),
  '/404': (_req, res) => res.writeHead(404).end(),
  '/range': (req, res) => res.end(req.headers.range ?? 'none'),
  '/headers': (req, res) => res.end(JSON.stringify(req.headers)),
  '/slow': (_req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('x');
    }, 40);
  },
};

let target: { server: Server; port: number };
let other: { server: Server; port: number };
let count404 = 0;

before(async () => {
  target = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/404') count404++;
    const handler = routes[path];
    if (handler) handler(req, res);
    else if (path === '/to-other')
      res.writeHead(302, { location: `http://127.0.0.1:${other.port}/ok.mpd` }).end();
    else res.writeHead(404).end();
  });
  other = await listen((_req, res) => res.end('other'));
});
after(() => {
  target.server.closeAllConnections();
  target.server.close();
  other.server.close();
});

const signal = (): AbortSignal => AbortSignal.timeout(20_000);
const cli = (extra: Partial<FetcherOptions> = {}) =>
  createFetcher({ addressRule: false, retryDelaysMs: [5, 5], ...extra });
const get = (f: ReturnType<typeof createFetcher>, url: string, kind: FetchKind = 'manifest') =>
  f.fetch({ url, method: 'GET', kind, signal: signal() });

describe('address rule in the connect path', () => {
  const bypass = (port: number) => [
    `http://127.0.0.1:${port}/ok.mpd`,
    `http://2130706433:${port}/ok.mpd`,
    `http://0x7f.1:${port}/ok.mpd`,
    `http://127.1:${port}/ok.mpd`,
    `http://0:${port}/ok.mpd`,
    `http://[::ffff:7f00:1]:${port}/ok.mpd`,
    `http://[::1]:${port}/ok.mpd`,
    `http://localhost:${port}/ok.mpd`,
  ];

  it('the CLI fetcher reaches every form (control)', async () => {
    for (const url of bypass(target.port)) {
      const r = await get(cli(), url);
      assert.equal(r.status, 200, `${url}: ${r.failureDetail}`);
    }
  });

  it('the web fetcher refuses every form as "address not allowed"', async () => {
    const web = createFetcher({ addressRule: {} });
    for (const url of bypass(target.port)) {
      const r = await get(web, url);
      assert.equal(r.failure, 'address-not-allowed', `${url}: ${r.status} ${r.failureDetail}`);
      assert.equal(r.status, 0);
      assert.match(r.failureDetail ?? '', /not allowed/);
    }
  });

  it("exempts the page's own local endpoint, and only its port", async () => {
    const web = createFetcher({
      addressRule: { localEndpoint: { address: '::ffff:127.0.0.1', port: target.port } },
    });
    assert.equal((await get(web, `http://127.0.0.1:${target.port}/ok.mpd`)).status, 200);
    const elsewhere = await get(web, `http://127.0.0.1:${other.port}/ok.mpd`);
    assert.equal(elsewhere.failure, 'address-not-allowed');
  });

  it('checks every redirect hop: an allowed host redirecting to loopback is refused', async () => {
    const web = createFetcher({ addressRule: { allowHosts: /localhost/ } });
    assert.equal((await get(web, `http://localhost:${target.port}/ok.mpd`)).status, 200);
    const r = await get(web, `http://localhost:${target.port}/to-other`);
    assert.equal(r.failure, 'address-not-allowed', r.failureDetail);
    assert.equal(r.url, `http://127.0.0.1:${other.port}/ok.mpd`);
    assert.equal(r.attempts, 1);
  });

  it('private=allow lifts the rule', async () => {
    const lab = createFetcher({ addressRule: { allowPrivate: true } });
    assert.equal((await get(lab, `http://[::ffff:7f00:1]:${target.port}/ok.mpd`)).status, 200);
  });

  it('refuses credentials in a web URL and sends them only to the same origin from the CLI', async () => {
    const web = createFetcher({ addressRule: { allowPrivate: true } });
    assert.equal(
      (await get(web, `http://u:p@127.0.0.1:${target.port}/ok.mpd`)).failure,
      'address-not-allowed',
    );
    const r = await get(cli(), `http://u:p@127.0.0.1:${target.port}/headers`);
    const headers = JSON.parse(Buffer.from(r.body).toString()) as Record<string, string>;
    assert.equal(headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.match(headers['user-agent'] ?? '', /^loopcast-validator\//);
    assert.equal(headers['accept-encoding'], 'gzip');
  });
});

describe('limits', () => {
  const base = () => `http://127.0.0.1:${target.port}`;

  it('decodes one gzip coding and refuses others', async () => {
    const ok = await get(cli(), `${base()}/gzip.mpd`);
    assert.equal(Buffer.from(ok.body).toString(), '<MPD type="static"/>');
    assert.equal((await get(cli(), `${base()}/brotli.mpd`)).failure, 'network');
    assert.equal((await get(cli(), `${base()}/double.mpd`)).failure, 'network');
  });

  it('stops a gzip bomb at the decoded-size limit', async () => {
    const started = Date.now();
    const r = await get(cli(), `${base()}/bomb.mpd`);
    assert.equal(r.failure, 'too-large');
    assert.match(r.failureDetail ?? '', /manifest size limit of 10 MiB/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a body over the segment limit, by Content-Length or while reading', async () => {
    const f = cli({ maxSegmentBytes: 1024 * 1024 });
    const declared = await get(f, `${base()}/large.m4s`, 'media');
    assert.equal(declared.failure, 'too-large');
    const chunked = await get(f, `${base()}/chunked-large.m4s`, 'media');
    assert.equal(chunked.failure, 'too-large');
    assert.match(chunked.failureDetail ?? '', /1 MiB/);
    assert.ok(f.bytesReceived < 2 * 1024 * 1024);
  });

  it('stops at the per-run byte limit', async () => {
    const f = cli({ maxRunBytes: 10 });
    assert.equal((await get(f, `${base()}/ok.mpd`)).status, 200);
    const r = await get(f, `${base()}/ok.mpd`);
    assert.equal(r.failure, 'too-large');
    assert.match(r.failureDetail ?? '', /per-run/);
  });

  it('times out a server that never answers, and a stalled body, without retrying', async () => {
    const f = cli({ headersTimeoutMs: 300, limits: { media: { bodyTimeoutMs: 300 } } });
    const started = Date.now();
    const silent = await get(f, `${base()}/silent`);
    assert.equal(silent.failure, 'timeout');
    assert.equal(silent.attempts, 1);
    const stalled = await get(f, `${base()}/stall-body.m4s`, 'media');
    assert.equal(stalled.failure, 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  it('follows five redirects and no more', async () => {
    const five = await get(cli(), `${base()}/five`);
    assert.equal(five.status, 200);
    assert.equal(five.url, `${base()}/ok.mpd`);
    const loop = await get(cli(), `${base()}/loop`);
    assert.equal(loop.failure, 'redirects');
  });

  it('retries 5xx twice and never 4xx', async () => {
    const flakyResult = await get(cli(), `${base()}/flaky`);
    assert.equal(flakyResult.status, 200);
    assert.equal(flakyResult.attempts, 2);
    const down = await get(cli(), `${base()}/always-503`);
    assert.equal(down.status, 503);
    assert.equal(down.attempts, 3);
    count404 = 0;
    const missing = await get(cli(), `${base()}/404`);
    assert.equal(missing.status, 404);
    assert.equal(missing.attempts, 1);
    assert.equal(count404, 1);
  });

  it('retries a refused connection and then reports a network failure', async () => {
    const closed = other.port;
    const probe = await listen(() => undefined);
    const deadPort = probe.port;
    await new Promise((resolve) => probe.server.close(resolve));
    const r = await get(cli(), `http://127.0.0.1:${deadPort}/`);
    assert.equal(r.failure, 'network');
    assert.equal(r.attempts, 3);
    assert.ok(closed > 0);
  });

  it('sends byte ranges and identity for segments', async () => {
    const r = await cli().fetch({
      url: `${base()}/range`,
      method: 'GET',
      kind: 'init',
      range: [0, 99],
      signal: signal(),
    });
    assert.equal(Buffer.from(r.body).toString(), 'bytes=0-99');
    const h = await get(cli(), `${base()}/headers`, 'media');
    assert.equal(
      (JSON.parse(Buffer.from(h.body).toString()) as Record<string, string>)['accept-encoding'],
      'identity',
    );
  });

  it('refuses a document with <!DOCTYPE before any parser sees it', async () => {
    const r = await get(cli(), `${base()}/doctype.mpd`);
    assert.equal(r.failureDetail, DOCTYPE_REFUSED);
    assert.equal(r.body.byteLength, 0);
  });

  it('bounds parallel requests to one host by the concurrency', async () => {
    maxInFlight = 0;
    const f = cli({ concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => get(f, `${base()}/slow`, 'media')));
    assert.equal(maxInFlight, 2);
  });

  it('cancels through the AbortSignal', async () => {
    const controller = new AbortController();
    const pending = cli().fetch({
      url: `${base()}/silent`,
      method: 'GET',
      kind: 'manifest',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending);
  });
});
