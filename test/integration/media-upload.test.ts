/**
 * Media files through the API (app.md §4.4, §5.2–§5.5, §7.1–§7.3): multipart upload streamed into
 * the blob store and indexed before the answer (automatic timing reference, error records), the
 * name rule, 415 for bytes that are not ISO-BMFF, 413 over the limit, atomic replacement by name,
 * re-index, segment list, box tree, content with ranges, delete; and the permissions: anonymous
 * 401, `user` group 403, an upload token only on its allow-list. Uses the demo files in the repo;
 * runs on SQLite and, where the integration tier started it, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';

const PASSWORD = 'admin-password-1';
const DEMO = join(REPO_ROOT, 'packages', 'server', 'demo', 'media');
const LIMIT = 3 * 1024 * 1024;
type ErrorBody = { error: { status: number; code: string; field?: string; message: string } };
interface MediaFile {
  id: number;
  name: string;
  fileName: string;
  size: number;
  sha256: string;
  indexState: string;
  contentType: string | null;
  trackId: number | null;
  numSegments: number | null;
  durationSeconds: number | null;
  width?: number;
  errors: { reason: string; severity: string }[];
}

function multipart(fileName: string, bytes: Buffer, field = 'file'): { body: Buffer; type: string } {
  const boundary = `----loopcast${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: video/mp4\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip =
    kind === 'postgres' && !process.env.TEST_PG_URL && 'TEST_PG_URL is not set (integration tier only)';
  describe(`media files API on ${kind}`, { skip }, () => {
    let testDb: TestDatabase | null = null;
    let server: TestServer;
    let admin: Browser;
    let plain: Browser;
    const app = () => server.server.app;
    const { db } = { db: () => server.server.context.database.db };

    async function upload(
      who: Browser | string,
      directory: string,
      fileName: string,
      bytes: Buffer,
      field = 'file',
    ) {
      const { body, type } = multipart(fileName, bytes, field);
      const headers: Record<string, string> = { 'content-type': type };
      if (typeof who === 'string') headers.authorization = `Bearer ${who}`;
      else {
        headers.cookie = [...who.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
        headers['x-csrf-token'] = who.csrf;
      }
      return app().inject({ method: 'POST', url: `/api/streams/${directory}/files`, headers, payload: body });
    }

    const expectError = (res: { statusCode: number; body: string }, status: number, field?: string) => {
      assert.equal(res.statusCode, status, res.body);
      const body = JSON.parse(res.body) as ErrorBody;
      if (field) assert.equal(body.error.field, field, res.body);
      return body.error;
    };
    const blobCount = async () => (await db().selectFrom('blobs').select('id').execute()).length;

    before(async () => {
      testDb = kind === 'postgres' ? await postgresDatabase() : null;
      server = await startTestServer({
        env: {
          ...(testDb ? { DATABASE_URL: testDb.url } : {}),
          LOOPCAST_ADMIN_PASSWORD: PASSWORD,
          LOOPCAST_ADMIN_MUST_CHANGE: 'false',
          LOOPCAST_UPLOAD_MAX_BYTES: String(LIMIT),
        },
      });
      admin = new Browser(app());
      assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
      assert.equal(
        (
          await admin.request('POST', '/api/users', {
            username: 'viewer',
            password: PASSWORD,
            groups: ['user'],
            mustChange: false,
          })
        ).statusCode,
        201,
      );
      plain = new Browser(app());
      assert.equal((await plain.login('viewer', PASSWORD)).statusCode, 200);
      assert.equal(
        (await admin.request('POST', '/api/streams', { directory: 'up1', title: 'Uploads' })).statusCode,
        201,
      );
    });
    after(async () => {
      await server.stop();
      await testDb?.drop();
    });

    let video: MediaFile;

    it('uploads and indexes a file; the first video becomes the timing reference', async () => {
      const bytes = readFileSync(join(DEMO, 'demo_v2.mp4'));
      const res = await upload(admin, 'up1', 'demo_v2.mp4', bytes);
      assert.equal(res.statusCode, 201, res.body);
      video = res.json<MediaFile>();
      assert.equal(video.name, 'demo_v2');
      assert.equal(video.size, bytes.length);
      assert.equal(video.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(video.indexState, 'indexed');
      assert.equal(video.contentType, 'video');
      assert.ok((video.numSegments ?? 0) >= 2);
      assert.ok((video.width ?? 0) > 0);
      assert.deepEqual(video.errors, []);
      const stream = (await admin.request('GET', '/api/streams/up1')).json<{
        timingReference: { name: string };
      }>();
      assert.equal(stream.timingReference.name, 'demo_v2');
      // The uploaded stream serves a manifest at once (the streams change counter moved).
      const mpd = await app().inject({ url: '/dash/vod/up1/hand_made.mpd' });
      assert.equal(mpd.statusCode, 200, mpd.body.slice(0, 300));
    });

    it('replaces a same-named file atomically: same id, new blob, old blob gone', async () => {
      const before = await db()
        .selectFrom('blobs')
        .select(['id', 'store_key'])
        .where('store_key', 'like', 'streams/up1/%')
        .execute();
      assert.equal(before.length, 1);
      const res = await upload(admin, 'up1', 'demo_v2.mp4', readFileSync(join(DEMO, 'demo_v2.mp4')));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<MediaFile>().id, video.id);
      const after = await db()
        .selectFrom('blobs')
        .select(['id', 'store_key', 'state'])
        .where('store_key', 'like', 'streams/up1/%')
        .execute();
      assert.equal(after.length, 1);
      assert.notEqual(after[0]!.id, before[0]!.id);
      assert.equal(after[0]!.state, 'committed');
      assert.equal(await server.server.context.blobs.stat(before[0]!.store_key), null);
    });

    it('refuses bad names (400 file), letter-case clashes (409) and bytes that are not MP4 (415), storing nothing', async () => {
      const blobs = await blobCount();
      const bytes = readFileSync(join(DEMO, 'demo_a1.mp4'));
      expectError(await upload(admin, 'up1', 'notes.txt', bytes), 400, 'file');
      expectError(await upload(admin, 'up1', 't999.mp4', bytes), 400, 'file');
      expectError(await upload(admin, 'up1', 'BU12.mp4', bytes), 400, 'file');
      expectError(await upload(admin, 'up1', 'timestpp-en.mp4', bytes), 400, 'file');
      expectError(await upload(admin, 'up1', '_x.mp4', bytes), 400, 'file');
      expectError(await upload(admin, 'up1', 'Demo_V2.mp4', bytes), 409, 'file');
      expectError(
        await upload(admin, 'up1', 'a1.mp4', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')),
        415,
        'file',
      );
      expectError(await upload(admin, 'up1', 'a1.mp4', bytes, 'other'), 400, 'file');
      expectError(await upload(admin, 'nosuch', 'a1.mp4', bytes), 404);
      const json = await admin.request('POST', '/api/streams/up1/files', { file: 'x' });
      expectError(json, 415);
      assert.equal(await blobCount(), blobs);
    });

    it('leaves nothing behind when the client disconnects mid-upload (§5.2)', async () => {
      const blobs = await blobCount();
      const token = (
        await app().inject({
          method: 'POST',
          url: '/api/auth/token',
          payload: { username: 'admin', password: PASSWORD },
        })
      ).json<{ token: string }>().token;
      const { body, type } = multipart('cut.mp4', readFileSync(join(DEMO, 'demo_v2.mp4')));
      const { request } = await import('node:http');
      await new Promise<void>((resolve) => {
        const req = request(`${server.origin}/api/streams/up1/files`, {
          method: 'POST',
          headers: { 'content-type': type, 'content-length': body.length, authorization: `Bearer ${token}` },
        });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        // Half the body, then the connection goes away.
        req.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.destroy(), 200));
      });
      for (let i = 0; i < 50 && (await blobCount()) !== blobs; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(await blobCount(), blobs, 'no blob row left');
      const names = (await db().selectFrom('media_files').select('name').execute()).map((r) => r.name);
      assert.ok(!names.includes('cut'));
      const stored: string[] = [];
      for await (const b of server.server.context.blobs.list('streams/up1/')) stored.push(b.key);
      assert.ok(!stored.some((k) => k.endsWith('-cut.mp4')), stored.join(', '));
    });

    it('answers 413 over LOOPCAST_UPLOAD_MAX_BYTES and removes the partial object', async () => {
      const blobs = await blobCount();
      const big = Buffer.alloc(LIMIT + 4096);
      big.writeUInt32BE(LIMIT + 4096, 0);
      big.write('free', 4);
      const err = expectError(await upload(admin, 'up1', 'big.mp4', big), 413, 'file');
      assert.equal(err.code, 'payload_too_large');
      assert.equal(await blobCount(), blobs);
    });

    it('keeps a file that does not index, with its error records', async () => {
      const ftyp = Buffer.alloc(24);
      ftyp.writeUInt32BE(24, 0);
      ftyp.write('ftypisom', 4);
      const res = await upload(admin, 'up1', 'broken.mp4', ftyp);
      assert.equal(res.statusCode, 201, res.body);
      const file = res.json<MediaFile>();
      assert.equal(file.indexState, 'failed');
      assert.equal(file.errors[0]?.reason, 'NO_FRAGMENTS');
      assert.equal(file.errors[0]?.severity, 'error');
      const again = await admin.request('POST', `/api/files/${file.id}/index`);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json<MediaFile>().errors.length, 1);
      expectError(await admin.request('GET', `/api/files/${file.id}/segments`), 409);
      assert.equal((await admin.request('DELETE', `/api/files/${file.id}`)).statusCode, 204);
    });

    it('records DUPLICATE_TRACK_IDS only for a file of another codec with the same track id', async () => {
      // A second video (same codec, same track id 1) is fine.
      const v3 = await upload(admin, 'up1', 'demo_v3.mp4', readFileSync(join(DEMO, 'demo_v3.mp4')));
      assert.equal(v3.statusCode, 201, v3.body);
      assert.deepEqual(v3.json<MediaFile>().errors, []);
      // The demo audio uses track id 2: claim it for a video row, then the audio clashes.
      await db()
        .updateTable('media_files')
        .set({ track_id: 2 })
        .where('id', '=', v3.json<MediaFile>().id)
        .execute();
      const a1 = await upload(admin, 'up1', 'demo_a1.mp4', readFileSync(join(DEMO, 'demo_a1.mp4')));
      assert.equal(a1.statusCode, 201, a1.body);
      assert.deepEqual(
        a1.json<MediaFile>().errors.map((e) => [e.reason, e.severity]),
        [['DUPLICATE_TRACK_IDS', 'error']],
      );
      assert.equal(a1.json<MediaFile>().indexState, 'failed');
      await db()
        .updateTable('media_files')
        .set({ track_id: 1 })
        .where('id', '=', v3.json<MediaFile>().id)
        .execute();
      const again = await admin.request('POST', `/api/files/${a1.json<MediaFile>().id}/index`);
      assert.deepEqual(again.json<MediaFile>().errors, []);
      assert.equal((await admin.request('DELETE', `/api/files/${a1.json<MediaFile>().id}`)).statusCode, 204);
    });

    it('lists files, reads one, gives the segment list and each segment’s box tree', async () => {
      const files = (await admin.request('GET', '/api/streams/up1/files')).json<MediaFile[]>();
      assert.deepEqual(
        files.map((f) => f.name),
        ['demo_v3', 'demo_v2'],
        'ordered by bitrate',
      );
      assert.equal((await admin.request('GET', `/api/files/${video.id}`)).json<MediaFile>().name, 'demo_v2');
      expectError(await admin.request('GET', '/api/files/999999'), 404);
      expectError(await admin.request('GET', '/api/files/abc'), 400, 'id');

      const list = (await admin.request('GET', `/api/files/${video.id}/segments`)).json<{
        timescale: number;
        segments: {
          index: number;
          start: number | null;
          duration: number | null;
          pos: number;
          size: number;
        }[];
      }>();
      assert.ok(list.timescale > 0);
      assert.equal(list.segments.length, (video.numSegments ?? 0) + 1);
      assert.equal(list.segments[0]!.duration, null);
      assert.equal(list.segments[2]!.start, list.segments[1]!.start! + list.segments[1]!.duration!);

      type Node = { type: string; offset: number; children?: Node[]; fields: Record<string, unknown> };
      const init = (await admin.request('GET', `/api/files/${video.id}/segments/0/boxes`)).json<Node[]>();
      assert.deepEqual(init.map((b) => b.type).slice(0, 2), ['ftyp', 'moov']);
      assert.ok(init[1]!.children?.some((c) => c.type === 'trak'));
      const seg = (await admin.request('GET', `/api/files/${video.id}/segments/1/boxes`)).json<Node[]>();
      assert.ok(seg.some((b) => b.type === 'moof'));
      assert.equal(seg[0]!.offset, list.segments[1]!.pos);
      const mdat = seg.find((b) => b.type === 'mdat');
      const data = typeof mdat?.fields.data === 'string' ? mdat.fields.data : '';
      assert.ok(data.endsWith('…') && data.length === 64, 'binary cut to 63 base64 characters and …');
      expectError(await admin.request('GET', `/api/files/${video.id}/segments/9999/boxes`), 404);
    });

    it('serves the stored bytes to media users, with one range, nosniff and a sandbox CSP', async () => {
      const bytes = readFileSync(join(DEMO, 'demo_v2.mp4'));
      const res = await admin.request('GET', `/api/files/${video.id}/content`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['content-security-policy']), /sandbox/);
      assert.match(String(res.headers['content-disposition']), /attachment/);
      assert.ok(res.rawPayload.equals(bytes));
      const part = await admin.request('GET', `/api/files/${video.id}/content`, undefined, {
        range: 'bytes=4-11',
      });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers['content-range'], `bytes 4-11/${bytes.length}`);
      assert.ok(part.rawPayload.equals(bytes.subarray(4, 12)));
      const bad = await admin.request('GET', `/api/files/${video.id}/content`, undefined, {
        range: 'bytes=99999999-',
      });
      assert.equal(bad.statusCode, 416);
      assert.equal(bad.json<ErrorBody>().error.code, 'range_not_satisfiable');
      expectError(await plain.request('GET', `/api/files/${video.id}/content`), 403);
    });

    it('refuses anonymous (401) and user-group (403) callers before reading the body', async () => {
      const anon = new Browser(app());
      await anon.session();
      const bytes = readFileSync(join(DEMO, 'demo_t1.mp4'));
      expectError(await upload(anon, 'up1', 't1.mp4', bytes), 401);
      expectError(await upload(plain, 'up1', 't1.mp4', bytes), 403);
      for (const [method, url] of [
        ['POST', `/api/files/${video.id}/index`],
        ['DELETE', `/api/files/${video.id}`],
      ] as const) {
        expectError(await anon.request(method, url), 401);
        expectError(await plain.request(method, url), 403);
      }
      assert.equal((await anon.request('GET', `/api/files/${video.id}`)).statusCode, 200);
    });

    it('lets an upload token upload but not delete or re-index', async () => {
      const created = await admin.request('POST', '/api/tokens', { kind: 'upload', description: 'test' });
      assert.equal(created.statusCode, 201, created.body);
      const token = created.json<{ token: string }>().token;
      const res = await upload(token, 'up1', 'demo_t1.mp4', readFileSync(join(DEMO, 'demo_t1.mp4')));
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json<MediaFile>().id;
      for (const [method, url] of [
        ['DELETE', `/api/files/${id}`],
        ['POST', `/api/files/${id}/index`],
        ['DELETE', '/api/streams/up1'],
      ] as const) {
        const denied = await app().inject({ method, url, headers: { authorization: `Bearer ${token}` } });
        expectError(denied, 403);
      }
    });

    it('edits track id and language by rewriting the file (§5.6), checking first', async () => {
      const files = (await admin.request('GET', '/api/streams/up1/files')).json<MediaFile[]>();
      const v3 = files.find((f) => f.name === 'demo_v3')!;
      const t1 = files.find((f) => f.name === 'demo_t1')!;
      let res = await admin.request('POST', `/api/files/${v3.id}/check`, {
        trackId: t1.trackId,
        language: 'en GB',
      });
      assert.equal(res.statusCode, 200, res.body);
      const { errors } = res.json<{ errors: { trackId?: string; language?: string } }>();
      assert.match(errors.trackId ?? '', /demo_t1/);
      assert.match(errors.language ?? '', /BCP-47/);
      res = await admin.request('POST', `/api/files/${v3.id}/check`, { trackId: 7, language: 'en-GB' });
      assert.deepEqual(res.json(), { errors: {} });
      expectError(
        await admin.request('PATCH', `/api/files/${v3.id}`, { language: 'en GB' }),
        400,
        'language',
      );
      expectError(
        await admin.request('PATCH', `/api/files/${v3.id}`, { trackId: t1.trackId }),
        409,
        'trackId',
      );
      expectError(await admin.request('PATCH', `/api/files/${v3.id}`, { trackId: 0 }), 400, 'trackId');
      expectError(await admin.request('PATCH', `/api/files/${v3.id}`, {}), 400, 'trackId');
      expectError(await plain.request('PATCH', `/api/files/${v3.id}`, { trackId: 7 }), 403);

      res = await admin.request('PATCH', `/api/files/${v3.id}`, { trackId: 7, language: 'en-GB' });
      assert.equal(res.statusCode, 200, res.body);
      const edited = res.json<MediaFile & { language: string | null }>();
      assert.equal(edited.id, v3.id);
      assert.equal(edited.trackId, 7);
      assert.equal(edited.language, 'en-GB');
      assert.equal(edited.indexState, 'indexed');
      assert.equal(edited.numSegments, v3.numSegments);
      assert.notEqual(edited.sha256, v3.sha256);
      type Node = { type: string; fields: Record<string, unknown>; children?: Node[] };
      const find = (nodes: Node[], type: string): Node | undefined => {
        for (const n of nodes) {
          if (n.type === type) return n;
          const hit = find(n.children ?? [], type);
          if (hit) return hit;
        }
        return undefined;
      };
      const init = (await admin.request('GET', `/api/files/${v3.id}/segments/0/boxes`)).json<Node[]>();
      assert.equal(find(init, 'tkhd')?.fields.trackId, 7);
      assert.equal(find(init, 'trex')?.fields.trackId, 7);
      assert.equal(find(init, 'mdhd')?.fields.languageCode, 'eng');
      assert.equal(find(init, 'elng')?.fields.extendedLanguage, 'en-GB');
      assert.ok(Number(find(init, 'mvhd')?.fields.nextTrackId) >= 8);
      const seg = (await admin.request('GET', `/api/files/${v3.id}/segments/5/boxes`)).json<Node[]>();
      assert.equal(find(seg, 'tfhd')?.fields.trackId, 7);
      // A bare primary language drops the elng box again.
      res = await admin.request('PATCH', `/api/files/${v3.id}`, { language: 'fr' });
      assert.equal(res.json<{ language: string | null }>().language, 'fra');
      const again = (await admin.request('GET', `/api/files/${v3.id}/segments/0/boxes`)).json<Node[]>();
      assert.equal(find(again, 'elng'), undefined);
      const mpd = await app().inject({ url: '/dash/vod/up1/hand_made.mpd' });
      assert.equal(mpd.statusCode, 200);
    });

    it('rebuilds indexes older than the indexer in the background (§2.2)', async () => {
      const { reindexOutdated } = await import('../../packages/server/src/media/reindex-outdated.js');
      await db().updateTable('media_files').set({ index_version: 0 }).where('id', '=', video.id).execute();
      const deps = { db: db(), blobs: server.server.context.blobs };
      assert.equal(await reindexOutdated(deps), 1);
      const row = await db()
        .selectFrom('media_files')
        .select('index_version')
        .where('id', '=', video.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.index_version! >= 1);
      assert.equal(await reindexOutdated(deps), 0);
    });

    it('deletes a file: the timing reference is cleared and the blob removed', async () => {
      const before = await db()
        .selectFrom('blobs')
        .innerJoin('media_files', 'media_files.blob_id', 'blobs.id')
        .select('store_key')
        .where('media_files.id', '=', video.id)
        .executeTakeFirstOrThrow();
      assert.equal((await admin.request('DELETE', `/api/files/${video.id}`)).statusCode, 204);
      expectError(await admin.request('GET', `/api/files/${video.id}`), 404);
      expectError(await admin.request('DELETE', `/api/files/${video.id}`), 404);
      assert.equal(await server.server.context.blobs.stat(before.store_key), null);
      const stream = (await admin.request('GET', '/api/streams/up1')).json<{ timingReference: unknown }>();
      assert.equal(stream.timingReference, null);
    });
  });
}
