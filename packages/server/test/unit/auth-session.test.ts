/**
 * Browser login end to end through Fastify's inject (spec app.md §3.3–§3.6, §4.3): the anonymous
 * cookie and CSRF token, login, the forced password change, session expiry and epochs, logout (and
 * a copied cookie dying with it), and the login rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../../../test/support/loopcast.js';
import { Browser } from './auth-client.js';

const ADMIN_PASSWORD = 'first-admin-pass';
let server: TestServer;

before(async () => {
  server = await startTestServer({
    demo: false,
    env: {
      LOOPCAST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOOPCAST_LOGIN_MAX_FAILURES: '3',
      // One trusted proxy, so a request can say it arrived over HTTPS.
      LOOPCAST_TRUST_PROXY: '1',
    },
  });
});
after(() => server.stop());

const app = () => server.server.app;
type ErrorBody = {
  error: { status: number; code: string; message: string; field?: string; requestId: string };
};

describe('session and login', () => {
  it('GET /api/auth/session gives an anonymous cookie and a CSRF token', async () => {
    const b = new Browser(app());
    const res = await b.session();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const info = res.json<{ user: unknown; csrfToken: string; mustChange: boolean }>();
    assert.equal(info.user, null);
    assert.equal(info.mustChange, false);
    assert.match(info.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    const cookie = res.cookies.find((c) => c.name === 'loopcast_session');
    assert.ok(cookie, 'anonymous cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    // The same cookie gives the same token and is not re-sent.
    const again = await b.session();
    assert.equal(again.json<{ csrfToken: string }>().csrfToken, info.csrfToken);
    assert.equal(again.cookies.length, 0);
  });

  it('refuses a login without the CSRF token, or from another origin', async () => {
    const b = new Browser(app());
    await b.session();
    const noToken = await b.request(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      {
        'x-csrf-token': '',
      },
    );
    assert.equal(noToken.statusCode, 403);
    assert.equal(noToken.json<ErrorBody>().error.code, 'csrf_failed');
    const crossSite = await b.request(
      'POST',
      '/api/auth/login',
      { username: 'admin', password: ADMIN_PASSWORD },
      {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
    );
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.json<ErrorBody>().error.code, 'csrf_failed');
    const sameSite = await b.request(
      'POST',
      '/api/auth/login',
      { username: 'nobody', password: 'whatever1' },
      {
        'sec-fetch-site': 'same-origin',
      },
    );
    assert.equal(sameSite.statusCode, 401);
  });

  it('validates the login body and names the field', async () => {
    const b = new Browser(app());
    const res = await b.login('', ADMIN_PASSWORD);
    assert.equal(res.statusCode, 400);
    const body = res.json<ErrorBody>();
    assert.equal(body.error.code, 'invalid_field');
    assert.equal(body.error.field, 'username');
    assert.ok(body.error.requestId);
    const extra = await b.request('POST', '/api/auth/login', { username: 'a', password: 'b', admin: true });
    assert.equal(extra.statusCode, 400);
    assert.equal(extra.json<ErrorBody>().error.field, 'admin');
    const missing = await b.request('POST', '/api/auth/login', { username: 'a' });
    assert.equal(missing.json<ErrorBody>().error.field, 'password');
  });

  it('wrong passwords and unknown users get the same 401', async () => {
    const b = new Browser(app());
    for (const [u, p] of [
      ['admin', 'wrong-password'],
      ['ghost', 'wrong-password'],
    ] as const) {
      const res = await b.login(u, p);
      assert.equal(res.statusCode, 401);
      assert.equal(res.json<ErrorBody>().error.code, 'invalid_credentials');
      assert.equal(res.json<ErrorBody>().error.message, 'The user name or password is wrong.');
    }
  });

  it('the first admin must change the password before anything else', async () => {
    const b = new Browser(app());
    const login = await b.login('admin', ADMIN_PASSWORD);
    assert.equal(login.statusCode, 200);
    const info = login.json<{
      user: { username: string; groups: string[] };
      mustChange: boolean;
      permissions: unknown;
    }>();
    assert.equal(info.user.username, 'admin');
    assert.deepEqual(info.user.groups, ['admin', 'media', 'user']);
    assert.equal(info.mustChange, true);
    assert.deepEqual(info.permissions, { media: true, admin: true });

    const users = await b.request('GET', '/api/users');
    assert.equal(users.statusCode, 403);
    assert.equal(users.json<ErrorBody>().error.code, 'password_change_required');
    assert.equal((await b.session()).statusCode, 200);

    const same = await b.request('POST', '/api/auth/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: ADMIN_PASSWORD,
    });
    assert.equal(same.statusCode, 400);
    assert.equal(same.json<ErrorBody>().error.field, 'newPassword');
    const short = await b.request('POST', '/api/auth/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'short',
    });
    assert.equal(short.json<ErrorBody>().error.field, 'newPassword');
    const asName = await b.request('POST', '/api/auth/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'ADMIN',
    });
    assert.equal(asName.statusCode, 400);
    const wrong = await b.request('POST', '/api/auth/password', {
      currentPassword: 'not-the-password',
      newPassword: 'a-new-password',
    });
    assert.equal(wrong.statusCode, 401);

    const oldCookies = new Map(b.cookies);
    const changed = await b.request('POST', '/api/auth/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'a-new-password',
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json<{ mustChange: boolean }>().mustChange, false);
    assert.equal((await b.request('GET', '/api/users')).statusCode, 200, 'the re-issued cookie works');

    // The cookie from before the change belongs to the old epoch.
    const stale = new Browser(app());
    stale.cookies = oldCookies;
    const res = await stale.request('GET', '/api/users');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json<ErrorBody>().error.code, 'login_required');
  });

  it('logout ends the login, and a copied cookie dies with it', async () => {
    const b = new Browser(app());
    assert.equal((await b.login('admin', 'a-new-password')).statusCode, 200);
    const copy = new Browser(app());
    copy.cookies = new Map(b.cookies);
    assert.equal((await copy.request('GET', '/api/users')).statusCode, 200);
    const out = await b.request('POST', '/api/auth/logout', {});
    assert.equal(out.statusCode, 204);
    assert.equal((await b.request('GET', '/api/users')).statusCode, 401);
    assert.equal((await copy.request('GET', '/api/users')).statusCode, 401);
    // A fresh nonce after logout: the old CSRF token no longer matches.
    const again = await b.request('POST', '/api/auth/login', {
      username: 'admin',
      password: 'a-new-password',
    });
    assert.equal(again.statusCode, 403);
    b.csrf = '';
    assert.equal((await b.login('admin', 'a-new-password')).statusCode, 200);
  });

  it('logout everywhere ends every login of the account', async () => {
    const one = new Browser(app());
    const two = new Browser(app());
    await one.login('admin', 'a-new-password');
    await two.login('admin', 'a-new-password');
    assert.equal((await one.request('POST', '/api/auth/logout', { everywhere: true })).statusCode, 204);
    assert.equal((await two.request('GET', '/api/users')).statusCode, 401);
  });

  it('an idle login expires after the TTL (the sealed cookie is checked, not server memory)', async () => {
    const b = new Browser(app());
    await b.login('admin', 'a-new-password');
    const { settings } = server.server.context;
    const ttl = settings.sessionTtl;
    try {
      (settings as { sessionTtl: number }).sessionTtl = -1;
      assert.equal((await b.request('GET', '/api/users')).statusCode, 401);
    } finally {
      (settings as { sessionTtl: number }).sessionTtl = ttl;
    }
  });

  it('a busy login still ends at the absolute max age', async () => {
    const b = new Browser(app());
    await b.login('admin', 'a-new-password');
    const { settings } = server.server.context;
    const maxAge = settings.sessionMaxAge;
    try {
      (settings as { sessionMaxAge: number }).sessionMaxAge = -1;
      assert.equal((await b.request('GET', '/api/users')).statusCode, 401);
    } finally {
      (settings as { sessionMaxAge: number }).sessionMaxAge = maxAge;
    }
  });

  it('rate limits failed logins per user name and address with Retry-After', async () => {
    const b = new Browser(app());
    for (let i = 0; i < 3; i++) {
      assert.equal((await b.login('limited', 'bad-password')).statusCode, 401);
    }
    const limited = await b.login('limited', 'bad-password');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json<ErrorBody>().error.code, 'rate_limited');
    const retry = Number(limited.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    // Another user name from the same address is not affected by that user's count.
    assert.equal((await b.login('someone-else', 'bad-password')).statusCode, 401);
  });

  it('over HTTPS the cookie is Secure and named __Host-loopcast_session', async () => {
    const b = new Browser(app());
    const https = { 'x-forwarded-proto': 'https' };
    const res = await b.request('GET', '/api/auth/session', undefined, https);
    const cookie = res.cookies.find((c) => c.name.includes('loopcast_session'));
    assert.equal(cookie?.name, '__Host-loopcast_session');
    assert.equal(cookie.secure, true);
    assert.equal(cookie.path, '/');
    const login = await b.request(
      'POST',
      '/api/auth/login',
      { username: 'nobody', password: 'x-password' },
      https,
    );
    assert.equal(login.statusCode, 401, 'the CSRF token of the secure cookie was accepted');
    // Over plain HTTP the __Host- cookie is not the one read, so its CSRF token does not apply.
    const plain = await b.request('POST', '/api/auth/login', { username: 'nobody', password: 'x-password' });
    assert.equal(plain.statusCode, 403);
  });

  it('answers a client’s mistakes with the error envelope, never a 500', async () => {
    const b = new Browser(app());
    await b.session();
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const headers = { cookie, 'x-csrf-token': b.csrf };
    const cases = [
      { payload: '{"username": ', headers: { ...headers, 'content-type': 'application/json' } },
      { payload: 'username=a', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: 'plain', headers: { ...headers, 'content-type': 'text/plain' } },
      { payload: '[]', headers: { ...headers, 'content-type': 'application/json' } },
      {
        payload: '{"username": 5, "password": "x"}',
        headers: { ...headers, 'content-type': 'application/json' },
      },
      { payload: 'x'.repeat(2_000_000), headers: { ...headers, 'content-type': 'application/json' } },
    ];
    for (const c of cases) {
      const res = await app().inject({ method: 'POST', url: '/api/auth/login', ...c });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 200)}`);
      const body = res.json<ErrorBody>();
      assert.equal(body.error.status, res.statusCode);
      assert.ok(body.error.code && body.error.message && body.error.requestId, res.body);
    }
    const badId = await app().inject({ method: 'GET', url: '/api/users/abc', headers });
    assert.equal(badId.statusCode, 401, 'permission before validation');
  });
});
