/**
 * validator.md §8.2 and §9 ("Websocket", "Bounds"): the web validator's websocket driven by a
 * scripted `ws` client against a running loopcast. The checks are replaced through
 * `context.validate` by a stub that fetches the URL with the run's fetcher, so these tests are
 * about the socket, its limits and the address rule; `validate-web-run.test.ts` runs the real checks.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { ValidationReport } from '../../packages/dash/src/validator/types.js';
import type { ValidateFn } from '../../packages/server/src/validate/run-socket.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

type Msg = Record<string, unknown> & { type: string };

const emptyReport = (url: string, aborted: boolean): ValidationReport => ({
  reportVersion: 1,
  url,
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  aborted,
  options: { duration: 1, encrypted: false, media: true, concurrency: 4 },
  type: 'static',
  clockOffsetMs: null,
  summary: {
    errors: 0,
    warnings: 0,
    infos: 0,
    manifests: 1,
    patches: 0,
    initSegments: 0,
    mediaSegments: 0,
    bytes: 0,
  },
  codecs: [],
  issues: [],
});

/** Fetches the URL with the run's fetcher and reports the outcome as an info issue; `?wait` waits for cancel. */
const stub: ValidateFn = async (opts, fetcher, events) => {
  events?.progress?.({ done: 0, total: 1, phase: 'manifest', text: 'fetching the manifest' });
  events?.log?.({ level: 'info', text: `GET ${opts.url}`, at: new Date().toISOString() });
  if (opts.url.endsWith('?wait')) {
    await new Promise<void>((resolve) =>
      opts.signal?.addEventListener('abort', () => resolve(), { once: true }),
    );
    return emptyReport(opts.url, true);
  }
  const r = await fetcher.fetch({ url: opts.url, method: 'GET', kind: 'manifest', signal: opts.signal! });
  const text = Buffer.from(r.body).toString();
  events?.manifest?.({ url: r.url, refresh: 0, publishTime: null, text: text.slice(0, 200) });
  events?.codecs?.([]);
  events?.issue?.({
    severity: r.failure ? 'error' : 'info',
    code: 'STUB_FETCH',
    message: `${r.status} ${r.failure ?? ''} ${r.failureDetail ?? ''}`.trim(),
    location: { kind: 'url', url: r.url },
    refresh: 0,
  });
  events?.progress?.({ done: 1, total: 1, phase: 'done', text: 'done' });
  return emptyReport(opts.url, false);
};

let loopcast: TestServer;
let other: Server;
let otherPort: number;

before(async () => {
  loopcast = await startTestServer({ env: { LOOPCAST_VALIDATOR_JOBS: '2' } });
  loopcast.server.context.validate = stub;
  other = createServer((_req, res) => res.end('a private service'));
  await new Promise<void>((resolve) => other.listen(0, '::', resolve));
  otherPort = (other.address() as AddressInfo).port;
});
after(async () => {
  other.close();
  await loopcast.stop();
});

const socketUrl = () => `${loopcast.origin.replace('http', 'ws')}/api/validate/socket`;

interface Client {
  ws: WebSocket;
  messages: Msg[];
  send(m: unknown): void;
  next(type: string, timeoutMs?: number): Promise<Msg>;
  closed: Promise<number>;
}

function connect(headers: Record<string, string> = { origin: loopcast.origin }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(), { headers });
    const messages: Msg[] = [];
    const waiters: { type: string; resolve: (m: Msg) => void }[] = [];
    let seen = 0;
    ws.on('message', (data) => {
      const m = JSON.parse((data as Buffer).toString('utf8')) as Msg;
      messages.push(m);
      const i = waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error('refused'), { status: res.statusCode })),
    );
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
        next: (type, timeoutMs = 10_000) => {
          const found = messages.slice(seen).find((m) => m.type === type);
          if (found) {
            seen = messages.indexOf(found) + 1;
            return Promise.resolve(found);
          }
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
            waiters.push({
              type,
              resolve: (m) => {
                clearTimeout(t);
                seen = messages.indexOf(m) + 1;
                res(m);
              },
            });
          });
        },
      }),
    );
  });
}

const refusedStatus = async (headers: Record<string, string>): Promise<number> => {
  try {
    const c = await connect(headers);
    c.ws.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
};

describe('validator websocket', () => {
  it('refuses a foreign or missing Origin with 403', async () => {
    assert.equal(await refusedStatus({ origin: 'http://evil.example' }), 403);
    assert.equal(await refusedStatus({}), 403);
  });

  it('answers ping, and bad_request for malformed and unknown messages', async () => {
    const c = await connect();
    c.send({ type: 'ping' });
    await c.next('pong');
    c.send('not json');
    assert.equal((await c.next('error')).code, 'bad_request');
    c.send({ type: 'launch' });
    const unknown = await c.next('error');
    assert.equal(unknown.code, 'bad_request');
    assert.match(String(unknown.message), /launch/);
    c.ws.close();
  });

  it('names the wrong fields of a start', async () => {
    const c = await connect();
    c.send({ type: 'start', url: 'ftp://x', duration: 0, encrypted: false, media: true });
    const fields = (await c.next('fieldErrors')).fields as Record<string, string>;
    assert.match(fields.url ?? '', /http/);
    assert.match(fields.duration ?? '', /1 to 600/);
    c.ws.close();
  });

  it('runs a validation: accepted, progress, log, manifest, codecs, issue, finished', async () => {
    const c = await connect();
    const url = `${loopcast.origin}/dash/vod/demo/hand_made.mpd`;
    c.send({ type: 'start', url, duration: 5, encrypted: false, media: true });
    const accepted = await c.next('accepted');
    assert.match(String(accepted.runId), /^[0-9a-f-]{36}$/);
    const finished = await c.next('finished');
    assert.equal(finished.aborted, false);
    const types = c.messages.map((m) => m.type);
    for (const t of ['progress', 'log', 'manifest', 'codecs', 'issue'])
      assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    const issue = c.messages.find((m) => m.type === 'issue')!.issue as { message: string };
    // loopcast's own address and port are exempt from the address rule
    assert.match(issue.message, /^200/);
    assert.match(String(c.messages.find((m) => m.type === 'manifest')!.text), /<MPD/);
    c.ws.close();
    const metrics = await (await fetch(`${loopcast.origin}/metrics`)).text();
    assert.match(metrics, /loopcast_validator_runs_total\{result="clean"\} [1-9]/);
    assert.match(metrics, /loopcast_validator_fetch_bytes_total [1-9]/);
    assert.match(metrics, /loopcast_validator_jobs 0/);
  });

  it('cannot reach another local port, whatever Host and Origin say', async () => {
    const forged = `127.0.0.1:${otherPort}`;
    const c = await connect({ origin: `http://${forged}`, host: forged });
    for (const url of [
      `http://${forged}/`,
      `http://2130706433:${otherPort}/`,
      `http://[::ffff:7f00:1]:${otherPort}/`,
      `http://0:${otherPort}/`,
      `http://localhost:${otherPort}/`,
    ]) {
      c.send({ type: 'start', url, duration: 5, encrypted: false, media: true });
      await c.next('finished');
      const issue = c.messages.filter((m) => m.type === 'issue').at(-1)!.issue as { message: string };
      assert.match(issue.message, /address-not-allowed/, url);
    }
    c.ws.close();
  });

  it('cancel ends a run within a second; closing the socket cancels too', async () => {
    const c = await connect();
    c.send({ type: 'start', url: `${loopcast.origin}/x?wait`, duration: 30, encrypted: false, media: true });
    await c.next('accepted');
    const t0 = Date.now();
    c.send({ type: 'cancel' });
    const finished = await c.next('finished', 1000);
    assert.equal(finished.aborted, true);
    assert.ok(Date.now() - t0 < 1000);
    c.ws.close();
  });

  it('limits jobs per client address (busy) and frees the slot when a socket closes', async () => {
    const a = await connect();
    a.send({ type: 'start', url: `${loopcast.origin}/x?wait`, duration: 30, encrypted: false, media: true });
    await a.next('accepted');
    const b = await connect();
    b.send({ type: 'start', url: `${loopcast.origin}/x?wait`, duration: 30, encrypted: false, media: true });
    assert.ok(Number((await b.next('busy')).retryAfter) > 0);
    a.ws.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    b.send({ type: 'start', url: `${loopcast.origin}/x?wait`, duration: 30, encrypted: false, media: true });
    await b.next('accepted');
    b.ws.close();
  });

  it('refuses save from a visitor after a finished run', async () => {
    const c = await connect();
    c.send({ type: 'save', directory: 'abc', title: 'x' });
    assert.equal((await c.next('error')).code, 'conflict');
    c.send({
      type: 'start',
      url: `${loopcast.origin}/dash/vod/demo/hand_made.mpd`,
      duration: 5,
      encrypted: false,
      media: true,
    });
    await c.next('finished');
    c.send({ type: 'save', directory: 'abc', title: 'x' });
    assert.equal((await c.next('error')).code, 'login_required');
    c.ws.close();
  });

  it('answers a plain GET with 426 and refuses the fifth socket of a visitor with 429', async () => {
    const plain = await fetch(socketUrl().replace('ws', 'http'), { headers: { origin: loopcast.origin } });
    assert.equal(plain.status, 426);
    const open = await Promise.all([0, 1, 2, 3].map(() => connect()));
    assert.equal(await refusedStatus({ origin: loopcast.origin }), 429);
    for (const c of open) c.ws.close();
    await Promise.all(open.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 50));
    const again = await connect();
    again.ws.close();
  });

  it('closes a socket sending more than 10 messages a second with 1008', async () => {
    const c = await connect();
    for (let i = 0; i < 15; i++) c.send({ type: 'ping' });
    assert.equal(await c.closed, 1008);
  });
});
