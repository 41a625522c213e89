/**
 * The key store over HTTP (app.md §4.5, §8) and the ClearKey licence server (drm-events.md §5.2):
 * computed keys for KIDs found by indexing and for the stream's on-the-fly KID, add/edit/delete
 * with their 400/404/409s, key values for media users only, and the licence exchange answering
 * only for KIDs in use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared } from '../support/tools.js';
import { sharedAvailable } from '../support/paths.js';

const PASSWORD = 'admin-password-1';
const BBB_KID = '1ab45440532c439994dc5c5ad9584bac';
const BBB_KEY = 'd6d39cedee9024c88b64eb1bdd617a47';
const DEMO_OTF_KID = '2a41dba49af555c62986df6811da02e6';
interface Key {
  kid: string;
  key?: string;
  computed: boolean;
  alg: string;
  origin: string;
  fileIds: number[];
  streams: string[];
}

describe('keys API and ClearKey licence server', () => {
  const skip = !sharedAvailable();
  let server: TestServer;
  let admin: Browser;
  let viewer: Browser;
  const app = () => server.server.app;
  const licence = (payload: string, headers: Record<string, string> = {}) =>
    app().inject({
      method: 'POST',
      url: '/clearkey',
      payload,
      headers: { 'content-type': 'text/plain', ...headers },
    });

  before(async () => {
    if (skip) return;
    server = await startTestServer({
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
    await addBbbStream(server);
    admin = new Browser(app());
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
    const made = await admin.request('POST', '/api/users', {
      username: 'viewer',
      password: PASSWORD,
      groups: ['user'],
      mustChange: false,
    });
    assert.equal(made.statusCode, 201, made.body);
    viewer = new Browser(app());
    assert.equal((await viewer.login('viewer', PASSWORD)).statusCode, 200);
  });
  after(() => server?.stop());

  it('lists the computed keys of indexing and of the streams; values only for media users', async (t) => {
    if (!requireShared(t)) return;
    const keys = (await admin.request('GET', '/api/keys')).json<Key[]>();
    const bbb = keys.find((k) => k.kid === BBB_KID);
    assert.ok(bbb, JSON.stringify(keys));
    assert.equal(bbb.key, BBB_KEY);
    assert.equal(bbb.computed, true);
    assert.equal(bbb.origin, 'indexed');
    assert.equal(bbb.fileIds.length, 4);
    const demo = keys.find((k) => k.kid === DEMO_OTF_KID);
    assert.deepEqual(demo?.streams, ['demo']);
    assert.equal(demo?.key, '0b6221e1c146745c661f8c2f178a7adc');
    const seen = (await viewer.request('GET', `/api/keys/${BBB_KID}`)).json<Key>();
    assert.equal(seen.key, undefined);
    const anonymous = await app().inject({ url: '/api/keys' });
    if (anonymous.statusCode === 200) assert.ok(anonymous.json<Key[]>().every((k) => k.key === undefined));
    else assert.equal(anonymous.statusCode, 401);
  });

  it('adds, edits and deletes keys, naming bad fields', async (t) => {
    if (!requireShared(t)) return;
    const kid = '8ba94ade-6eb9-449d-b44f-a5beefaf43b0';
    const added = await admin.request('POST', '/api/keys', { kid });
    assert.equal(added.statusCode, 201, added.body);
    assert.deepEqual(
      { ...added.json<Key>(), fileIds: [], streams: [] },
      {
        kid: '8ba94ade6eb9449db44fa5beefaf43b0',
        key: 'dbfd6922c321c4bb486f4a1c44097ed6',
        computed: true,
        alg: 'AESCTR',
        origin: 'manual',
        fileIds: [],
        streams: [],
      },
    );
    assert.equal((await admin.request('POST', '/api/keys', { kid })).statusCode, 409);
    const bad = await admin.request('POST', '/api/keys', { kid: 'nothex' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: { field: string } }>().error.field, 'kid');
    const badKey = await admin.request('POST', '/api/keys', { kid: 'AAAAAAAAAAAAAAAAAAAAAA', key: '12' });
    assert.equal(badKey.json<{ error: { field: string } }>().error.field, 'key');
    assert.equal(
      (await viewer.request('POST', '/api/keys', { kid: 'AAAAAAAAAAAAAAAAAAAAAA' })).statusCode,
      403,
    );

    const real = await admin.request('PATCH', `/api/keys/${kid}`, {
      key: '0x00112233445566778899aabbccddeeff',
      alg: 'AESCBC',
    });
    assert.equal(real.statusCode, 200, real.body);
    assert.equal(real.json<Key>().computed, false);
    assert.equal(real.json<Key>().alg, 'AESCBC');
    const again = await admin.request('PATCH', `/api/keys/${kid}`, { key: null });
    assert.equal(again.json<Key>().key, 'dbfd6922c321c4bb486f4a1c44097ed6');
    assert.equal(again.json<Key>().computed, true);
    assert.equal(
      (await admin.request('PATCH', '/api/keys/00000000000000000000000000000000', {})).statusCode,
      404,
    );

    const used = await admin.request('DELETE', `/api/keys/${BBB_KID}`);
    assert.equal(used.statusCode, 409);
    assert.match(used.body, /media files/);
    assert.equal((await admin.request('DELETE', `/api/keys/${DEMO_OTF_KID}`)).statusCode, 409);
    assert.equal((await admin.request('DELETE', `/api/keys/${kid}`)).statusCode, 204);
    assert.equal((await admin.request('GET', `/api/keys/${kid}`)).statusCode, 404);
  });

  it('takes keys from the upload CLI with a bearer token (origin upload, computed: true)', async (t) => {
    if (!requireShared(t)) return;
    const tok = await app().inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'admin', password: PASSWORD },
    });
    assert.equal(tok.statusCode, 200, tok.body);
    const bearer = { authorization: `Bearer ${tok.json<{ token: string }>().token}` };
    const res = await app().inject({
      method: 'POST',
      url: '/api/keys',
      headers: bearer,
      payload: { kid: 'AAAAAAAAAAAAAAAAAAAAAQ', key: '00112233445566778899aabbccddeeff', computed: true },
    });
    assert.equal(res.statusCode, 201, res.body);
    const key = res.json<Key>();
    assert.equal(key.origin, 'upload');
    assert.equal(key.computed, true);
    assert.notEqual(key.key, '00112233445566778899aabbccddeeff');
  });

  it('answers the verified licence exchange and only for KIDs in use', async (t) => {
    if (!requireShared(t)) return;
    const res = await licence('{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA"],"type":"temporary"}');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(
      res.body,
      '{"keys":[{"kty":"oct","kid":"GrRUQFMsQ5mU3Fxa2VhLrA","k":"1tOc7e6QJMiLZOsb3WF6Rw"}],"type":"temporary"}',
    );
    // a key in the store that nothing uses is not revealed
    assert.equal(
      (await admin.request('POST', '/api/keys', { kid: '339c45b5-fb6d-4bd9-994c-eabd9d41c95b' })).statusCode,
      201,
    );
    const unused = await licence(
      JSON.stringify({
        kids: [Buffer.from('339c45b5fb6d4bd9994ceabd9d41c95b', 'hex').toString('base64url')],
      }),
    );
    assert.equal(unused.body, '{"keys":[],"type":"temporary"}');
    const otf = await licence(
      JSON.stringify({ kids: [Buffer.from(DEMO_OTF_KID, 'hex').toString('base64url')] }),
      {
        'content-type': 'application/json',
      },
    );
    assert.equal(otf.json<{ keys: unknown[] }>().keys.length, 1);
  });

  it('refuses bad licence requests with the JSON envelope', async (t) => {
    if (!requireShared(t)) return;
    const field = async (payload: string) => {
      const res = await licence(payload);
      assert.equal(res.statusCode, 400, res.body);
      return res.json<{ error: { field: string; code: string } }>().error;
    };
    assert.equal((await field('not json')).field, 'body');
    assert.equal((await field('{"kids":[]}')).field, 'kids');
    assert.equal((await field('{"kids":["abc"]}')).field, 'kids[0]');
    assert.equal((await field('{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA"],"type":"forever"}')).code, 'invalid_field');
    const big = await licence(`{"kids":["${'A'.repeat(70 * 1024)}"]}`);
    assert.equal(big.statusCode, 413);
    assert.equal(big.json<{ error: { code: string } }>().error.code, 'payload_too_large');
    const get = await app().inject({ url: '/clearkey' });
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers.allow, 'POST, OPTIONS');
    const pre = await app().inject({
      method: 'OPTIONS',
      url: '/clearkey',
      headers: { origin: 'http://x.example', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
  });
});
