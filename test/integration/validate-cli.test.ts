/**
 * `loopcast validate` spawned for real (validator.md §7, §9): exit codes 0, 1, 2, 3 and 130; the
 * JSON report parses and matches the text form's counts; no progress output when stderr is not a
 * terminal; a local MPD file is read with its segments fetched over HTTP.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidationReport } from '@loopcast/dash';
import { trackChildGroup } from '../support/children.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { LOOPCAST_BIN } from '../support/paths.js';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { interruptOn?: RegExp } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOPCAST_BIN, 'validate', ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    trackChildGroup(child.pid);
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.interruptOn && !interrupted && opts.interruptOn.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

let server: TestServer;
let dir: string;
before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loopcast-validate-cli-'));
});
after(() => server.stop());

describe('loopcast validate', { timeout: 60_000 }, () => {
  it('exit 0 on a clean stream; the JSON report parses and matches the text counts; stderr stays empty off a terminal', async () => {
    const url = `${server.origin}/dash/vod/demo/manifest_a.mpd`;
    const [text, json] = await Promise.all([
      cli([url, '--duration', '4']),
      cli([url, '--duration', '4', '--json']),
    ]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(text.stderr, '', 'no progress bar or log without a terminal');
    assert.equal(json.stderr, '');
    const report = JSON.parse(json.stdout) as ValidationReport;
    assert.equal(report.reportVersion, 1);
    assert.equal(report.type, 'static');
    const s = report.summary;
    assert.match(text.stdout, new RegExp(`^${s.errors} errors, ${s.warnings} warnings`, 'm'));
    assert.match(text.stdout, new RegExp(`${s.initSegments} init and ${s.mediaSegments} media segments`));
    assert.ok(s.mediaSegments > 0 && s.initSegments === report.codecs.length);
  });

  it('exit 1 when errors are found: a local MPD file with a wrong @codecs, segments over HTTP', async () => {
    const mpd = await (await fetch(`${server.origin}/dash/vod/demo/manifest_a.mpd`)).text();
    const broken = mpd.replace(/codecs="avc[13]\.[0-9a-fA-F]{6}"/, 'codecs="avc1.42c01e"');
    assert.notEqual(broken, mpd);
    const file = join(dir, 'broken.mpd');
    writeFileSync(file, broken);
    const r = await cli([file, '--no-media', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as ValidationReport;
    assert.ok(report.issues.some((i) => i.code === 'INIT_CODECS'));
    assert.ok(report.summary.initSegments > 0);
  });

  it('exit 2 on a usage error, 3 when the manifest cannot be fetched', async () => {
    const [bad, missing, none] = await Promise.all([
      cli([`${server.origin}/dash/vod/demo/manifest_a.mpd`, '--concurrency', '99']),
      cli([`${server.origin}/dash/vod/demo/no-such-template.mpd`]),
      cli([]),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--concurrency must be an integer from 1 to 32/);
    assert.equal(none.code, 2);
    assert.equal(missing.code, 3, missing.stdout);
    assert.match(missing.stdout, /DOC_FETCH/);
  });

  it('exit 130 on SIGINT during a live run, after printing what was found', async () => {
    const started = Date.now();
    const r = await cli([`${server.origin}/dash/live/demo/hand_made.mpd`, '--duration', '60', '-v'], {
      interruptOn: /refresh 1 in/,
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /dynamic, .*\(cancelled\)/);
    assert.ok(Date.now() - started < 30_000);
  });
});
