/**
 * `loopcast validate --save` (validator.md §7): captures loopcast's demo VOD stream into a folder,
 * `loopcast upload` installs the result into a second server (app.md §10.4), and the new stream's
 * manifest validates clean with the same media segments.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidationReport } from '@loopcast/dash';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const PASSWORD = 'admin-password-1';

describe('loopcast validate --save', { timeout: 60_000 }, () => {
  let source: TestServer;
  let target: TestServer;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'loopcast-validate-save-'));
    [source, target] = await Promise.all([
      startTestServer(),
      startTestServer({
        demo: false,
        env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
      }),
    ]);
  });
  after(async () => {
    await Promise.all([source.stop(), target.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('saves the demo stream, upload installs it and the copy validates clean with the same segments', async () => {
    const url = `${source.origin}/dash/vod/demo/manifest_a.mpd`;
    const out = join(work, 'out');
    const saved = await runCli([
      'validate',
      url,
      '--duration',
      '8',
      '--json',
      '--save',
      out,
      '--prefix',
      'cap',
      '--title',
      'Captured',
    ]);
    assert.equal(saved.code, 0, saved.err);
    const report = JSON.parse(saved.out) as ValidationReport;
    const ids = report.codecs.map((c) => c.representationId);
    assert.deepEqual(
      readdirSync(out).sort(),
      ['cap.json', ...ids.map((id) => `cap_${id}.mp4`)].sort(),
      'no .part file is left',
    );
    const description = JSON.parse(readFileSync(join(out, 'cap.json'), 'utf8')) as {
      streams: { directory: string; title: string; files: string[]; timing_ref: string }[];
    };
    const video = report.codecs
      .filter((c) => c.contentType === 'video')
      .sort((a, b) => (b.bandwidth ?? 0) - (a.bandwidth ?? 0))[0]!;
    assert.deepEqual(description.streams[0], {
      directory: 'cap',
      title: 'Captured',
      files: ids.map((id) => `cap_${id}.mp4`),
      timing_ref: `cap_${video.representationId}.mp4`,
    });

    const upload = await runCli([
      'upload',
      '--host',
      target.origin,
      '--user',
      'admin',
      '--password',
      PASSWORD,
      join(out, 'cap.json'),
    ]);
    assert.equal(upload.code, 0, upload.out + upload.err);

    const copy = `${target.origin}/dash/vod/cap/manifest_a.mpd`;
    const check = await runCli(['validate', copy, '--duration', '0', '--json']);
    const again = JSON.parse(check.out) as ValidationReport;
    assert.equal(check.code, 0, JSON.stringify(again.issues.filter((i) => i.severity === 'error')));
    assert.deepEqual(
      again.codecs.map((c) => [c.representationId, c.codecs]),
      report.codecs.map((c) => [`cap_${c.representationId}`, c.codecs]),
    );
    // the first video segment carries the same media samples on both servers
    const seg = async (origin: string, dir: string, id: string) =>
      Buffer.from(await (await fetch(`${origin}/dash/vod/${dir}/${id}/1.m4s`)).arrayBuffer());
    const [a, b] = await Promise.all([
      seg(source.origin, 'demo', video.representationId),
      seg(target.origin, 'cap', `cap_${video.representationId}`),
    ]);
    const mdat = (buf: Buffer) => buf.subarray(buf.indexOf('mdat') - 4);
    assert.ok(a.length > 1000 && mdat(a).equals(mdat(b)));
  });

  it('a --save path that cannot be a directory is a usage error (exit 2)', async () => {
    const file = join(work, 'plain-file');
    writeFileSync(file, 'x');
    const r = await runCli([
      'validate',
      `${source.origin}/dash/vod/demo/manifest_a.mpd`,
      '--save',
      join(file, 'sub'),
    ]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--save ".*plain-file\/sub" is not a writable directory/);
  });
});
