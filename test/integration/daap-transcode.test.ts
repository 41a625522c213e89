/**
 * Transcoding for Apple clients, end to end (daap.md §9.4, §11.1): `loopcast daap serve` (mDNS
 * off) shares a folder holding a FLAC and an Ogg Vorbis file made with ffmpeg here. An iTunes
 * request shape lists them as WAV (`asfm` wav, `ascd` "wav ") and streams bytes ffprobe reads as
 * PCM WAV of the right duration; Rhythmbox shapes (its own User-Agent, and libdmapsharing's fixed
 * iTunes 4.6 one) list and get the FLAC bytes unchanged. At most two ffmpeg processes run at once
 * (a third request waits), a client that disconnects leaves no ffmpeg behind, and
 * LOOPCAST_DAAP_TRANSCODE=off shares no FLAC or Ogg at all.
 *
 * Needs Debian's `ffmpeg` (ffmpeg and ffprobe): skipped locally without it, a failure with CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  child,
  children,
  DaapClient,
  MediaBusyError,
  type DmapNode,
  type Item,
  type MediaContext,
} from '@loopcast/daap';
import { FfmpegTranscoder } from '../../packages/server/src/music/transcoder.js';
import {
  buildClient,
  haveLibdmapsharing,
  killGroup,
  readLines,
  spawnGroup,
  waitExit,
} from '../support/daap/tools.js';
import { daapServeArgv } from '../support/daap-serve.js';
import { freePort } from '../support/ports.js';
import { hasCommand, requireTool } from '../support/tools.js';

const ITUNES = {
  'User-Agent': 'iTunes/12.12.10 (Macintosh; OS X 13.4) AppleWebKit/615.2.9.11.7',
  'Client-DAAP-Version': '3.13',
  'Client-iTunes-Sharing-Version': '3.12',
  'Accept-Encoding': 'gzip',
};
const RHYTHMBOX = { 'User-Agent': 'Rhythmbox/3.4.7', 'Accept-Encoding': 'gzip, deflate' };
/** What libdmapsharing 2.9.41 sends (daap.md §7.4). */
const LIBDMAPSHARING = {
  'User-Agent': 'iTunes/4.6 (Windows; N)',
  'Client-DAAP-Version': '3.0',
  'Client-DAAP-Access-Index': '2',
  'Accept-Encoding': 'gzip, deflate',
  'Cache-Control': 'no-cache',
  'Accept-Language': 'en-us, en;q=5.0',
};

const FFMPEG_OK = hasCommand('ffmpeg') && hasCommand('ffprobe');

function needFfmpeg(t: TestContext): boolean {
  return requireTool(t, 'ffmpeg', 'ffmpeg') && requireTool(t, 'ffprobe', 'ffmpeg');
}

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function ffprobe(path: string): {
  format: string;
  codec: string;
  channels: number;
  rate: number;
  duration: number;
} {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name,channels,sample_rate:format=format_name,duration',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(out) as {
    streams: { codec_name: string; channels: number; sample_rate: string }[];
    format: { format_name: string; duration: string };
  };
  const s = j.streams[0]!;
  return {
    format: j.format.format_name,
    codec: s.codec_name,
    channels: s.channels,
    rate: Number(s.sample_rate),
    duration: Number(j.format.duration),
  };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const started: ChildProcess[] = [];
const roots: string[] = [];
after(() => {
  for (const p of started) killGroup(p, 'SIGKILL');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Served {
  proc: ChildProcess;
  port: number;
  output(): { out: string; err: string };
}

async function serve(library: string, data: string, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const port = await freePort();
  const proc = spawn(process.execPath, daapServeArgv(library, data, port, ['--no-watch']), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  started.push(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; i < 300 && !out.includes('sharing'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /sharing "/, `no start line; stderr: ${err}`);
  return { proc, port, output: () => ({ out, err }) };
}

async function stop(s: Served): Promise<void> {
  s.proc.kill('SIGTERM');
  assert.equal(await waitExit(s.proc, 10_000), 0);
}

type Row = Record<string, unknown>;

function rows(root: DmapNode | undefined): Row[] {
  const list = root ? child(root, 'mlcl') : undefined;
  return list
    ? children(list, 'mlit').map((n) =>
        Object.fromEntries((n.value as DmapNode[]).map((c) => [c.code, c.value])),
      )
    : [];
}

async function session(client: DaapClient): Promise<{ sid: number; rev: number }> {
  const login = await client.request('/login');
  const sid = Number(child(login.root!, 'mlid')!.value);
  const upd = await client.request(`/update?session-id=${sid}&revision-number=1&delta=0`);
  return { sid, rev: Number(child(upd.root!, 'musr')!.value) };
}

/** Listing as iTunes 12 asks for it (daap.md §7.2): meta=all. */
async function items(client: DaapClient, s: { sid: number; rev: number }): Promise<Map<string, Row>> {
  const r = await client.request(
    `/databases/1/items?session-id=${s.sid}&revision-number=${s.rev}&delta=0&type=music&meta=all`,
  );
  assert.equal(r.status, 200);
  return new Map(rows(r.root).map((x) => [x.minm as string, x]));
}

/** The ffmpeg processes whose parent is `pid`, from /proc. */
function ffmpegChildren(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid] = stat.slice(close + 2).split(' ');
    if (comm === 'ffmpeg' && Number(ppid) === pid && state !== 'Z') out.push(Number(name));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !ok(); waited += 25) {
    if (waited >= ms) assert.fail(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A play request that is not read: resolves with the response once its headers arrive. */
function open(port: number, path: string, headers: Record<string, string>) {
  let res: IncomingMessage | undefined;
  const req = request({ host: '127.0.0.1', port, path, headers, agent: false });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (r) => {
      res = r;
      r.pause();
      resolve(r);
    });
    req.on('error', (e) => (res ? undefined : reject(e)));
  });
  req.end();
  return {
    response,
    get answered() {
      return res !== undefined;
    },
    close: () => {
      req.destroy();
      res?.destroy();
    },
  };
}

describe('DAAP transcoding for Apple clients (loopcast daap serve)', { timeout: 120_000 }, () => {
  let root = '';
  let library = '';
  let server: Served | undefined;
  const files: Record<string, { path: string; bytes: Buffer; seconds: number }> = {};

  before(async () => {
    if (!FFMPEG_OK) return;
    root = mkdtempSync(join(tmpdir(), 'loopcast-daap-transcode-'));
    roots.push(root);
    library = join(root, 'Music');
    mkdirSync(join(library, 'Long'), { recursive: true });
    const sine = (freq: number, seconds: number, rate: number) => [
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${freq}:duration=${seconds}:sample_rate=${rate}`,
      '-ac',
      '2',
    ];
    const tags = (title: string, track: number) => [
      ...['-metadata', `TITLE=${title}`, '-metadata', 'ARTIST=Test Tones', '-metadata', 'ALBUM=Transcodes'],
      ...['-metadata', `TRACKNUMBER=${track}`, '-metadata', 'DATE=2024'],
    ];
    const flac = join(library, 'sine.flac');
    ffmpeg(...sine(440, 4, 44_100), ...tags('Flac Sine', 1), '-c:a', 'flac', flac);
    const ogg = join(library, 'sine.ogg');
    ffmpeg(...sine(330, 3, 48_000), ...tags('Ogg Sine', 2), '-c:a', 'libvorbis', '-q:a', '3', ogg);
    // Long enough that its WAV (21 MB) cannot sit in socket buffers: ffmpeg is still running
    // when a client stops reading.
    for (const n of [1, 2, 3]) {
      const path = join(library, 'Long', `long-${n}.flac`);
      ffmpeg(...sine(200 + n * 50, 120, 44_100), ...tags(`Long ${n}`, n), '-c:a', 'flac', path);
      files[`Long ${n}`] = { path, bytes: readFileSync(path), seconds: 120 };
    }
    files['Flac Sine'] = { path: flac, bytes: readFileSync(flac), seconds: 4 };
    files['Ogg Sine'] = { path: ogg, bytes: readFileSync(ogg), seconds: 3 };
    writeFileSync(join(library, 'notes.txt'), 'not audio');
    server = await serve(library, join(root, 'data'));
  });

  after(async () => {
    if (server) await stop(server);
  });

  it('an iTunes shape lists FLAC and Ogg as WAV and streams PCM WAV of the right duration', async (t) => {
    if (!needFfmpeg(t)) return;
    const client = new DaapClient('127.0.0.1', server!.port, ITUNES);
    const s = await session(client);
    const listed = await items(client, s);
    for (const name of ['Flac Sine', 'Ogg Sine']) {
      const it = listed.get(name);
      assert.ok(it, `${name} is shared`);
      assert.equal(it.asfm, 'wav', name);
      assert.equal(it.ascd, 'wav ', `${name}: ascd with its trailing space`);
      assert.equal(it.asdt, 'WAV audio file', name);
      assert.equal(it.asar, 'Test Tones', `${name}: tags still come from the file`);
      const rate = name === 'Ogg Sine' ? 48_000 : 44_100;
      assert.equal(it.asbr, Math.round((rate * 4 * 8) / 1000), `${name}: 16-bit stereo PCM`);
      // iTunes seeks with a Range; a transcode is answered 200 from the start, without a length.
      const r = await client.request(`/databases/1/items/${String(it.miid)}.wav?session-id=${s.sid}`, {
        headers: { Range: 'bytes=0-' },
        timeoutMs: 30_000,
      });
      assert.equal(r.status, 200, name);
      assert.equal(r.headers['content-type'], 'audio/wav');
      assert.equal(r.headers['content-length'], undefined, `${name}: no Content-Length`);
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      assert.equal(r.body.length, it.assz, `${name}: the stream is exactly the listed size`);
      const wav = join(root, `${name}.wav`);
      writeFileSync(wav, r.body);
      const probe = ffprobe(wav);
      assert.equal(probe.format, 'wav', name);
      assert.equal(probe.codec, 'pcm_s16le', name);
      assert.equal(probe.channels, 2, name);
      assert.equal(probe.rate, rate, name);
      assert.ok(
        Math.abs(probe.duration - files[name]!.seconds) < 0.05,
        `${name}: duration ${probe.duration}`,
      );
      assert.ok(
        r.body.subarray(44).some((b) => b !== 0),
        `${name}: not silence`,
      );
    }
    // An Apple client that plays FLAC says so with Accept-Codecs, and gets the FLAC.
    const flac = listed.get('Flac Sine')!;
    const asked = await client.request(`/databases/1/items/${String(flac.miid)}.flac?session-id=${s.sid}`, {
      headers: { 'Accept-Codecs': 'mpeg,mp4a,alac,flac' },
    });
    assert.equal(sha(asked.body), sha(files['Flac Sine']!.bytes));
  });

  for (const [shape, headers] of [
    ['Rhythmbox', RHYTHMBOX],
    ['libdmapsharing', LIBDMAPSHARING],
  ] as const) {
    it(`a ${shape} shape lists FLAC and gets the FLAC bytes unchanged`, async (t) => {
      if (!needFfmpeg(t)) return;
      const client = new DaapClient('127.0.0.1', server!.port, headers);
      const s = await session(client);
      const listed = await items(client, s);
      const it = listed.get('Flac Sine')!;
      assert.equal(it.asfm, 'flac');
      assert.equal(it.ascd, 'flac');
      assert.equal(it.assz, files['Flac Sine']!.bytes.length);
      assert.equal(listed.get('Ogg Sine')!.asfm, 'ogg');
      const url = `/databases/1/items/${String(it.miid)}.flac?session-id=${s.sid}`;
      const full = await client.request(url);
      assert.equal(full.status, 200);
      assert.equal(full.headers['content-length'], String(files['Flac Sine']!.bytes.length));
      assert.equal(sha(full.body), sha(files['Flac Sine']!.bytes));
      const tail = await client.request(url, { headers: { Range: 'bytes=1000-' } });
      assert.equal(tail.status, 206);
      assert.equal(sha(tail.body), sha(files['Flac Sine']!.bytes.subarray(1000)));
    });
  }

  it('the real libdmapsharing client lists the FLAC as flac', async (t) => {
    if (!needFfmpeg(t)) return;
    if (!haveLibdmapsharing()) {
      const msg = 'missing tool: install the Debian packages libdmapsharing-3.0-dev, gcc and pkg-config';
      if (process.env.CI === 'true') throw new Error(msg);
      t.skip(msg);
      return;
    }
    const built = buildClient();
    try {
      const proc = spawnGroup(built.bin, ['127.0.0.1', String(server!.port)]);
      started.push(proc);
      const lines = await readLines(proc, (l) => l === 'LISTED', 30_000);
      const songs = lines.filter((l) => l.startsWith('SONG\t')).map((l) => l.split('\t'));
      const flac = songs.find((s) => s[2] === 'Flac Sine');
      assert.ok(flac, lines.join('\n'));
      assert.equal(flac[5], 'flac');
      assert.equal(songs.find((s) => s[2] === 'Ogg Sine')?.[5], 'ogg');
      proc.stdin?.end();
      await waitExit(proc, 10_000);
    } finally {
      rmSync(built.dir, { recursive: true, force: true });
    }
  });

  it('two transcodes at once: a third request waits; a disconnect ends its ffmpeg', async (t) => {
    if (!needFfmpeg(t)) return;
    const pid = server!.proc.pid!;
    const client = new DaapClient('127.0.0.1', server!.port, ITUNES);
    const s = await session(client);
    const listed = await items(client, s);
    const url = (n: number) =>
      `/databases/1/items/${String(listed.get(`Long ${n}`)!.miid)}.wav?session-id=${s.sid}`;
    const { 'Accept-Encoding': _gzip, ...headers } = ITUNES;

    const first = open(server!.port, url(1), headers);
    const r1 = await first.response;
    assert.equal(r1.statusCode, 200);
    assert.equal(r1.headers['content-length'], undefined);
    // Read a little, then stop reading: ffmpeg blocks on its pipe but stays alive.
    const chunk = await new Promise<Buffer>((resolve) => {
      r1.once('data', resolve);
      r1.resume();
    });
    r1.pause();
    assert.equal(chunk.subarray(0, 4).toString('latin1'), 'RIFF');
    await until('one ffmpeg', () => ffmpegChildren(pid).length === 1);
    const [firstPid] = ffmpegChildren(pid);

    const second = open(server!.port, url(2), headers);
    assert.equal((await second.response).statusCode, 200);
    await until('two ffmpeg', () => ffmpegChildren(pid).length === 2);
    const third = open(server!.port, url(3), headers);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(third.answered, false, 'the third transcode waits for a slot');
    assert.equal(ffmpegChildren(pid).length, 2, 'never more than two ffmpeg processes');

    // The first client goes away mid-stream: its ffmpeg ends, and the waiting request starts.
    first.close();
    await until(`ffmpeg ${firstPid} gone after the disconnect`, () => !alive(firstPid!));
    const r3 = await third.response;
    assert.equal(r3.statusCode, 200);
    await until('the third ffmpeg running', () => ffmpegChildren(pid).length === 2);
    assert.ok(!ffmpegChildren(pid).includes(firstPid!));

    second.close();
    third.close();
    await until('no ffmpeg left', () => ffmpegChildren(pid).length === 0);
  });

  it('LOOPCAST_DAAP_TRANSCODE=off shares no FLAC or Ogg', async (t) => {
    if (!needFfmpeg(t)) return;
    const off = await serve(library, join(root, 'data-off'), { LOOPCAST_DAAP_TRANSCODE: 'off' });
    try {
      const client = new DaapClient('127.0.0.1', off.port, ITUNES);
      const listed = await items(client, await session(client));
      assert.equal(listed.size, 0, [...listed.keys()].join(', '));
    } finally {
      await stop(off);
    }
    assert.ok(existsSync(join(root, 'data-off', 'daap-library.json')));
  });
});

describe('FfmpegTranscoder on its own', { timeout: 60_000 }, () => {
  const item = (id: number, source: string): Item => ({
    id,
    name: `t${id}`,
    codec: 'flac',
    durationMs: 1000,
    sampleRate: 44_100,
    source,
  });
  const ctx = (it: Item, signal?: AbortSignal): MediaContext => ({
    session: undefined,
    database: undefined as never,
    item: it,
    headers: {},
    codecs: new Set(['wav', 'mpeg']),
    ...(signal ? { signal } : {}),
  });

  it('a third request waits, then gets MediaBusyError (503); a client leaving stops its wait', async () => {
    const tc = new FfmpegTranscoder({ queueTimeoutMs: 300, retryAfterSeconds: 9 });
    const a = await tc.transcode(ctx(item(1, '/nonexistent/a.flac')));
    const b = await tc.transcode(ctx(item(2, '/nonexistent/b.flac')));
    assert.ok(a && b);
    assert.equal(tc.running, 2);
    const t0 = Date.now();
    await assert.rejects(tc.transcode(ctx(item(3, '/nonexistent/c.flac'))), (e: unknown) => {
      assert.ok(e instanceof MediaBusyError);
      assert.equal(e.retryAfterSeconds, 9);
      return true;
    });
    assert.ok(Date.now() - t0 >= 250, 'it waited for a slot first');
    const gone = new AbortController();
    const waiting = tc.transcode(ctx(item(4, '/nonexistent/d.flac'), gone.signal));
    gone.abort();
    await assert.rejects(waiting, MediaBusyError);
    // A source that is never opened (HEAD) gives its slot back on close(); a waiter gets it.
    const next = tc.transcode(ctx(item(5, '/nonexistent/e.flac')));
    a.close?.();
    assert.ok(await next);
    assert.equal(tc.running, 2);
    b.close?.();
    (await next)!.close?.();
    assert.equal(tc.running, 0);
    // Not for this transcoder: codecs the client plays, or items outside the folder.
    assert.equal(await tc.transcode({ ...ctx(item(6, '/x.flac')), codecs: new Set(['mpeg']) }), undefined);
    assert.equal(await tc.transcode(ctx({ ...item(7, '/x.mp3'), codec: 'mpeg' })), undefined);
    assert.equal(await tc.transcode(ctx({ ...item(8, '/x.flac'), source: undefined })), undefined);
  });

  it('a file ffmpeg cannot decode ends the stream with an error, not with silence', async (t) => {
    if (!needFfmpeg(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-transcode-bad-'));
    roots.push(dir);
    const bad = join(dir, 'bad.flac');
    writeFileSync(bad, Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(4096, 0x5a)]));
    const tc = new FfmpegTranscoder();
    const src = await tc.transcode(ctx(item(1, bad)));
    assert.ok(src);
    const chunks: Buffer[] = [];
    await assert.rejects(async () => {
      for await (const c of src.open(0) as AsyncIterable<Buffer>) chunks.push(c);
    }, /ffmpeg ended with code/);
    src.close?.();
    await until('slot freed', () => tc.running === 0);
    assert.ok(Buffer.concat(chunks).length < 44 + 176_400, 'no padded second of silence');
  });
});
