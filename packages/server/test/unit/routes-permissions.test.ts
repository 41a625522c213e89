/**
 * The route-table test of spec app.md §3.1: walks every route Fastify registered and proves that
 * each mutating `/api` route answers an anonymous caller 401, a `user`-group caller 403 on media,
 * admin and (someone else's) owner routes, a media-only caller 403 on admin routes, and an upload
 * token 403 outside the allow-list. Also: the streaming routes carry none of the API scope's hooks
 * (stack.md §3.1) — no Set-Cookie, no session work, no security headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../../../../test/support/loopcast.js';
import { MUTATING } from '../../src/auth/permissions.js';
import authPlugin, { authStats } from '../../src/plugins/auth.js';
import type { RouteRecord } from '../../src/plugins/route-table.js';
import { Browser } from './auth-client.js';

const PASSWORD = 'admin-password-1';
let server: TestServer;
let admin: Browser;
let plain: Browser;
let media: Browser;
let uploadToken = '';
/** Path parameters naming rows owned by the admin, so owner routes see a stranger's row. */
const fixtures: Record<string, Record<string, string>> = {};

const app = () => server.server.app;
type ErrorBody = { error: { status: number; code: string; field?: string } };

async function addUser(username: string, groups: string[]): Promise<Browser> {
  const res = await admin.request('POST', '/api/users', {
    username,
    password: PASSWORD,
    groups,
    mustChange: false,
  });
  assert.equal(res.statusCode, 201, res.body);
  const b = new Browser(app());
  assert.equal((await b.login(username, PASSWORD)).statusCode, 200);
  return b;
}

before(async () => {
  server = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
  admin = new Browser(app());
  assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
  plain = await addUser('plain', ['user']);
  media = await addUser('mediaonly', ['media', 'user']);
  const created = await media.request('POST', '/api/tokens', { kind: 'upload', description: 'cli' });
  assert.equal(created.statusCode, 201, created.body);
  uploadToken = created.json<{ token: string }>().token;
  const adminToken = await app().inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { username: 'admin', password: PASSWORD },
  });
  assert.equal(adminToken.statusCode, 200, adminToken.body);
  fixtures['/api/tokens/:id'] = { id: String(adminToken.json<{ info: { id: number } }>().info.id) };
  fixtures['/api/users/:id'] = { id: String(admin.lastUserId) };
  // An inspection of the admin's (one empty `free` box), for the owner routes of /api/inspect/:id.
  const boundary = 'routes-permissions';
  const upload = await admin.request(
    'POST',
    '/api/inspect',
    Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n`),
      Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    { 'content-type': `multipart/form-data; boundary=${boundary}` },
  );
  assert.equal(upload.statusCode, 201, upload.body);
  fixtures['/api/inspect/:id'] = { id: upload.json<{ id: string }>().id };
});
after(() => server.stop());

const apiRoutes = (): RouteRecord[] => app().routeTable.filter((r) => r.url.startsWith('/api/'));
const mutatingRoutes = () => apiRoutes().filter((r) => MUTATING.has(r.method));

function urlOf(route: RouteRecord): string {
  const params = fixtures[route.url] ?? {};
  return route.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '999999');
}

describe('route table', () => {
  it('every route of the account API declares a permission', () => {
    const declared = apiRoutes().filter((r) => r.permission !== undefined);
    assert.ok(declared.length >= 14, `only ${declared.length} routes declared`);
    // Routes registered outside the API scope without a permission must at least not change state.
    for (const r of apiRoutes().filter((x) => x.permission === undefined)) {
      assert.ok(!MUTATING.has(r.method), `${r.method} ${r.url} changes state without a declared permission`);
    }
    assert.ok(mutatingRoutes().length >= 10);
  });

  it('refuses to register an /api route without a declared permission', async () => {
    const bare = Fastify();
    await assert.rejects(async () => {
      await bare.register(async (api) => {
        await api.register(authPlugin, { ctx: server.server.context });
        api.post('/api/forgotten', () => 'open');
      });
      await bare.ready();
    }, /must declare config\.permission/);
    await bare.close().catch(() => undefined);
  });

  it('anonymous callers get 401 from every mutating route that is not public', async () => {
    const anon = new Browser(app());
    await anon.session(); // holds a valid CSRF token, so only the login is missing
    for (const route of mutatingRoutes().filter((r) => r.permission !== 'public')) {
      for (const caller of [anon, new Browser(app())]) {
        const res = await caller.request(route.method, urlOf(route), {});
        assert.equal(res.statusCode, 401, `${route.method} ${route.url}: ${res.body}`);
        assert.equal(res.json<ErrorBody>().error.code, 'login_required');
      }
    }
  });

  it('user-group callers get 403 from media, admin and strangers’ owner routes', async () => {
    let checked = 0;
    for (const route of mutatingRoutes()) {
      if (!['media', 'admin', 'owner'].includes(route.permission ?? '')) continue;
      const res = await plain.request(route.method, urlOf(route), {});
      assert.equal(res.statusCode, 403, `${route.method} ${route.url}: ${res.body}`);
      assert.equal(res.json<ErrorBody>().error.code, 'forbidden');
      checked++;
    }
    assert.ok(checked >= 5);
  });

  it('media-only callers get 403 from every admin route', async () => {
    for (const route of apiRoutes().filter((r) => r.permission === 'admin')) {
      const res = await media.request(route.method, urlOf(route), {});
      assert.equal(res.statusCode, 403, `${route.method} ${route.url}: ${res.body}`);
    }
  });

  it('an upload token gets 403 from every mutating route outside its allow-list', async () => {
    for (const route of mutatingRoutes().filter((r) => !r.config.uploadToken)) {
      const res = await app().inject({
        method: route.method as 'POST',
        url: urlOf(route),
        headers: { authorization: `Bearer ${uploadToken}` },
        payload: {},
      });
      assert.equal(res.statusCode, 403, `${route.method} ${route.url}: ${res.body}`);
    }
    // GET routes act with the owner's permissions.
    const own = await app().inject({
      url: '/api/tokens',
      headers: { authorization: `Bearer ${uploadToken}` },
    });
    assert.equal(own.statusCode, 200);
  });

  it('answers unknown and revoked bearer tokens with 401', async () => {
    const res = await app().inject({
      url: '/api/tokens',
      headers: { authorization: `Bearer lca_${'A'.repeat(43)}` },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json<ErrorBody>().error.code, 'login_required');
    const empty = await app().inject({ url: '/api/tokens', headers: { authorization: 'Bearer ' } });
    assert.equal(empty.statusCode, 401);
    // Another scheme (a proxy's Basic credentials) leaves it a browser request.
    const basic = await app().inject({ url: '/api/auth/session', headers: { authorization: 'Basic dTpw' } });
    assert.equal(basic.statusCode, 200);
    assert.notEqual(basic.json<{ csrfToken: string }>().csrfToken, '');
  });
});

describe('streaming routes stay outside the API scope', () => {
  it('a streaming response carries no Set-Cookie, no security headers and does no session work', async () => {
    const login = new Browser(app());
    await login.login('admin', PASSWORD);
    const cookie = [...login.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    for (const url of ['/dash/live/demo/hand_made.mpd', '/time/iso']) {
      const before = authStats.requests;
      const res = await app().inject({ url, headers: { cookie, 'x-csrf-token': login.csrf } });
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
      assert.equal(res.headers['set-cookie'], undefined, url);
      assert.equal(res.headers['referrer-policy'], undefined, url);
      assert.equal(authStats.requests, before, `${url} went through the session hook`);
    }
    // …while an API request does.
    const before = authStats.requests;
    await app().inject({ url: '/api/auth/session', headers: { cookie } });
    assert.equal(authStats.requests, before + 1);
  });
});
