/**
 * Logins and tokens on the real databases (spec app.md §3.4–§3.7, §13.4): two loopcast nodes share
 * one database — SQLite in a temp folder, and PostgreSQL from the tier's cluster — and nothing
 * about a login lives in a node's memory: a cookie from one node works on the other, a logout on
 * one ends it on both, the login rate limit is counted across them, and tokens work everywhere.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/databases.js';

const PASSWORD = 'first-admin-pass';

/** A browser over real HTTP (fetch): one cookie, the CSRF token it was last given. */
class Client {
  cookie = '';
  csrf = '';
  constructor(public origin: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.origin + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('loopcast_session='));
    if (set) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (typeof json.csrfToken === 'string' && json.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, json, headers: res.headers };
  }

  async login(username: string, password: string) {
    if (!this.csrf) await this.call('GET', '/api/auth/session');
    return this.call('POST', '/api/auth/login', { username, password });
  }
}

const backends: { name: string; make: () => Promise<TestDatabase | null> }[] = [
  { name: 'sqlite', make: () => Promise.resolve(sqliteDatabase()) },
  { name: 'postgres', make: postgresDatabase },
];

for (const backend of backends) {
  describe(`accounts across two nodes on ${backend.name}`, () => {
    let testDb: TestDatabase | null = null;
    let nodes: TestServer[] = [];

    const ready = async (t: { skip: (m: string) => void }): Promise<TestServer[] | null> => {
      if (nodes.length) return nodes;
      testDb = await backend.make();
      if (!testDb) {
        const message = 'TEST_PG_URL is not set: run through npm run test:integration';
        if (process.env.CI === 'true') throw new Error(message);
        t.skip(message);
        return null;
      }
      const env = {
        DATABASE_URL: testDb.url,
        LOOPCAST_ADMIN_PASSWORD: PASSWORD,
        LOOPCAST_LOGIN_MAX_FAILURES: '4',
      };
      // One after the other: the second finds the admin and the secrets the first created.
      nodes = [await startTestServer({ demo: false, env })];
      nodes.push(await startTestServer({ demo: false, env }));
      return nodes;
    };
    after(async () => {
      for (const node of nodes) await node.stop();
      await testDb?.drop();
    });

    it('a login made on one node is honoured, and ended, on the other', async (t) => {
      const n = await ready(t);
      if (!n) return;
      const [a, b] = n as [TestServer, TestServer];
      const onA = new Client(a.origin);
      const login = await onA.login('admin', PASSWORD);
      assert.equal(login.status, 200);
      assert.equal(login.json.mustChange, true);
      const changed = await onA.call('POST', '/api/auth/password', {
        currentPassword: PASSWORD,
        newPassword: 'changed-on-node-a',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.json));

      const onB = new Client(b.origin);
      onB.cookie = onA.cookie;
      onB.csrf = onA.csrf;
      const users = await onB.call('GET', '/api/users');
      assert.equal(users.status, 200);
      const created = await onB.call('POST', '/api/users', {
        username: 'carol',
        password: 'carol-password',
        groups: ['media', 'user'],
        mustChange: false,
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));

      assert.equal((await onA.call('POST', '/api/auth/logout', {})).status, 204);
      const after = await onB.call('GET', '/api/users');
      assert.equal(after.status, 401, 'the copied cookie died with the logout on the other node');
    });

    it('counts failed logins across nodes and answers 429 with Retry-After', async (t) => {
      const n = await ready(t);
      if (!n) return;
      const clients = n.map((node) => new Client(node.origin));
      for (let i = 0; i < 4; i++) {
        const res = await clients[i % 2]!.login('carol', 'wrong-password');
        assert.equal(res.status, 401);
      }
      for (const client of clients) {
        const res = await client.login('carol', 'carol-password');
        assert.equal(res.status, 429);
        assert.ok(Number(res.headers.get('retry-after')) > 0);
        assert.equal((res.json.error as { code: string }).code, 'rate_limited');
      }
      // The limit is per user name and address: another account is unaffected.
      assert.equal((await clients[0]!.login('admin', 'changed-on-node-a')).status, 200);
    });

    it('an access token made on one node works on the other until revoked', async (t) => {
      const n = await ready(t);
      if (!n) return;
      const [a, b] = n as [TestServer, TestServer];
      const made = await new Client(a.origin).call('POST', '/api/auth/token', {
        username: 'admin',
        password: 'changed-on-node-a',
        description: 'integration',
      });
      assert.equal(made.status, 200, JSON.stringify(made.json));
      const token = made.json.token as string;
      const auth = { authorization: `Bearer ${token}` };
      const onB = new Client(b.origin);
      const listed = await onB.call('GET', '/api/tokens', undefined, auth);
      assert.equal(listed.status, 200);
      const id = (made.json.info as { id: number }).id;
      assert.equal((await onB.call('DELETE', `/api/tokens/${id}`, undefined, auth)).status, 204);
      assert.equal((await new Client(a.origin).call('GET', '/api/tokens', undefined, auth)).status, 401);
    });
  });
}
