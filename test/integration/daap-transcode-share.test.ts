/**
 * Transcoding in loopcast's own share (daap.md §9.4, §11.1): with a watched music folder holding
 * a FLAC file made with ffmpeg here, the server's DAAP share (mDNS off) lists the folder's FLAC as
 * WAV to an iTunes request shape and streams PCM WAV ffprobe reads with the right duration, while
 * the demo MP3s stay as stored; a Rhythmbox shape lists and gets the FLAC bytes.
 *
 * Needs Debian's `ffmpeg` (ffmpeg and ffprobe): skipped locally without it, a failure with CI=true.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { child, children, DaapClient, type DmapNode } from '@loopcast/daap';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { freePort } from '../support/ports.js';
import { requireTool } from '../support/tools.js';

const ITUNES = {
  'User-Agent': 'iTunes/12.12.10 (Macintosh; OS X 13.4) AppleWebKit/615.2.9.11.7',
  'Client-DAAP-Version': '3.13',
  'Accept-Encoding': 'gzip',
};
const RHYTHMBOX = { 'User-Agent': 'Rhythmbox/3.4.7', 'Client-DAAP-Version': '3.0' };

type Row = Record<string, unknown>;

const cleanup: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function listing(client: DaapClient): Promise<{ sid: number; rows: Row[] }> {
  const sid = Number(child((await client.request('/login')).root!, 'mlid')!.value);
  const r = await client.request(`/databases/1/items?session-id=${sid}&type=music&meta=all`);
  const rows = children(child(r.root!, 'mlcl')!, 'mlit').map((n) =>
    Object.fromEntries((n.value as DmapNode[]).map((c) => [c.code, c.value])),
  );
  return { sid, rows };
}

describe('transcoding in loopcast’s music share', { timeout: 90_000 }, () => {
  it('lists the folder’s FLAC as WAV to iTunes and streams WAV; Rhythmbox gets the FLAC', async (t) => {
    if (!requireTool(t, 'ffmpeg', 'ffmpeg') || !requireTool(t, 'ffprobe', 'ffmpeg')) return;
    const folder = mkdtempSync(join(tmpdir(), 'loopcast-musicdir-transcode-'));
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    const flacPath = join(folder, 'tone.flac');
    execFileSync('ffmpeg', [
      ...['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', 'sine=frequency=523:duration=2.5:sample_rate=44100', '-ac', '2'],
      ...['-metadata', 'TITLE=Folder Tone', '-metadata', 'ARTIST=Test Tones', '-c:a', 'flac', flacPath],
    ]);
    const flac = readFileSync(flacPath);
    const daapPort = await freePort();
    const server: TestServer = await startTestServer({
      env: {
        LOOPCAST_DAAP: 'on',
        LOOPCAST_DAAP_PORT: String(daapPort),
        LOOPCAST_MUSIC_DIR: folder,
        LOOPCAST_DAAP_TRANSCODE: 'auto',
      },
    });
    cleanup.push(() => server.stop());

    const itunes = new DaapClient('127.0.0.1', daapPort, ITUNES);
    const a = await listing(itunes);
    const tone = a.rows.find((r) => r.minm === 'Folder Tone');
    assert.ok(tone, `the folder's FLAC is shared: ${a.rows.map((r) => String(r.minm)).join(', ')}`);
    assert.equal(tone.asfm, 'wav');
    assert.equal(tone.ascd, 'wav ');
    assert.equal(tone.asdt, 'WAV audio file');
    const mp3 = a.rows.find((r) => r.ascd === 'mpeg');
    assert.ok(mp3, 'demo MP3s are listed');
    assert.equal(mp3.asfm, 'mp3', 'what iTunes plays is listed as stored');

    const wav = await itunes.request(`/databases/1/items/${String(tone.miid)}.wav?session-id=${a.sid}`, {
      headers: { Range: 'bytes=0-' },
      timeoutMs: 30_000,
    });
    assert.equal(wav.status, 200);
    assert.equal(wav.headers['content-type'], 'audio/wav');
    assert.equal(wav.headers['content-length'], undefined);
    assert.equal(wav.body.length, tone.assz);
    const out = join(folder, '..', `${folder.split('/').at(-1)}-out.wav`);
    cleanup.push(() => rmSync(out, { force: true }));
    writeFileSync(out, wav.body);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=codec_name:format=format_name,duration', '-of', 'json', out],
        { encoding: 'utf8' },
      ),
    ) as { streams: { codec_name: string }[]; format: { format_name: string; duration: string } };
    assert.equal(probe.format.format_name, 'wav');
    assert.equal(probe.streams[0]?.codec_name, 'pcm_s16le');
    assert.ok(Math.abs(Number(probe.format.duration) - 2.5) < 0.05, `duration ${probe.format.duration}`);

    const rhythmbox = new DaapClient('127.0.0.1', daapPort, RHYTHMBOX);
    const b = await listing(rhythmbox);
    const raw = b.rows.find((r) => r.minm === 'Folder Tone')!;
    assert.equal(raw.asfm, 'flac');
    assert.equal(raw.ascd, 'flac');
    const bytes = await rhythmbox.request(`/databases/1/items/${String(raw.miid)}.flac?session-id=${b.sid}`);
    assert.equal(bytes.status, 200);
    assert.equal(bytes.headers['content-length'], String(flac.length));
    const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    assert.equal(sha(bytes.body), sha(flac));
  });
});
