/**
 * `loopcast drm pssh|pro` (app.md §10.1, drm-events.md §4.6, §5.1, §6.5): the §4.6 worked box in
 * base64, base64url, hex and a file; an init segment served with every system's `moov` pssh; the
 * MPD's `mspr:pro`; `--json`; bad input exits 2 with one line (checked through the real executable
 * too).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../packages/server/src/cli/io.js';
import { main } from '../../packages/server/src/cli/main.js';
import type { PsshReport } from '../../packages/server/src/cli/drm.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { LOOPCAST_BIN } from '../support/paths.js';

const WV = 'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEBq0VEBTLEOZlNxcWtlYS6xI49yVmwY=';
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;
const dir = mkdtempSync(join(tmpdir(), 'loopcast-cli-drm-'));

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const code = await main(['drm', ...argv], io);
  return { code, out: out.join('\n'), err };
}

async function fetchBytes(path: string): Promise<Buffer> {
  const res = await fetch(`${t.origin}${path}`);
  assert.equal(res.status, 200, path);
  return Buffer.from(await res.arrayBuffer());
}

describe('loopcast drm', () => {
  it('decodes the §4.6 Widevine box in every input form', async () => {
    const bytes = Buffer.from(WV, 'base64');
    const file = join(dir, 'wv.bin');
    writeFileSync(file, bytes);
    const textFile = join(dir, 'wv.txt');
    writeFileSync(textFile, `${WV}\n`);
    for (const input of [
      WV,
      bytes.toString('base64url'),
      bytes.toString('hex'),
      `0x${bytes.toString('hex')}`,
      file,
      textFile,
    ]) {
      const r = await run('pssh', input);
      assert.equal(r.code, 0, `${input}: ${r.err.join('\n')}`);
      assert.match(r.out, /^pssh box: 56 bytes, version 0, flags 0$/m);
      assert.match(r.out, /^system: widevine \(edef8ba9-79d6-4ace-a3c8-27dcd51d21ed\)$/m);
      assert.match(r.out, /^ {2}key_id: 1ab45440-532c-4399-94dc-5c5ad9584bac$/m);
      assert.match(r.out, /^ {2}protection_scheme: cenc \(1667591779\)$/m);
    }
    const json = await run('pssh', WV, '--json');
    assert.equal(json.code, 0);
    const [report] = JSON.parse(json.out) as PsshReport[];
    assert.deepEqual(report, {
      size: 56,
      version: 0,
      flags: 0,
      systemId: 'edef8ba979d64acea3c827dcd51d21ed',
      system: 'widevine',
      kids: [],
      data: 'EhAatFRAUyxDmZTcXFrZWEusSOPclZsG',
      widevine: {
        keyIds: ['1ab45440532c439994dc5c5ad9584bac'],
        protectionScheme: { value: 1667591779, fourcc: 'cenc' },
        unknown: [],
      },
    });
  });

  it('decodes every pssh of a served init segment and the MPD PlayReady Object', async () => {
    const q = `drm=clearkey-moov,playready-moov-pro,widevine-moov&enc_scheme=cbcs&${LIVE}`;
    const init = await fetchBytes(`/dash/live/demo/demo_v1/init.m4v?${q}`);
    const file = join(dir, 'init.m4v');
    writeFileSync(file, init);
    const r = await run('pssh', file, '--json');
    assert.equal(r.code, 0, r.err.join('\n'));
    const reports = JSON.parse(r.out) as PsshReport[];
    assert.deepEqual(
      reports.map((p) => p.system),
      ['common', 'playready', 'widevine'],
    );
    const [common, pr, wv] = reports as [PsshReport, PsshReport, PsshReport];
    const mpd = (await fetchBytes(`/dash/live/demo/hand_made.mpd?${q}`)).toString();
    const kid = /cenc:default_KID="([0-9a-f-]{36})"/.exec(mpd)![1]!.replace(/-/g, '');
    assert.deepEqual(common.kids, [kid]);
    assert.deepEqual(wv.widevine?.keyIds, [kid]);
    assert.equal(wv.widevine?.protectionScheme?.fourcc, 'cbcs');
    assert.match(pr.playready?.[0]?.xml ?? '', /<WRMHEADER [^>]*version="4\.\d\.0\.0"/);
    assert.equal(pr.dataError, undefined);
    const pro = /<mspr:pro>([^<]+)<\/mspr:pro>/.exec(mpd)![1]!;
    const proOut = await run('pro', pro);
    assert.equal(proOut.code, 0, proOut.err.join('\n'));
    assert.match(proOut.out, /^record type 1 \(rights-management header\):\n {2}<WRMHEADER /);
    // `pro` also takes the PlayReady pssh box and gives the same records
    const fromBox = await run('pro', Buffer.from(pr.data, 'base64').toString('base64'));
    assert.equal(fromBox.out, proOut.out);
    const text = await run('pssh', file);
    assert.match(text.out, /^system: common \(1077efec-c0b2-4d02-ace3-3c1e52e2fb4b\)\nKIDs: [0-9a-f-]{36}$/m);
  });

  it('exits 2 with one line for bad input and usage', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const cases: [string[], RegExp][] = [
      [['pssh', 'not*base64'], /neither hex nor base64/],
      [['pssh', '00000008667265650000'], /no pssh box \(boxes: free\)|not a pssh box/],
      [['pssh', 'AAAA'], /not a pssh box|no pssh box/],
      [['pssh', empty], /neither hex nor base64|not a pssh box/],
      [['pro', WV], /not a PlayReady Object/],
      [['pssh'], /exactly one INPUT/],
      [['pssh', WV, '--xml'], /unknown option --xml/],
      [['decrypt', WV], /unknown drm command/],
    ];
    for (const [argv, want] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.err.length, 1, r.err.join('\n'));
      assert.equal(r.err[0]!.split('\n').length, 1);
      assert.match(r.err[0]!, want, argv.join(' '));
      assert.equal(r.out, '');
    }
  });

  it('is listed in loopcast --help and has its own help', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (l) => out.push(l), stderr: (l) => out.push(l) };
    assert.equal(await main(['--help'], io), 0);
    assert.match(out.join('\n'), /^ {2}drm +Decode DRM data: drm pssh INPUT/m);
    const help = await run('--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /loopcast drm pssh INPUT \[--json\]/);
    assert.equal((await run()).code, 2);
  });

  it('runs through the real executable', () => {
    const good = spawnSync(process.execPath, [LOOPCAST_BIN, 'drm', 'pssh', WV], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /protection_scheme: cenc/);
    const bad = spawnSync(process.execPath, [LOOPCAST_BIN, 'drm', 'pssh', '%%'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  });
});
