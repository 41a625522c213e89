/**
 * Uploaded audio in loopcast's share (daap.md §11.1, §11.4, §11.5): `POST /api/music` and
 * `DELETE /api/music/{id}` with their failures and permissions, and §11.4's required test — with a
 * client long-polling `/update`, upload one file, edit one watched file's tag and delete one
 * upload: the held request returns within 2 s, and the items delta lists exactly the new and the
 * edited item, with the deleted id in `mudl`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { child, children, DaapClient, type DmapNode } from '@loopcast/daap';
import { DEMO_DIR } from '../../packages/server/src/demo/install.js';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { freePort } from '../support/ports.js';

const PASSWORD = 'admin-password-1';
const MUSIC = join(DEMO_DIR, 'music');
type ErrorBody = { error: { code: string; field?: string } };
interface Track {
  id: number;
  title: string;
  artist: string | null;
  source: string;
  format: string;
  hasArtwork: boolean;
}

const value = (node: DmapNode | undefined, code: string): unknown =>
  node ? child(node, code)?.value : undefined;

function multipart(fileName: string, bytes: Buffer): { body: Buffer; type: string } {
  const boundary = `----loopcast${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: audio/mpeg\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

describe('music upload and delete', { timeout: 60_000 }, () => {
  let server: TestServer;
  let admin: Browser;
  let plain: Browser;
  let folder: string;
  let daapPort = 0;
  /** The MP3 uploaded by the first test, deleted by the second. */
  let uploadedId = 0;

  async function upload(who: Browser, fileName: string, bytes: Buffer) {
    const { body, type } = multipart(fileName, bytes);
    return server.server.app.inject({
      method: 'POST',
      url: '/api/music',
      headers: {
        'content-type': type,
        cookie: [...who.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
        'x-csrf-token': who.csrf,
      },
      payload: body,
    });
  }
  const expectError = (res: { statusCode: number; body: string }, status: number, field?: string) => {
    assert.equal(res.statusCode, status, res.body);
    if (field) assert.equal(JSON.parse(res.body).error.field, field);
    return (JSON.parse(res.body) as ErrorBody).error;
  };

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'loopcast-music-upload-'));
    copyFileSync(join(MUSIC, 'mira-vale_slow-tide.mp3'), join(folder, 'slow-tide.mp3'));
    daapPort = await freePort();
    server = await startTestServer({
      env: {
        LOOPCAST_ADMIN_PASSWORD: PASSWORD,
        LOOPCAST_ADMIN_MUST_CHANGE: 'false',
        LOOPCAST_DAAP: 'on',
        LOOPCAST_DAAP_PORT: String(daapPort),
        LOOPCAST_MUSIC_DIR: folder,
      },
    });
    admin = new Browser(server.server.app);
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
    const res = await admin.request('POST', '/api/users', {
      username: 'listener',
      password: PASSWORD,
      groups: ['user'],
      mustChange: false,
    });
    assert.equal(res.statusCode, 201, res.body);
    plain = new Browser(server.server.app);
    assert.equal((await plain.login('listener', PASSWORD)).statusCode, 200);
  });
  after(async () => {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('uploads MP3 and M4A files with their tags and refuses the rest', async () => {
    const mp3 = await upload(
      admin,
      'first light.mp3',
      readFileSync(join(MUSIC, 'mira-vale_first-light.mp3')),
    );
    assert.equal(mp3.statusCode, 201, mp3.body);
    const track = mp3.json<Track>();
    assert.equal(track.source, 'upload');
    assert.equal(track.format, 'mp3');
    assert.equal(track.title, 'First Light');
    uploadedId = track.id;
    const m4a = await upload(admin, 'neon.m4a', readFileSync(join(MUSIC, 'kasimir-oduya_neon-orchard.m4a')));
    assert.equal(m4a.statusCode, 201, m4a.body);
    assert.equal(m4a.json<Track>().title, 'Neon Orchard');
    const blob = await server.server.context.database.db
      .selectFrom('music_tracks')
      .innerJoin('blobs', 'blobs.id', 'music_tracks.blob_id')
      .select('blobs.store_key')
      .where('music_tracks.id', '=', track.id)
      .executeTakeFirstOrThrow();
    assert.match(blob.store_key, /^music\/\d+-first_light\.mp3$/);

    expectError(await upload(admin, 'notes.txt', Buffer.from('hello')), 400, 'file');
    expectError(await upload(admin, 'song.flac', Buffer.from('fLaC\0\0\0\0')), 400, 'file');
    expectError(await upload(admin, 'fake.mp3', Buffer.from('89504e470d0a1a0a0000000d', 'hex')), 415, 'file');
    expectError(
      await upload(admin, 'fake.m4a', readFileSync(join(MUSIC, 'mira-vale_lanterns.mp3'))),
      415,
      'file',
    );
    const anon = new Browser(server.server.app);
    await anon.session();
    expectError(await upload(anon, 'a.mp3', Buffer.from('ID3')), 401);
    expectError(await upload(plain, 'a.mp3', Buffer.from('ID3')), 403);

    // Delete is for uploads only.
    const demo = await server.server.context.database.db
      .selectFrom('music_tracks')
      .select('id')
      .where('source', '=', 'demo')
      .executeTakeFirstOrThrow();
    expectError(await admin.request('DELETE', `/api/music/${demo.id}`), 409);
    expectError(await admin.request('DELETE', '/api/music/999999'), 404);
    expectError(await plain.request('DELETE', `/api/music/${track.id}`), 403);
    const m4aBlob = await server.server.context.database.db
      .selectFrom('music_tracks')
      .innerJoin('blobs', 'blobs.id', 'music_tracks.blob_id')
      .select('blobs.store_key')
      .where('music_tracks.id', '=', m4a.json<Track>().id)
      .executeTakeFirstOrThrow();
    assert.ok(await server.server.context.blobs.stat(m4aBlob.store_key));
    assert.equal((await admin.request('DELETE', `/api/music/${m4a.json<Track>().id}`)).statusCode, 204);
    expectError(await admin.request('GET', `/api/music/${m4a.json<Track>().id}`), 404);
    assert.equal(await server.server.context.blobs.stat(m4aBlob.store_key), null);
  });

  it('turns an upload, a watched-file tag edit and a deletion into a delta for a long-polling client (§11.4)', async () => {
    const music = server.server.music!;
    const client = new DaapClient('127.0.0.1', daapPort, { 'Client-DAAP-Version': '3.13' });
    const sid = Number(value((await client.request('/login')).root, 'mlid'));
    const items = async (extra = '') => {
      const reply = await client.request(
        `/databases/1/items?session-id=${sid}&meta=dmap.itemid,dmap.itemname${extra}`,
      );
      return reply;
    };
    const listed = children(child((await items()).root!, 'mlcl')!, 'mlit');
    const { db } = server.server.context.database;
    const watchedRow = await db
      .selectFrom('music_tracks')
      .select('id')
      .where('source', '=', 'folder')
      .executeTakeFirstOrThrow();
    const doomedId = uploadedId;
    const watchedId = Number(watchedRow.id);
    const ids = listed.map((i) => Number(value(i, 'miid')));
    assert.ok(
      ids.includes(doomedId) && ids.includes(watchedId),
      'the earlier upload and the watched file are shared',
    );

    const revision = Number(
      value((await client.request(`/update?session-id=${sid}&revision-number=1`)).root, 'musr'),
    );
    const started = Date.now();
    const held = client
      .request(`/update?session-id=${sid}&revision-number=${revision}&delta=${revision}`, {
        timeoutMs: 10_000,
      })
      .then((r) => ({ r, ms: Date.now() - started }));

    // 1. Upload one file.
    const up = await upload(admin, 'lanterns.mp3', readFileSync(join(MUSIC, 'mira-vale_lanterns.mp3')));
    assert.equal(up.statusCode, 201, up.body);
    const newId = up.json<Track>().id;
    // 2. Edit the watched file's title tag in place (same length, so the ID3 frame stays valid).
    const path = join(folder, 'slow-tide.mp3');
    const bytes = readFileSync(path);
    const at = bytes.indexOf('Slow Tide');
    assert.ok(at > 0 && at < 200, 'the title sits in the ID3 tag');
    bytes.write('Slow Tile', at, 'latin1');
    writeFileSync(path, bytes);
    // 3. Delete one upload.
    assert.equal((await admin.request('DELETE', `/api/music/${doomedId}`)).statusCode, 204);

    const woke = await held;
    assert.equal(woke.r.status, 200);
    assert.ok(woke.ms < 2000, `the held /update returned after ${woke.ms} ms`);
    assert.ok(Number(value(woke.r.root, 'musr')) > revision);

    // The watcher debounces for a second; then one more revision carries the edit.
    let delta: DmapNode[] = [];
    let removed: number[] = [];
    for (let i = 0; i < 100; i++) {
      await music.syncIfChanged();
      const now = Number(
        value((await client.request(`/update?session-id=${sid}&revision-number=1`)).root, 'musr'),
      );
      const reply = await items(`&revision-number=${now}&delta=${revision}`);
      assert.equal(value(reply.root, 'muty'), 1);
      delta = children(child(reply.root!, 'mlcl')!, 'mlit');
      removed = children(child(reply.root!, 'mudl')!, 'miid').map((n) => Number(n.value));
      if (delta.some((d) => value(d, 'minm') === 'Slow Tile')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(
      delta.map((d) => Number(value(d, 'miid'))).sort((a, b) => a - b),
      [newId, watchedId].sort((a, b) => a - b),
      'exactly the new and the edited item',
    );
    assert.equal(
      value(
        delta.find((d) => Number(value(d, 'miid')) === watchedId),
        'minm',
      ),
      'Slow Tile',
    );
    assert.deepEqual(removed, [doomedId]);
  });
});
