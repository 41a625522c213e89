/**
 * The web UI's routes through Fastify's inject: the shell for UI paths (built or not), its assets,
 * the player files, GET /api/streams, and the security headers staying off the streaming routes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../../../../test/support/loopcast.js';
import { installedPlayers, registerWebRoutes } from '../../src/routes/web.js';

let server: TestServer;
const temp: string[] = [];

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.stop();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

const inject = (url: string) => server.server.app.inject({ method: 'GET', url });

/** An app with only the web routes, over a web folder the test lays out. */
async function webApp(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'loopcast-web-'));
  temp.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const app = Fastify();
  registerWebRoutes(app, server.server.context, { webRoot: root });
  await app.ready();
  return app;
}

describe('web routes', () => {
  it('answers / and /play/… with the UI shell (or the build hint) and security headers', async () => {
    for (const url of ['/', '/play/live/demo/hand_made?player=dashjs']) {
      const res = await inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.body, /<div id="app">|has not been built/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'same-origin');
      // Licence servers named in options are reached from the player page only.
      assert.equal(/connect-src 'self' http: https:/.test(csp), url.startsWith('/play/'), url);
    }
  });

  it('GET /api/streams lists the demo stream with its files and timing reference', async () => {
    const res = await inject('/api/streams?files=1');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const streams = res.json<
      {
        directory: string;
        title: string;
        timingReference: { fileId: number; name: string } | null;
        defaults: Record<string, unknown>;
        files: Record<string, unknown>[];
      }[]
    >();
    const demo = streams.find((s) => s.directory === 'demo');
    assert.ok(demo, 'demo stream listed');
    assert.ok(demo.title.length > 0);
    assert.equal(demo.timingReference?.name, 'demo_v1');
    assert.deepEqual(demo.defaults, {});
    assert.ok(demo.files.some((f) => f.contentType === 'video' && typeof f.bitrate === 'number'));
    for (const f of demo.files) {
      // The response schema lets nothing undeclared through (no index, blob key or key value).
      for (const hidden of ['index', 'blobKey', 'blob_id', 'key']) assert.ok(!(hidden in f), hidden);
      assert.equal(typeof f.name, 'string');
    }
  });

  it('serves the installed player builds under /static/players/, immutable', async () => {
    const players = installedPlayers();
    assert.deepEqual(
      players.map((p) => p.player),
      ['dashjs', 'dashjs', 'shaka', 'shaka'],
      'the 5.x and 4.x builds of each player are installed',
    );
    for (const p of players) {
      const res = await inject(p.url);
      assert.equal(res.statusCode, 200, p.url);
      assert.match(String(res.headers['content-type']), /javascript/);
      assert.match(String(res.headers['cache-control']), /immutable/);
      assert.ok(res.rawPayload.length > 100_000, `${p.url} is the full build`);
    }
    assert.equal((await inject('/static/players/dashjs-0.0.1.js')).statusCode, 404);
    assert.equal((await inject('/static/players/..%2f..%2fpackage.json')).statusCode, 404);
  });

  it('adds no UI hooks to the streaming routes', async () => {
    const res = await inject('/dash/live/demo/hand_made.mpd');
    assert.equal(res.statusCode, 200);
    // Only the constant headers of stored bytes (app.md §15), not the UI's policy.
    assert.equal(res.headers['content-security-policy'], "sandbox; default-src 'none'");
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], undefined);
    assert.equal(res.headers['x-frame-options'], undefined);
  });

  it('answers unknown pages with the shell and 404, unknown API paths with JSON', async () => {
    const page = await inject('/no/such/page');
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const api = await inject('/api/no/such/route');
    assert.equal(api.statusCode, 404);
    assert.match(String(api.headers['content-type']), /^application\/json/);
  });

  it('says how to build the UI when packages/web/dist is missing', async () => {
    const app = await webApp({ 'package.json': '{}' });
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /has not been built/);
    assert.match(res.body, /npx vite build/);
    assert.equal((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode, 404);
    await app.close();
  });

  it('serves a built shell and its hashed assets', async () => {
    const app = await webApp({
      'dist/index.html': '<!doctype html><div id="app"></div>',
      'dist/assets/index-abc123.js': 'console.log(1)',
      'secret.txt': 'not an asset',
    });
    const shell = await app.inject({ method: 'GET', url: '/play/vod/demo/hand_made' });
    assert.equal(shell.body, '<!doctype html><div id="app"></div>');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(asset.body, 'console.log(1)');
    for (const url of ['/assets/../../secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
      assert.ok(!res.body.includes('not an asset'), url);
    }
    await app.close();
  });
});
