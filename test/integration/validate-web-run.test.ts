/**
 * validator.md §9 "Bounds" and "Websocket" with the real checks: a web run of loopcast's own VOD
 * manifest fetches every manifest, init and media segment it plans (no fetch issue) and reports
 * codecs and the manifest; runs against a server that never
 * answers, a redirect loop and a redirect to 127.0.0.1 each end within the limits with `DOC_FETCH`
 * naming the limit. `localhost` is an allowed host here (LOOPCAST_VALIDATOR_ALLOW_HOSTS), so the
 * first hop reaches the local test server and only the address rule stops the redirect.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/loopcast.js';

type Msg = Record<string, unknown> & { type: string };
interface Issue {
  code: string;
  severity: string;
  message: string;
}

let loopcast: TestServer;
let hostile: Server;
let port: number;

before(async () => {
  loopcast = await startTestServer({
    env: { LOOPCAST_VALIDATOR_ALLOW_HOSTS: 'localhost', LOOPCAST_VALIDATOR_TIMEOUT: '1s' },
  });
  hostile = createServer((req, res) => {
    if (req.url === '/silent.mpd') return; // never answers
    if (req.url === '/loop.mpd') return void res.writeHead(302, { location: '/loop.mpd' }).end();
    if (req.url === '/inward.mpd') {
      return void res.writeHead(302, { location: `http://127.0.0.1:${port}/x.mpd` }).end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  port = (hostile.address() as AddressInfo).port;
});
after(async () => {
  hostile.closeAllConnections();
  hostile.close();
  await loopcast.stop();
});

/** Runs one validation over the socket; resolves with every message up to `finished`. */
function run(url: string, duration = 5): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${loopcast.origin.replace('http', 'ws')}/api/validate/socket`, {
      headers: { origin: loopcast.origin },
    });
    const messages: Msg[] = [];
    ws.on('error', reject);
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'start', url, duration, encrypted: false, media: true })),
    );
    ws.on('message', (data) => {
      const m = JSON.parse((data as Buffer).toString('utf8')) as Msg;
      messages.push(m);
      if (m.type === 'finished' || m.type === 'error') {
        ws.close();
        resolve(messages);
      }
    });
  });
}

const issues = (messages: Msg[]): Issue[] =>
  messages.filter((m) => m.type === 'issue').map((m) => m.issue as Issue);

describe('web validator runs with the real checks', () => {
  it("reaches every resource of loopcast's own VOD stream (the page's endpoint is exempt)", async () => {
    const messages = await run(`${loopcast.origin}/dash/vod/demo/hand_made.mpd`);
    const finished = messages.at(-1)!;
    assert.equal(finished.type, 'finished', JSON.stringify(finished));
    // Whether the stream is clean is the checks' business (validate-templates tests); here every
    // fetch must have got through the address rule: no fetch issue of any kind.
    const fetchIssues = issues(messages).filter((i) => /_FETCH$|AVAILABLE$/.test(i.code));
    assert.deepEqual(fetchIssues, []);
    const summary = finished.summary as { manifests: number; initSegments: number; mediaSegments: number };
    assert.equal(summary.manifests, 1);
    assert.ok(summary.initSegments >= 2 && summary.mediaSegments >= 2, JSON.stringify(summary));
    assert.ok(messages.some((m) => m.type === 'codecs' && (m.items as unknown[]).length > 0));
    assert.ok(messages.some((m) => m.type === 'manifest' && String(m.text).includes('<MPD')));
    assert.ok(messages.some((m) => m.type === 'progress'));
  });

  for (const [name, path, expect] of [
    ['a server that never answers', '/silent.mpd', /timeout/],
    ['a redirect loop', '/loop.mpd', /redirects/],
    ['a redirect to 127.0.0.1', '/inward.mpd', /address not allowed/],
  ] as const) {
    it(`ends ${name} with DOC_FETCH within the limits`, async () => {
      const started = Date.now();
      const messages = await run(`http://localhost:${port}${path}`);
      assert.equal(messages.at(-1)!.type, 'finished');
      const fetchIssue = issues(messages).find((i) => i.code === 'DOC_FETCH');
      assert.ok(fetchIssue, JSON.stringify(issues(messages)));
      assert.match(fetchIssue.message, expect);
      assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    });
  }
});

describe('LOOPCAST_VALIDATOR_ANONYMOUS=false', () => {
  it('refuses the upgrade to a visitor with 401', async () => {
    const closed = await startTestServer({ demo: false, env: { LOOPCAST_VALIDATOR_ANONYMOUS: 'false' } });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${closed.origin.replace('http', 'ws')}/api/validate/socket`, {
          headers: { origin: closed.origin },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', reject);
      });
      assert.equal(status, 401);
    } finally {
      await closed.stop();
    }
  });
});
