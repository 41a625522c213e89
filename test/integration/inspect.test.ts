/**
 * "Inspect an MP4" over the API (app.md §4.5, §7.4; validator.md §9 "Bounds"): uploads and URLs,
 * permissions (401 anonymous, 403 for URLs without the media group and for other users'
 * inspections), bad input as 4xx naming the field, the per-user quota, and URLs going through the
 * validator's address-checked fetcher — loopback forms and a forged Host cannot reach another port.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sweepOnce } from '../../packages/server/src/sweep.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { SHARED } from '../support/paths.js';
import { requireShared } from '../support/tools.js';

const PASSWORD = 'inspect-admin-pass';

/** The parts of API answers these tests read. */
interface Answer {
  id: string;
  fileName: string;
  size: number;
  expiresAt: string;
  fragmented: boolean;
  errors: unknown[];
  topLevel: { type: string }[];
  csrfToken?: string;
  error: { code: string; field?: string; message: string };
}

/** A browser over real HTTP: one cookie and its CSRF token. */
class Client {
  cookie = '';
  csrf = '';
  constructor(readonly origin: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const isForm = body instanceof FormData;
    const res = await fetch(this.origin + path, {
      method,
      headers: {
        ...(body !== undefined && !isForm && typeof body !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: isForm || typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('loopcast_session='));
    if (set) this.cookie = set.split(';')[0] ?? '';
    const text = await res.text();
    const json = (text ? JSON.parse(text) : {}) as Answer;
    if (typeof json.csrfToken === 'string' && json.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, json };
  }

  async login(username: string, password: string): Promise<void> {
    await this.call('GET', '/api/auth/session');
    const res = await this.call('POST', '/api/auth/login', { username, password });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }

  upload(bytes: Uint8Array, name = 'clip.mp4', field = 'file') {
    const form = new FormData();
    form.append(field, new Blob([bytes]), name);
    return this.call('POST', '/api/inspect', form);
  }
}

let loopcast: TestServer;
let files: Server;
let filesPort: number;
let admin: Client;
let media: Client;
let plain: Client;
let audio: Buffer | null = null;

before(async () => {
  loopcast = await startTestServer({
    env: {
      LOOPCAST_ADMIN_PASSWORD: PASSWORD,
      LOOPCAST_ADMIN_MUST_CHANGE: 'false',
      // `localhost` is exempt from the address rule, IP literals never are (validator.md §6.1).
      LOOPCAST_VALIDATOR_ALLOW_HOSTS: 'localhost',
    },
  });
  try {
    audio = readFileSync(join(SHARED, 'media', 'bbb', 'bbb_a1.mp4'));
  } catch {
    audio = null;
  }
  files = createServer((req, res) => {
    if (req.url === '/bbb_a1.mp4' && audio) res.end(audio);
    else res.writeHead(404).end('missing');
  });
  await new Promise<void>((resolve) => files.listen(0, '::', resolve));
  filesPort = (files.address() as AddressInfo).port;
  admin = new Client(loopcast.origin);
  await admin.login('admin', PASSWORD);
  for (const [username, groups] of [
    ['mona', ['media', 'user']],
    ['paul', ['user']],
  ] as const) {
    const created = await admin.call('POST', '/api/users', {
      username,
      password: `${username}-password-1`,
      groups,
      mustChange: false,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
  }
  media = new Client(loopcast.origin);
  await media.login('mona', 'mona-password-1');
  plain = new Client(loopcast.origin);
  await plain.login('paul', 'paul-password-1');
});
after(async () => {
  files.close();
  await loopcast.stop();
});

/** The smallest thing that passes the box-header sniff: one empty `free` box. */
const FREE_BOX = Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]);

describe('inspect an MP4', () => {
  it('needs a login to upload and the media group for URLs', async () => {
    const anonymous = new Client(loopcast.origin);
    await anonymous.call('GET', '/api/auth/session');
    assert.equal((await anonymous.upload(FREE_BOX)).status, 401);
    assert.equal(
      (await anonymous.call('POST', '/api/inspect/url', { url: 'https://example.org/a.mp4' })).status,
      401,
    );
    const refused = await plain.call('POST', '/api/inspect/url', { url: 'https://example.org/a.mp4' });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');
  });

  it('inspects an upload: index, top-level boxes, trees; owner or admin only; delete', async (t) => {
    if (!requireShared(t) || !audio) return;
    const created = await plain.upload(audio, 'bbb_a1.mp4');
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const view = created.json;
    assert.equal(view.fileName, 'bbb_a1.mp4');
    assert.equal(view.size, audio.length);
    assert.equal(view.fragmented, true);
    assert.deepEqual(view.errors, []);
    const top = view.topLevel.map((b) => b.type);
    assert.equal(top[0], 'ftyp');
    assert.ok(
      ['moov', 'moof', 'mdat'].every((type) => top.includes(type)),
      top.join(','),
    );
    assert.ok(Date.parse(view.expiresAt) > Date.now() + 59 * 60_000, 'kept for LOOPCAST_INSPECT_TTL (1 h)');

    const id = view.id;
    assert.equal((await plain.call('GET', `/api/inspect/${id}`)).status, 200);
    assert.equal((await admin.call('GET', `/api/inspect/${id}`)).status, 200, 'an admin may look');
    assert.equal((await media.call('GET', `/api/inspect/${id}`)).status, 403, 'another user may not');

    const whole = await plain.call('GET', `/api/inspect/${id}/boxes`);
    assert.equal(whole.status, 200);
    const moov = (whole.json as unknown as { type: string; children?: { type: string }[] }[]).find(
      (b) => b.type === 'moov',
    );
    assert.ok(
      moov?.children?.some((c) => c.type === 'trak'),
      'moov parsed with its children',
    );
    const mdat = (whole.json as unknown as { type: string; fields: Record<string, unknown> }[]).find(
      (b) => b.type === 'mdat',
    );
    assert.match(String(mdat?.fields.data), /elided/);

    const fragment = await plain.call('GET', `/api/inspect/${id}/segments/1/boxes`);
    assert.equal(fragment.status, 200);
    const fragmentTypes = (fragment.json as unknown as { type: string }[]).map((b) => b.type);
    assert.ok(fragmentTypes.includes('moof') && fragmentTypes.includes('mdat'), fragmentTypes.join(','));
    assert.equal((await plain.call('GET', `/api/inspect/${id}/segments/9999/boxes`)).status, 404);

    assert.equal((await plain.call('DELETE', `/api/inspect/${id}`)).status, 204);
    assert.equal((await plain.call('GET', `/api/inspect/${id}`)).status, 404);
  });

  it('answers bad input with 4xx naming the field', async () => {
    // A JPEG's first bytes: no box type can be read from them.
    const notMp4 = await plain.upload(
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]),
      'photo.mp4',
    );
    assert.equal(notMp4.status, 415);
    assert.equal(notMp4.json.error.field, 'file');
    const wrongPart = await plain.upload(FREE_BOX, 'x.mp4', 'document');
    assert.equal(wrongPart.status, 400);
    assert.equal(wrongPart.json.error.field, 'file');
    const notMultipart = await plain.call('POST', '/api/inspect', 'raw bytes', {
      'content-type': 'application/octet-stream',
    });
    assert.equal(notMultipart.status, 415);
    for (const body of [
      { url: 'not a url' },
      { url: 'ftp://example.org/a.mp4' },
      {},
      { url: 'https://x/a', extra: 1 },
    ]) {
      const res = await media.call('POST', '/api/inspect/url', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(['url', 'extra'].includes(res.json.error.field ?? ''), JSON.stringify(res.json));
    }
    assert.equal((await plain.call('GET', '/api/inspect/no-such-id')).status, 404);
  });

  it('fetches a URL through the validator fetcher; loopback forms and forged Host are refused', async (t) => {
    if (!requireShared(t) || !audio) return;
    const ok = await media.call('POST', '/api/inspect/url', {
      url: `http://localhost:${filesPort}/bbb_a1.mp4`,
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
    assert.equal(ok.json.fileName, 'bbb_a1.mp4');
    assert.equal(ok.json.fragmented, true);
    assert.equal((await media.call('DELETE', `/api/inspect/${ok.json.id}`)).status, 204);

    const missing = await media.call('POST', '/api/inspect/url', {
      url: `http://localhost:${filesPort}/gone.mp4`,
    });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error.message, /404/);

    for (const url of [
      `http://127.0.0.1:${filesPort}/bbb_a1.mp4`,
      `http://2130706433:${filesPort}/bbb_a1.mp4`,
      `http://[::ffff:7f00:1]:${filesPort}/bbb_a1.mp4`,
      `http://0:${filesPort}/bbb_a1.mp4`,
    ]) {
      const res = await media.call('POST', '/api/inspect/url', { url });
      assert.equal(res.status, 400, url);
      assert.equal(res.json.error.field, 'url');
      assert.match(res.json.error.message, /address not allowed/, url);
    }
    const forged = `127.0.0.1:${filesPort}`;
    const viaHost = await media.call(
      'POST',
      '/api/inspect/url',
      { url: `http://${forged}/bbb_a1.mp4` },
      { host: forged },
    );
    // Whatever Host says, the address rule still refuses the other port.
    assert.equal(viaHost.status, 400, JSON.stringify(viaHost.json));
    assert.match(viaHost.json.error.message, /address not allowed/);
  });

  it('forgets an expired inspection: 404 at once, row and blob gone at the next inspection', async () => {
    const { db } = loopcast.server.context.database;
    const created = await plain.upload(FREE_BOX, 'old.mp4');
    assert.equal(created.status, 201);
    const past = new Date(Date.now() - 1000).toISOString();
    await db.updateTable('inspections').set({ expires_at: past }).where('id', '=', created.json.id).execute();
    assert.equal((await plain.call('GET', `/api/inspect/${created.json.id}`)).status, 404);
    const row = await db
      .selectFrom('inspections')
      .innerJoin('blobs', 'blobs.id', 'inspections.blob_id')
      .select(['blobs.id as blobId'])
      .where('inspections.id', '=', created.json.id)
      .executeTakeFirstOrThrow();
    const next = await media.upload(FREE_BOX, 'new.mp4');
    assert.equal(next.status, 201);
    const left = await db.selectFrom('inspections').select('id').where('id', '=', created.json.id).execute();
    assert.deepEqual(left, []);
    const blob = await db.selectFrom('blobs').select('id').where('id', '=', row.blobId).execute();
    assert.deepEqual(blob, []);
    assert.equal((await media.call('DELETE', `/api/inspect/${next.json.id}`)).status, 204);
  });

  it('removes expired inspections at the periodic sweep, with no new inspection (app.md §6.3)', async () => {
    const { database, blobs, settings } = loopcast.server.context;
    const { db } = database;
    const stale = await plain.upload(FREE_BOX, 'stale.mp4');
    const fresh = await plain.upload(FREE_BOX, 'fresh.mp4');
    assert.equal(stale.status, 201);
    assert.equal(fresh.status, 201);
    const blobOf = (id: string) =>
      db
        .selectFrom('inspections')
        .innerJoin('blobs', 'blobs.id', 'inspections.blob_id')
        .select(['blobs.id as blobId', 'blobs.store_key as key'])
        .where('inspections.id', '=', id)
        .executeTakeFirstOrThrow();
    const staleBlob = await blobOf(stale.json.id);
    const freshBlob = await blobOf(fresh.json.id);
    const past = new Date(Date.now() - 1000).toISOString();
    await db.updateTable('inspections').set({ expires_at: past }).where('id', '=', stale.json.id).execute();

    // The start-up sweep holds the lease for 10 minutes; a clock 11 minutes on is past it and
    // still well before the fresh inspection expires (LOOPCAST_INSPECT_TTL, 1 h).
    const result = await sweepOnce(db, blobs, settings, Date.now() + 11 * 60_000);
    assert.equal(result.ran, true);
    const left = await db
      .selectFrom('inspections')
      .select('id')
      .where('id', 'in', [stale.json.id, fresh.json.id])
      .execute();
    assert.deepEqual(
      left.map((r) => r.id),
      [fresh.json.id],
    );
    assert.deepEqual(
      await db.selectFrom('blobs').select('id').where('id', '=', staleBlob.blobId).execute(),
      [],
    );
    assert.equal(await blobs.stat(staleBlob.key), null, 'the expired file is gone from the store');
    assert.ok(await blobs.stat(freshBlob.key), 'the live file stays');
    assert.equal((await plain.call('GET', `/api/inspect/${fresh.json.id}`)).status, 200);
    assert.equal((await plain.call('DELETE', `/api/inspect/${fresh.json.id}`)).status, 204);
  });

  it('keeps at most 3 live inspections per user (409 beyond)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await media.upload(FREE_BOX, `free${i}.mp4`);
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal(res.json.fragmented, false);
      ids.push(res.json.id);
    }
    const fourth = await media.upload(FREE_BOX, 'free3.mp4');
    assert.equal(fourth.status, 409);
    for (const id of ids) await media.call('DELETE', `/api/inspect/${id}`);
    assert.equal((await media.upload(FREE_BOX, 'free4.mp4')).status, 201);
  });
});
