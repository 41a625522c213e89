/**
 * User management and tokens through inject (spec app.md §3.7, §4.3): admin CRUD with its 409s,
 * the owner rule, access tokens for the CLIs (and their refusal while a password must change),
 * upload tokens, listing, revocation and what revokes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../../../test/support/loopcast.js';
import { Browser } from './auth-client.js';

const PASSWORD = 'admin-password-1';
let server: TestServer;
let admin: Browser;
const app = () => server.server.app;
type ErrorBody = { error: { status: number; code: string; field?: string; message: string } };
type User = { id: number; username: string; email: string | null; groups: string[]; mustChange: boolean };

before(async () => {
  server = await startTestServer({
    demo: false,
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
  admin = new Browser(app());
  assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
});
after(() => server.stop());

const bearer = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  app().inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });

async function accessToken(username: string, password: string) {
  return app().inject({ method: 'POST', url: '/api/auth/token', payload: { username, password } });
}

describe('users', () => {
  let alice: User;

  it('an admin creates a user who must change the password by default', async () => {
    const res = await admin.request('POST', '/api/users', {
      username: '  alice ',
      email: 'alice@example.org',
      password: 'alice-password',
      groups: ['media', 'user'],
    });
    assert.equal(res.statusCode, 201, res.body);
    alice = res.json<User>();
    assert.equal(alice.username, 'alice');
    assert.deepEqual(alice.groups, ['media', 'user']);
    assert.equal(alice.mustChange, true);
    assert.equal('passwordHash' in alice || 'password_hash' in alice, false);

    const list = await admin.request('GET', '/api/users');
    assert.deepEqual(
      list.json<User[]>().map((u) => u.username),
      ['admin', 'alice'],
    );
  });

  it('refuses duplicates, bad names and weak passwords, naming the field', async () => {
    const dup = await admin.request('POST', '/api/users', {
      username: 'ALICE',
      password: 'whatever-1',
      groups: [],
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json<ErrorBody>().error.field, 'username');
    const email = await admin.request('POST', '/api/users', {
      username: 'bob',
      email: 'alice@example.org',
      password: 'whatever-1',
      groups: ['user'],
    });
    assert.equal(email.statusCode, 409);
    assert.equal(email.json<ErrorBody>().error.field, 'email');
    const name = await admin.request('POST', '/api/users', {
      username: '-bob',
      password: 'whatever-1',
      groups: [],
    });
    assert.equal(name.statusCode, 400);
    assert.equal(name.json<ErrorBody>().error.field, 'username');
    const group = await admin.request('POST', '/api/users', {
      username: 'bob',
      password: 'whatever-1',
      groups: ['root'],
    });
    assert.equal(group.statusCode, 400);
    assert.match(group.json<ErrorBody>().error.field ?? '', /^groups/);
    const weak = await admin.request('POST', '/api/users', {
      username: 'bob',
      password: 'short',
      groups: [],
    });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json<ErrorBody>().error.field, 'password');
  });

  it('a user reads its own row only; tokens are refused while the password must change', async () => {
    const refused = await accessToken('alice', 'alice-password');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<ErrorBody>().error.code, 'password_change_required');

    const b = new Browser(app());
    await b.login('alice', 'alice-password');
    assert.equal((await b.request('GET', `/api/users/${alice.id}`)).statusCode, 403, 'must change first');
    const changed = await b.request('POST', '/api/auth/password', {
      currentPassword: 'alice-password',
      newPassword: 'alice-password-2',
    });
    assert.equal(changed.statusCode, 200);
    assert.equal((await b.request('GET', `/api/users/${alice.id}`)).statusCode, 200);
    assert.equal((await b.request('GET', '/api/users/1')).statusCode, 403);
    assert.equal((await admin.request('GET', '/api/users/424242')).statusCode, 404);
  });

  it('access tokens act for the user; a password reset revokes them and ends logins', async () => {
    const res = await accessToken('alice', 'alice-password-2');
    assert.equal(res.statusCode, 200, res.body);
    const { token, info, user } = res.json<{
      token: string;
      info: { prefix: string; kind: string };
      user: User;
    }>();
    assert.match(token, /^lca_[A-Za-z0-9_-]{43}$/);
    assert.equal(info.prefix, token.slice(0, 8));
    assert.equal(info.kind, 'access');
    assert.equal(user.username, 'alice');
    // Only the hash is stored.
    const rows = await server.server.context.database.db.selectFrom('api_tokens').selectAll().execute();
    assert.ok(rows.every((r) => r.token_hash !== token && /^[0-9a-f]{64}$/.test(r.token_hash)));

    const listed = await bearer(token, 'GET', '/api/tokens');
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json<unknown[]>().length, 1);
    // Bearer requests need no CSRF token, and may not create upload tokens.
    const upload = await bearer(token, 'POST', '/api/tokens', { kind: 'upload' });
    assert.equal(upload.statusCode, 403);

    const browser = new Browser(app());
    await browser.login('alice', 'alice-password-2');
    const reset = await admin.request('PATCH', `/api/users/${alice.id}`, {
      password: 'reset-by-admin',
      mustChange: true,
    });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal(reset.json<User>().mustChange, true);
    assert.equal((await bearer(token, 'GET', '/api/tokens')).statusCode, 401);
    assert.equal((await browser.request('GET', '/api/tokens')).statusCode, 401);
  });

  it('upload tokens: browser only, media users, bounded lifetime; a change of groups revokes them', async () => {
    await admin.request('PATCH', `/api/users/${alice.id}`, {
      password: 'alice-password-3',
      mustChange: false,
    });
    const b = new Browser(app());
    await b.login('alice', 'alice-password-3');
    const tooLong = await b.request('POST', '/api/tokens', { kind: 'upload', ttlSeconds: 365 * 86400 });
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json<ErrorBody>().error.field, 'ttlSeconds');
    const created = await b.request('POST', '/api/tokens', {
      kind: 'upload',
      description: 'laptop',
      ttlSeconds: 600,
    });
    assert.equal(created.statusCode, 201);
    const { token, info } = created.json<{
      token: string;
      info: { id: number; description: string; expiresAt: string };
    }>();
    assert.match(token, /^lcu_/);
    assert.equal(info.description, 'laptop');
    const ms = Date.parse(info.expiresAt) - Date.now();
    assert.ok(ms > 590_000 && ms <= 600_000);
    assert.equal((await bearer(token, 'GET', '/api/tokens')).statusCode, 200);

    const all = await admin.request('GET', '/api/tokens?all=1');
    assert.ok(all.json<{ username?: string }[]>().some((t) => t.username === 'alice'));
    assert.equal((await b.request('GET', '/api/tokens?all=1')).statusCode, 403);

    const demoted = await admin.request('PATCH', `/api/users/${alice.id}`, { groups: ['user'] });
    assert.deepEqual(demoted.json<User>().groups, ['user']);
    assert.equal((await bearer(token, 'GET', '/api/tokens')).statusCode, 401);
  });

  it('revoking a token: the owner or an admin; others get 403, unknown ids 404', async () => {
    await admin.request('PATCH', `/api/users/${alice.id}`, { groups: ['media', 'user'] });
    const b = new Browser(app());
    await b.login('alice', 'alice-password-3');
    const mine = (await b.request('POST', '/api/tokens', { kind: 'upload' })).json<{ info: { id: number } }>()
      .info;
    const adminsToken = (await accessToken('admin', PASSWORD)).json<{ info: { id: number } }>().info;
    assert.equal((await b.request('DELETE', `/api/tokens/${adminsToken.id}`)).statusCode, 403);
    assert.equal((await b.request('DELETE', `/api/tokens/${mine.id}`)).statusCode, 204);
    assert.equal((await b.request('DELETE', `/api/tokens/${mine.id}`)).statusCode, 404);
    assert.equal((await admin.request('DELETE', `/api/tokens/${adminsToken.id}`)).statusCode, 204);
  });

  it('own e-mail, renames and the last-admin rules', async () => {
    const b = new Browser(app());
    await b.login('alice', 'alice-password-3');
    const email = await b.request('PATCH', '/api/auth/account', { email: 'new@example.org' });
    assert.equal(email.json<User>().email, 'new@example.org');
    assert.equal(
      (await b.request('PATCH', '/api/auth/account', { email: 'not an address' })).statusCode,
      400,
    );

    const adminId = admin.lastUserId;
    const demote = await admin.request('PATCH', `/api/users/${adminId}`, { groups: ['user'] });
    assert.equal(demote.statusCode, 409, `${adminId} ${demote.body}`);
    const self = await admin.request('DELETE', `/api/users/${adminId}`);
    assert.equal(self.statusCode, 409);

    // An admin resetting its own password keeps its login (the cookie is re-issued).
    const own = await admin.request('PATCH', `/api/users/${adminId}`, { password: 'admin-password-2' });
    assert.equal(own.statusCode, 200);
    assert.equal((await admin.request('GET', '/api/users')).statusCode, 200);

    const renamed = await admin.request('PATCH', `/api/users/${alice.id}`, { username: 'alicia' });
    assert.equal(renamed.json<User>().username, 'alicia');
    assert.equal((await admin.request('DELETE', `/api/users/${alice.id}`)).statusCode, 204);
    assert.equal((await admin.request('DELETE', `/api/users/${alice.id}`)).statusCode, 404);
    assert.equal((await b.request('GET', '/api/tokens')).statusCode, 401, 'deleted user’s login ends');
  });
});
