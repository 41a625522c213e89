/**
 * The pure parts of auth (spec app.md §3): group masks, the password policy and re-hash rule, the
 * CSRF token and same-origin rule, the rate limit's address key (IPv6 by /64) and its counting.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import type { FastifyRequest } from 'fastify';
import { csrfToken, csrfTokenMatches, sameOrigin } from '../../src/auth/csrf.js';
import {
  GROUP_ADMIN,
  GROUP_MEDIA,
  GROUP_USER,
  groupMask,
  groupNames,
  isAdmin,
  isMedia,
} from '../../src/auth/groups.js';
import { hashPassword, needsRehash, passwordPolicyError, verifyPassword } from '../../src/auth/passwords.js';
import { enforcePermission, type Principal } from '../../src/auth/permissions.js';
import { clientKey, loginRetryAfter, recordLoginFailure } from '../../src/auth/rate-limit.js';
import { sweepAuthRows } from '../../src/auth/sweep.js';
import { createToken, hashToken, revokeUserTokens } from '../../src/auth/tokens.js';
import { openDatabase, type OpenDatabase } from '../../src/storage/database.js';

describe('groups', () => {
  it('keeps dash-live’s bits and admin implies media', () => {
    assert.equal(groupMask(['user', 'media', 'admin']), GROUP_USER | GROUP_MEDIA | GROUP_ADMIN);
    assert.deepEqual(groupNames(0x40000006), ['admin', 'media', 'user']);
    assert.deepEqual(groupNames(0), []);
    assert.ok(isMedia(GROUP_ADMIN) && isAdmin(GROUP_ADMIN));
    assert.ok(isMedia(GROUP_MEDIA) && !isAdmin(GROUP_MEDIA));
    assert.ok(!isMedia(GROUP_USER));
  });
});

describe('permissions', () => {
  const who = (groups: number): Principal => ({
    id: 1,
    username: 'u',
    groups,
    mustChange: false,
    via: 'cookie',
  });
  const status = (fn: () => void): number => {
    try {
      fn();
      return 200;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };
  it('maps each permission and caller to 200, 401 or 403', () => {
    const open = { anonymousRead: true };
    const closed = { anonymousRead: false };
    assert.equal(
      status(() => enforcePermission('public', null, closed)),
      200,
    );
    assert.equal(
      status(() => enforcePermission('read', null, open)),
      200,
    );
    assert.equal(
      status(() => enforcePermission('read', null, closed)),
      401,
    );
    assert.equal(
      status(() => enforcePermission('read', who(GROUP_USER), closed)),
      200,
    );
    assert.equal(
      status(() => enforcePermission('login', null, open)),
      401,
    );
    assert.equal(
      status(() => enforcePermission('media', who(GROUP_USER), open)),
      403,
    );
    assert.equal(
      status(() => enforcePermission('media', who(GROUP_ADMIN), open)),
      200,
    );
    assert.equal(
      status(() => enforcePermission('admin', who(GROUP_MEDIA | GROUP_USER), open)),
      403,
    );
    assert.equal(
      status(() => enforcePermission('owner', null, open)),
      401,
    );
  });
});

describe('passwords', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and verifies', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(stored, 'correct horse'), true);
    assert.equal(await verifyPassword(stored, 'wrong horse'), false);
    assert.equal(await verifyPassword('not a hash', 'x'), false);
    assert.equal(needsRehash(stored), false);
    assert.equal(needsRehash(await hash('x', { memoryCost: 8192, timeCost: 1 })), true);
  });

  it('applies the policy of §3.2', () => {
    assert.match(passwordPolicyError('short', 'bob') ?? '', /8–256/);
    assert.match(passwordPolicyError('x'.repeat(257), 'bob') ?? '', /8–256/);
    assert.match(passwordPolicyError('Alice.Smith', 'alice.smith') ?? '', /user name/);
    assert.equal(passwordPolicyError('eight ch', 'bob'), null);
  });
});

describe('csrf', () => {
  const secret = 's'.repeat(32);
  it('is base64url(HMAC-SHA-256(secret, "csrf:" + nonce))', () => {
    const expected = createHmac('sha256', secret).update('csrf:abc').digest('base64url');
    assert.equal(csrfToken(secret, 'abc'), expected);
    assert.ok(csrfTokenMatches(secret, 'abc', expected));
    assert.ok(!csrfTokenMatches(secret, 'abd', expected));
    assert.ok(!csrfTokenMatches(secret, undefined, expected));
    assert.ok(!csrfTokenMatches(secret, 'abc', ''));
    assert.ok(!csrfTokenMatches(secret, 'abc', expected.slice(1)));
  });

  it('accepts same-origin browsers and those that say nothing', () => {
    const req = (headers: Record<string, string>) =>
      ({ headers, protocol: 'http', host: 'loopcast.test:5000' }) as unknown as FastifyRequest;
    assert.ok(sameOrigin(req({}), undefined));
    assert.ok(sameOrigin(req({ 'sec-fetch-site': 'same-origin' }), undefined));
    assert.ok(sameOrigin(req({ origin: 'http://loopcast.test:5000' }), undefined));
    assert.ok(!sameOrigin(req({ origin: 'http://evil.test' }), undefined));
    assert.ok(!sameOrigin(req({ 'sec-fetch-site': 'cross-site' }), undefined));
    assert.ok(
      !sameOrigin(req({ 'sec-fetch-site': 'same-site', origin: 'https://a.loopcast.test' }), undefined),
    );
    assert.ok(sameOrigin(req({ origin: 'https://dash.example.org' }), 'https://dash.example.org'));
  });
});

describe('tokens', () => {
  it('stores the SHA-256 hex of the token', () => {
    assert.match(hashToken('lca_x'), /^[0-9a-f]{64}$/);
  });
});

describe('rate limit', () => {
  it('counts IPv4 as is and IPv6 by /64', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
  });

  let database: OpenDatabase;
  before(async () => {
    database = await openDatabase('sqlite::memory:');
    await database.migrate();
  });
  after(() => database.close());

  it('refuses after the per-user-and-address count, per address, and the overall count', async () => {
    const { db } = database;
    const settings = { loginWindow: 60_000, loginMaxFailures: 3, loginMaxFailuresIp: 5 };
    for (let i = 0; i < 3; i++) {
      assert.equal(await loginRetryAfter(db, settings, 'dave', '198.51.100.1'), 0);
      await recordLoginFailure(db, 'Dave', '198.51.100.1');
    }
    const wait = await loginRetryAfter(db, settings, 'DAVE', '198.51.100.1');
    assert.ok(wait > 0 && wait <= 60, `wait ${wait}`);
    // Another address is not refused by dave's count; the same address is refused for everyone
    // once it reaches the per-address count.
    assert.equal(await loginRetryAfter(db, settings, 'dave', '198.51.100.2'), 0);
    await recordLoginFailure(db, 'erin', '198.51.100.1');
    await recordLoginFailure(db, 'frank', '198.51.100.1');
    assert.ok((await loginRetryAfter(db, settings, 'grace', '198.51.100.1')) > 0);
    // The window passing frees everyone.
    assert.equal(await loginRetryAfter(db, settings, 'dave', '198.51.100.1', Date.now() + 61_000), 0);
  });

  it('the sweep deletes expired and revoked tokens, old failures and expired revocations', async () => {
    const { db } = database;
    const now = new Date().toISOString();
    const user = await db
      .insertInto('users')
      .values({
        username: 'sweepme',
        username_lower: 'sweepme',
        email: null,
        password_hash: 'x',
        groups: GROUP_USER,
        must_change: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const live = await createToken(db, { userId: user.id, kind: 'access', ttlMs: 60_000 });
    await createToken(db, { userId: user.id, kind: 'upload', ttlMs: 1 });
    await db.insertInto('revoked_sessions').values({ sid: 'old', expires_at: now }).execute();
    const later = Date.now() + 10_000;
    const first = await sweepAuthRows(db, { loginWindow: 60_000 }, later);
    assert.equal(first.tokens, 1);
    assert.equal(first.revokedSessions, 1);
    await revokeUserTokens(db, user.id);
    const second = await sweepAuthRows(db, { loginWindow: 1 }, later);
    assert.equal(second.tokens, 1, `${live.row.id} revoked, so swept`);
    assert.ok(second.loginFailures > 0);
  });
});
