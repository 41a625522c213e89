/**
 * `loopcast upload` and `loopcast download` against running servers (app.md §10.3–§10.5): a v2
 * description installs a key, a stream, its files, timing reference and defaults; a second run
 * finds the files present; --dry-run changes nothing; missing files and a non-media account exit
 * 1; an upload token installs a v1 description; download backs everything up (resuming a `.part`
 * with a Range, skipping verified files) and its downloaded.json restores the backup elsewhere.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { Browser } from '../../packages/server/test/unit/auth-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { REPO_ROOT } from '../support/paths.js';

const PASSWORD = 'admin-password-1';
const DEMO = join(REPO_ROOT, 'packages', 'server', 'demo', 'media');
const KID = '1ab45440532c439994dc5c5ad9584bac';
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

interface Stream {
  title: string;
  timingReference: { name: string } | null;
  defaults: Record<string, unknown>;
  files: { fileName: string; sha256: string }[];
}

describe('loopcast upload and download', { timeout: 60_000 }, () => {
  let server: TestServer;
  let admin: Browser;
  let work: string;
  const auth = () => ['--host', server.origin, '--user', 'admin', '--password', PASSWORD];
  const stream = async (t: TestServer, dir: string) =>
    (await t.server.app.inject({ url: `/api/streams/${dir}` })).json<Stream>();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'loopcast-cli-upload-'));
    server = await startTestServer({
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
    admin = new Browser(server.server.app);
    assert.equal((await admin.login('admin', PASSWORD)).statusCode, 200);
    writeFileSync(
      join(work, 'v2.json'),
      JSON.stringify({
        keys: [{ kid: KID, computed: true }],
        streams: [
          {
            directory: 'cli1',
            title: 'From the CLI',
            files: [join(DEMO, 'demo_v3.mp4'), join(DEMO, 'demo_a1.mp4')],
            timing_ref: 'demo_v3.mp4',
            defaults: { timeShiftBufferDepth: 60 },
            colour: 'ignored with a warning',
          },
        ],
      }),
    );
  });
  after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs a v2 description, then finds its files present', async () => {
    const first = await runCli(['upload', ...auth(), join(work, 'v2.json')]);
    assert.equal(first.code, 0, first.out + first.err);
    assert.match(first.err, /unknown property colour ignored/);
    assert.match(
      first.out,
      /2 files uploaded \(\d+ bytes\), 0 already present, 1 keys created, 1 streams created/,
    );
    const s = await stream(server, 'cli1');
    assert.equal(s.title, 'From the CLI');
    assert.equal(s.timingReference?.name, 'demo_v3');
    assert.deepEqual(s.defaults, { timeShiftBufferDepth: 60 });
    assert.equal(s.files.find((f) => f.fileName === 'demo_a1.mp4')?.sha256, sha(join(DEMO, 'demo_a1.mp4')));
    const key = (await admin.request('GET', `/api/keys/${KID}`)).json<{ computed: boolean }>();
    assert.equal(key.computed, true);

    const again = await runCli(['upload', ...auth(), join(work, 'v2.json')]);
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(
      again.out,
      /0 files uploaded \(0 bytes\), 2 already present, 0 keys created, 0 streams created, 0 updated/,
    );
  });

  it('changes nothing with --dry-run; refuses missing files and accounts without the media permission', async () => {
    writeFileSync(
      join(work, 'dry.json'),
      JSON.stringify({ streams: [{ directory: 'dry1', title: 'Dry', files: [join(DEMO, 'demo_t1.mp4')] }] }),
    );
    const dry = await runCli(['upload', ...auth(), '--dry-run', join(work, 'dry.json')]);
    assert.equal(dry.code, 0, dry.out + dry.err);
    assert.match(dry.out, /Would create stream dry1/);
    assert.match(dry.out, /Would upload dry1\/demo_t1\.mp4/);
    assert.equal((await server.server.app.inject({ url: '/api/streams/dry1' })).statusCode, 404);

    writeFileSync(
      join(work, 'missing.json'),
      JSON.stringify({ streams: [{ directory: 'mis1', title: 'x', files: ['nope.mp4'] }] }),
    );
    const missing = await runCli(['upload', ...auth(), join(work, 'missing.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Missing files:\n.*nope\.mp4/);

    const res = await admin.request('POST', '/api/users', {
      username: 'viewer',
      password: PASSWORD,
      groups: ['user'],
      mustChange: false,
    });
    assert.equal(res.statusCode, 201, res.body);
    const viewer = await runCli([
      'upload',
      '--host',
      server.origin,
      '--user',
      'viewer',
      '--password',
      PASSWORD,
      join(work, 'dry.json'),
    ]);
    assert.equal(viewer.code, 1);
    assert.match(viewer.err, /lacks the media permission/);
    const wrong = await runCli([
      'upload',
      '--host',
      server.origin,
      '--user',
      'admin',
      '--password',
      'nope',
      join(work, 'dry.json'),
    ]);
    assert.equal(wrong.code, 1);
    const usage = await runCli(['upload', join(work, 'dry.json')]);
    assert.equal(usage.code, 2);
  });

  let token = '';

  it('installs a v1 description with an upload token', async () => {
    const created = await admin.request('POST', '/api/tokens', { kind: 'upload', description: 'cli test' });
    assert.equal(created.statusCode, 201, created.body);
    token = created.json<{ token: string }>().token;
    writeFileSync(
      join(work, 'v1.json'),
      JSON.stringify({
        streams: [{ prefix: 'demo', title: 'v1 stream' }],
        files: [join(DEMO, 'demo_t1.mp4')],
      }),
    );
    // The prefix names the demo stream, which exists: its title is updated and the file added.
    const r = await runCli(['upload', '--host', server.origin, '--token', token, join(work, 'v1.json')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /0 files uploaded.*1 already present.*1 updated/);
    assert.equal((await stream(server, 'demo')).title, 'v1 stream');
  });

  it('downloads every stream, resumes a .part, skips verified files, and the backup restores elsewhere', async () => {
    const dest = join(work, 'backup');
    const first = await runCli(['download', '--host', server.origin, '--token', token, dest]);
    assert.equal(first.code, 0, first.out + first.err);
    for (const f of ['demo_v3.mp4', 'demo_a1.mp4'])
      assert.equal(sha(join(dest, 'cli1', f)), sha(join(DEMO, f)));
    const description = JSON.parse(readFileSync(join(dest, 'downloaded.json'), 'utf8')) as {
      keys: { kid: string }[];
      streams: { directory: string; timing_ref?: string; files: string[]; defaults?: unknown }[];
    };
    const cli1 = description.streams.find((s) => s.directory === 'cli1')!;
    assert.equal(cli1.timing_ref, 'demo_v3.mp4');
    assert.deepEqual(cli1.defaults, { timeShiftBufferDepth: 60 });
    assert.deepEqual(JSON.parse(readFileSync(join(dest, 'cli1.json'), 'utf8')).streams[0], cli1);
    const only = await runCli([
      'download',
      '--host',
      server.origin,
      '--token',
      token,
      '--stream',
      'cli1',
      join(work, 'one'),
    ]);
    assert.equal(only.code, 0, only.out + only.err);
    assert.match(only.out, /^1 streams backed up/m);
    const none = await runCli([
      'download',
      '--host',
      server.origin,
      '--token',
      token,
      '--stream',
      'nosuch',
      join(work, 'one'),
    ]);
    assert.equal(none.code, 1);

    // An interrupted download resumes from its .part with a Range.
    const v3 = join(dest, 'cli1', 'demo_v3.mp4');
    renameSync(v3, `${v3}.part`);
    truncateSync(`${v3}.part`, 100_000);
    const second = await runCli(['download', '--host', server.origin, '--token', token, dest]);
    assert.equal(second.code, 0, second.out + second.err);
    assert.match(second.out, /cli1\/demo_v3\.mp4: .*resumed at byte 100000/);
    assert.match(second.out, /cli1\/demo_a1\.mp4: already present/);
    assert.equal(sha(v3), sha(join(DEMO, 'demo_v3.mp4')));

    const other = await startTestServer({
      demo: false,
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
    try {
      const r = await runCli([
        'upload',
        '--host',
        other.origin,
        '--user',
        'admin',
        '--password',
        PASSWORD,
        join(dest, 'downloaded.json'),
      ]);
      assert.equal(r.code, 0, r.out + r.err);
      const restored = await stream(other, 'cli1');
      assert.equal(restored.timingReference?.name, 'demo_v3');
      assert.deepEqual(restored.defaults, { timeShiftBufferDepth: 60 });
      assert.deepEqual(
        restored.files.map((f) => f.sha256).sort(),
        (await stream(server, 'cli1')).files.map((f) => f.sha256).sort(),
      );
      assert.equal((await stream(other, 'demo')).files.length, 5);
    } finally {
      await other.stop();
    }
  });
});
