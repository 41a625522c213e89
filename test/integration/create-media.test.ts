/**
 * `loopcast create-media` (app.md §11): a short test card with a custom ladder, subtitles and a
 * random KID gives clear files, encrypted twins and a v2 upload description; `loopcast upload`
 * installs it; loopcast's validator finds no error in its VOD and live MPDs; ffmpeg decrypts the
 * twins (from a pipe, with the computed test key) to the clear frames. Usage errors exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, testKeyHex, validate } from '@loopcast/dash';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { requireTool } from '../support/tools.js';
import { framemd5 } from '../support/framemd5.js';

const PASSWORD = 'admin-password-1';
const NOW = Date.UTC(2026, 0, 1, 0, 5, 0);
const LIVE = `start=2026-01-01T00:00:00Z&now=${NOW}`;
const SRT = '1\n00:00:00,500 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:05,500\nWorld\n';

interface Description {
  keys: { kid: string; computed?: boolean }[];
  streams: { directory: string; title: string; files: string[]; timing_ref: string }[];
}

describe('loopcast create-media', { timeout: 120_000 }, () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'loopcast-create-media-'));
    writeFileSync(join(work, 'subs.srt'), SRT);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('makes a test card stream that uploads, validates and decrypts', async (t) => {
    if (!requireTool(t, 'ffmpeg', 'ffmpeg') || !requireTool(t, 'ffprobe', 'ffmpeg')) return;
    const out = join(work, 'out');
    const made = await runCli([
      'create-media',
      '--testcard',
      '6',
      '--frag',
      '2',
      '--ladder',
      '320x180@150,160x90@80',
      '-p',
      'cmt',
      '-o',
      out,
      '--kid',
      'random',
      '--subtitles',
      `${join(work, 'subs.srt')}:en`,
      '--subtitles', // repeatable (app.md §11)
      `${join(work, 'subs.srt')}:fr`,
    ]);
    assert.equal(made.code, 0, made.out + made.err);
    const d = JSON.parse(readFileSync(join(out, 'cmt.json'), 'utf8')) as Description;
    const names = ['a1', 'a1_enc', 't1', 't2', 'v1', 'v1_enc', 'v2', 'v2_enc'].map((n) => `cmt_${n}.mp4`);
    assert.deepEqual(d.streams[0]?.files, names);
    assert.equal(d.streams[0]?.timing_ref, 'cmt_v1.mp4');
    assert.equal(d.streams[0]?.directory, 'cmt');
    for (const n of names) assert.ok(existsSync(join(out, n)), n);
    assert.equal(d.keys.length, 1);
    const kid = d.keys[0]!.kid;
    assert.match(kid, /^[0-9a-f]{32}$/);
    assert.equal(d.keys[0]!.computed, true);

    // the twins decrypt with the computed key to the clear frames, and not without it
    const key = testKeyHex(kid);
    for (const n of ['cmt_v1', 'cmt_a1']) {
      const want = framemd5(readFileSync(join(out, `${n}.mp4`)));
      assert.ok(want.length > 0, n);
      assert.equal(framemd5(readFileSync(join(out, `${n}_enc.mp4`)), key), want, n);
      assert.notEqual(
        framemd5(readFileSync(join(out, `${n}_enc.mp4`)), '00112233445566778899aabbccddeeff'),
        want,
        n,
      );
    }

    const server: TestServer = await startTestServer({
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
    try {
      const up = await runCli([
        'upload',
        '--host',
        server.origin,
        '--user',
        'admin',
        '--password',
        PASSWORD,
        join(out, 'cmt.json'),
      ]);
      assert.equal(up.code, 0, up.out + up.err);
      for (const [path, live] of [
        ['/dash/vod/cmt/hand_made.mpd', false],
        [`/dash/live/cmt/hand_made.mpd?${LIVE}`, true],
      ] as const) {
        const report = await validate(
          { url: `${server.origin}${path}`, duration: 4, encrypted: false, media: true, concurrency: 4 },
          createFetcher({ addressRule: false }),
          {},
          live ? () => NOW : Date.now,
        );
        const text = reportText(report);
        assert.ok(report.summary.mediaSegments > 0, text);
        assert.deepEqual(
          report.issues.filter((i) => i.severity === 'error'),
          [],
          text,
        );
      }
    } finally {
      await server.stop();
    }
  });

  it('exits 2 naming a missing -o or an unknown profile', async () => {
    const card = ['create-media', '--testcard', '6'];
    for (const [args, named] of [
      [['-p', 'cmt'], /-o OUTDIR is required/],
      [['-p', 'cmt', '-o', work, '--profile', 'huge'], /--profile "huge"/],
      [['-p', 'cm', '-o', work], /-p "cm"/],
      [['-p', 'cmt', '-o', work, '--ladder', '321x180@100'], /--ladder/],
    ] as const) {
      const r = await runCli([...card, ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, named);
    }
  });
});
