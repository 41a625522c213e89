/**
 * The committed demo content (spec app.md §11 "Demo content", dash.md §5.4), as produced by
 * `npm run demo:build`: the size budget, the fragment structure of every media file (read from
 * the boxes here, independently of the build script and of packages/bmff), what ffprobe sees,
 * full decodes counted in frames, and the tags and cover art of the demo music.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/paths.js';
import { requireTool } from '../support/tools.js';

const run = promisify(execFile);
const DEMO_DIR = path.join(REPO_ROOT, 'packages/server/demo');
const BUDGET_BYTES = 15_000_000;
const LOOP_SECONDS = 60;
const FPS = 30;

type Kind = 'video' | 'audio' | 'text';
interface ExpectedMedia {
  name: string;
  kind: Kind;
  trackId: number;
  timescale: number;
  fragmentSeconds: number;
  width?: number;
  height?: number;
}

const MEDIA: readonly ExpectedMedia[] = [
  {
    name: 'demo_v1.mp4',
    kind: 'video',
    trackId: 1,
    timescale: 300,
    fragmentSeconds: 2,
    width: 1280,
    height: 720,
  },
  {
    name: 'demo_v2.mp4',
    kind: 'video',
    trackId: 1,
    timescale: 300,
    fragmentSeconds: 2,
    width: 640,
    height: 360,
  },
  {
    name: 'demo_v3.mp4',
    kind: 'video',
    trackId: 1,
    timescale: 300,
    fragmentSeconds: 2,
    width: 320,
    height: 180,
  },
  { name: 'demo_a1.mp4', kind: 'audio', trackId: 2, timescale: 48000, fragmentSeconds: 2 },
  { name: 'demo_t1.mp4', kind: 'text', trackId: 3, timescale: 1000, fragmentSeconds: 4 },
];

const AAC_FRAME = 1024;
const mediaPath = (name: string): string => path.join(DEMO_DIR, 'media', name);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

// ---- A minimal ISO-BMFF walk: box headers, and the few fields the checks need ----

interface Box {
  type: string;
  start: number;
  /** First byte after the header. */
  body: number;
  end: number;
}

function boxesIn(buf: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to;) {
    let size = buf.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    assert.ok(size >= header && at + size <= to, `bad box size ${size} at byte ${at}`);
    boxes.push({
      type: buf.toString('latin1', at + 4, at + 8),
      start: at,
      body: at + header,
      end: at + size,
    });
    at += size;
  }
  return boxes;
}

/** Follows a path of box types from `parent` (or the file), taking the first match at each step. */
function find(buf: Buffer, parent: Box | null, ...types: string[]): Box {
  let scope = parent;
  for (const type of types) {
    const inside = scope ? boxesIn(buf, scope.body, scope.end) : boxesIn(buf, 0, buf.length);
    const next = inside.find((b) => b.type === type);
    assert.ok(next, `no ${types.join('/')} box`);
    scope = next;
  }
  return scope!;
}

/** Full boxes: version/flags come first, fields start 4 bytes later. */
const versionOf = (buf: Buffer, box: Box): number => buf[box.body]!;
const flagsOf = (buf: Buffer, box: Box): number => buf.readUInt32BE(box.body) & 0xffffff;

interface Fragment {
  /** mfhd sequence number. */
  sequence: number;
  decodeTime: number;
  duration: number;
  firstSampleIsSync: boolean;
  /** Composition offset of the first sample (0 when the trun carries none). */
  firstCompositionOffset: number;
  payload: Buffer;
}

interface TrackFacts {
  trackId: number;
  timescale: number;
  handler: string;
  hasEditList: boolean;
  fragments: Fragment[];
}

const NON_SYNC = 0x10000;

function readTrack(buf: Buffer): TrackFacts {
  const trak = find(buf, null, 'moov', 'trak');
  const tkhd = find(buf, trak, 'tkhd');
  const trackId = buf.readUInt32BE(tkhd.body + (versionOf(buf, tkhd) === 1 ? 20 : 12));
  const mdhd = find(buf, trak, 'mdia', 'mdhd');
  const timescale = buf.readUInt32BE(mdhd.body + (versionOf(buf, mdhd) === 1 ? 20 : 12));
  const hdlr = find(buf, trak, 'mdia', 'hdlr');
  const handler = buf.toString('latin1', hdlr.body + 8, hdlr.body + 12);
  const trex = find(buf, null, 'moov', 'mvex', 'trex');
  const trexDuration = buf.readUInt32BE(trex.body + 12);
  const trexFlags = buf.readUInt32BE(trex.body + 20);

  const top = boxesIn(buf, 0, buf.length);
  const fragments = top.flatMap((moof, i): Fragment[] => {
    if (moof.type !== 'moof') return [];
    const mdat = top[i + 1];
    assert.equal(mdat?.type, 'mdat', `moof at byte ${moof.start} is not followed by an mdat`);
    return [readFragment(buf, moof, mdat, trexDuration, trexFlags)];
  });
  const hasEditList = boxesIn(buf, trak.body, trak.end).some((b) => b.type === 'edts');
  return { trackId, timescale, handler, hasEditList, fragments };
}

function readFragment(buf: Buffer, moof: Box, mdat: Box, trexDuration: number, trexFlags: number): Fragment {
  const sequence = buf.readUInt32BE(find(buf, moof, 'mfhd').body + 4);
  const traf = find(buf, moof, 'traf');
  const tfhd = find(buf, traf, 'tfhd');
  const tfhdFlags = flagsOf(buf, tfhd);
  let at = tfhd.body + 8; // version/flags, track_ID
  if (tfhdFlags & 0x01) at += 8; // base_data_offset
  if (tfhdFlags & 0x02) at += 4; // sample_description_index
  const defaultDuration = tfhdFlags & 0x08 ? buf.readUInt32BE(at) : trexDuration;
  if (tfhdFlags & 0x08) at += 4;
  if (tfhdFlags & 0x10) at += 4; // default_sample_size
  const defaultFlags = tfhdFlags & 0x20 ? buf.readUInt32BE(at) : trexFlags;

  const tfdt = find(buf, traf, 'tfdt');
  const decodeTime =
    versionOf(buf, tfdt) === 1 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : buf.readUInt32BE(tfdt.body + 4);

  let duration = 0;
  let firstFlags: number | null = null;
  let firstOffset: number | null = null;
  for (const trun of boxesIn(buf, traf.body, traf.end).filter((b) => b.type === 'trun')) {
    const flags = flagsOf(buf, trun);
    const count = buf.readUInt32BE(trun.body + 4);
    let p = trun.body + 8;
    if (flags & 0x01) p += 4; // data_offset
    if (flags & 0x04) {
      firstFlags ??= buf.readUInt32BE(p);
      p += 4;
    }
    for (let s = 0; s < count; s++) {
      duration += flags & 0x100 ? buf.readUInt32BE(p) : defaultDuration;
      if (flags & 0x100) p += 4;
      if (flags & 0x200) p += 4;
      if (flags & 0x400) {
        firstFlags ??= buf.readUInt32BE(p);
        p += 4;
      }
      if (flags & 0x800) {
        // Signed in version 1, unsigned in version 0; both read the same below 2^31.
        firstOffset ??= buf.readInt32BE(p);
        p += 4;
      }
    }
  }
  const sampleFlags = firstFlags ?? defaultFlags;
  return {
    sequence,
    decodeTime,
    duration,
    firstSampleIsSync: (sampleFlags & NON_SYNC) === 0,
    firstCompositionOffset: firstOffset ?? 0,
    payload: buf.subarray(mdat.body, mdat.end),
  };
}

// ---- ffmpeg / ffprobe ----

function needsFfmpeg(t: TestContext): boolean {
  return requireTool(t, 'ffmpeg', 'ffmpeg') && requireTool(t, 'ffprobe', 'ffmpeg');
}

interface ProbeStream {
  codec_name?: string;
  codec_type?: string;
  codec_tag_string?: string;
  profile?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
}
interface Probe {
  streams: ProbeStream[];
  format: { duration?: string; tags?: Record<string, string> };
}

async function probe(file: string): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', file],
    {
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout) as Probe;
}

/** Decodes one stream to nowhere and returns ffmpeg's own final progress report. */
async function decode(
  file: string,
  stream: string,
): Promise<{ frames: number; seconds: number; stderr: string }> {
  const { stdout, stderr } = await run(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-threads',
      '2',
      '-i',
      file,
      '-map',
      stream,
      '-f',
      'null',
      '-',
      '-progress',
      'pipe:1',
    ],
    { timeout: 120_000, maxBuffer: 8 * 1024 * 1024 },
  );
  const last = (key: string): number => {
    const values = [...stdout.matchAll(new RegExp(`^${key}=(\\d+)$`, 'gm'))].map((m) => Number(m[1]));
    return values.at(-1) ?? NaN;
  };
  return { frames: last('frame'), seconds: last('out_time_us') / 1e6, stderr };
}

// ---- the tests ----

describe('demo content', () => {
  it(`fits the ${BUDGET_BYTES}-byte budget`, () => {
    const total = filesUnder(DEMO_DIR).reduce((sum, f) => sum + statSync(f).size, 0);
    assert.ok(total > 1_000_000, `only ${total} bytes: the demo content is missing`);
    assert.ok(total <= BUDGET_BYTES, `${total} bytes is over budget`);
  });

  it('describes the demo stream in demo.json (v2 upload description)', () => {
    const description = JSON.parse(readFileSync(path.join(DEMO_DIR, 'demo.json'), 'utf8')) as {
      streams: { directory: string; title: string; files: string[]; timing_ref?: string }[];
    };
    assert.equal(description.streams.length, 1);
    const [stream] = description.streams;
    assert.equal(stream!.directory, 'demo');
    assert.ok(stream!.title.length > 0);
    assert.deepEqual([...stream!.files].sort(), MEDIA.map((m) => `media/${m.name}`).sort());
    assert.equal(stream!.timing_ref, 'media/demo_v1.mp4');
    for (const file of stream!.files) assert.ok(statSync(path.join(DEMO_DIR, file)).isFile(), file);
  });

  describe('media files are fragmented as dash.md §5.4 says', () => {
    for (const expected of MEDIA) {
      it(expected.name, () => {
        const track = readTrack(readFileSync(mediaPath(expected.name)));
        assert.equal(track.trackId, expected.trackId, 'track id');
        assert.equal(track.timescale, expected.timescale, 'timescale');
        assert.equal(track.handler, { video: 'vide', audio: 'soun', text: 'subt' }[expected.kind]);
        // Media time is presentation time in every player: no edit list to honour or ignore.
        assert.equal(track.hasEditList, false, 'edit list');
        const { fragments } = track;
        assert.ok(fragments.length >= 2, `${fragments.length} fragments`);

        // Decode times run on without gaps from zero; sequence numbers increase
        // (ISO/IEC 14496-12 §8.8.5).
        let next = 0;
        for (const [k, f] of fragments.entries()) {
          if (k > 0) assert.ok(f.sequence > fragments[k - 1]!.sequence, `mfhd of fragment ${k + 1}`);
          assert.equal(f.decodeTime, next, `tfdt of fragment ${k + 1}`);
          next += f.duration;
        }

        const target = expected.fragmentSeconds * expected.timescale;
        const total = LOOP_SECONDS * expected.timescale;
        if (expected.kind === 'audio') {
          // One fragment per MPD segment (`$Number$` with @duration 2 s), each starting at the
          // first AAC frame boundary at or after k × 2 s: the tfdt never drifts a frame or more
          // from the segment's nominal time (94, 94, 94, 93 frames repeating, the last what is left).
          assert.equal(fragments.length, LOOP_SECONDS / expected.fragmentSeconds, 'fragment count');
          for (const [k, f] of fragments.entries())
            assert.ok(
              f.decodeTime >= k * target && f.decodeTime < k * target + AAC_FRAME,
              `fragment ${k + 1} starts at ${f.decodeTime}, not within one AAC frame after ${k * target}`,
            );
          // The build trims the source so priming plus audio make exactly one loop.
          assert.equal(next, total, 'audio media duration');
        } else {
          assert.equal(fragments.length, LOOP_SECONDS / expected.fragmentSeconds);
          for (const [k, f] of fragments.entries()) assert.equal(f.duration, target, `fragment ${k + 1}`);
          assert.equal(next, total);
        }
        if (expected.kind === 'video') {
          for (const [k, f] of fragments.entries())
            assert.ok(f.firstSampleIsSync, `fragment ${k + 1} starts with a sync sample`);
          // Frame 0 is presented at media time 0, like the audio (no edit list needed).
          assert.equal(fragments[0]!.firstCompositionOffset, 0, 'composition offset of the first frame');
        }
      });
    }

    it('demo_t1.mp4 holds a cue every 2 s, timed on the media timeline', () => {
      const { fragments } = readTrack(readFileSync(mediaPath('demo_t1.mp4')));
      for (const [k, f] of fragments.entries()) {
        const doc = f.payload.toString('utf8');
        assert.match(doc, /<tt [^>]*xml:lang="en"/);
        for (const second of [4 * k, 4 * k + 2]) {
          const mmss = `${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
          assert.ok(doc.includes(`loopcast demo — ${mmss}`), `fragment ${k + 1} lacks the ${mmss} cue`);
          assert.ok(
            doc.includes(`begin="00:${mmss}.000"`),
            `fragment ${k + 1}: cue ${mmss} is not on the media timeline`,
          );
        }
      }
    });
  });

  describe('ffprobe and ffmpeg read the stream', () => {
    for (const expected of MEDIA.filter((m) => m.kind === 'video')) {
      it(`${expected.name}: H.264 ${expected.width}×${expected.height}, ${LOOP_SECONDS * FPS} decoded frames`, async (t) => {
        if (!needsFfmpeg(t)) return;
        const { streams } = await probe(mediaPath(expected.name));
        assert.equal(streams.length, 1);
        const [video] = streams;
        assert.equal(video!.codec_name, 'h264');
        assert.equal(video!.profile, 'High');
        assert.equal(video!.width, expected.width);
        assert.equal(video!.height, expected.height);
        assert.equal(video!.r_frame_rate, `${FPS}/1`);
        // The exit code alone proves nothing (testing.md §4.2): count the frames decoded.
        const decoded = await decode(mediaPath(expected.name), '0:v:0');
        assert.equal(decoded.stderr.trim(), '', 'decoder errors');
        assert.equal(decoded.frames, LOOP_SECONDS * FPS, 'decoded frames');
      });
    }

    it('demo_a1.mp4: AAC-LC stereo 48 kHz, English, decodes for 60 s', async (t) => {
      if (!needsFfmpeg(t)) return;
      const { streams } = await probe(mediaPath('demo_a1.mp4'));
      assert.equal(streams.length, 1);
      const [audio] = streams;
      assert.equal(audio!.codec_name, 'aac');
      assert.equal(audio!.profile, 'LC');
      assert.equal(audio!.channels, 2);
      assert.equal(audio!.sample_rate, '48000');
      assert.equal(audio!.tags?.language, 'eng');
      const decoded = await decode(mediaPath('demo_a1.mp4'), '0:a:0');
      assert.equal(decoded.stderr.trim(), '', 'decoder errors');
      assert.ok(Math.abs(decoded.seconds - LOOP_SECONDS) < 0.1, `decoded ${decoded.seconds} s`);
    });

    it('demo_a1.mp4 beeps for 100 ms at every whole media second and is silent between', async (t) => {
      if (!needsFfmpeg(t)) return;
      const rate = 48000;
      const { stdout } = await run(
        'ffmpeg',
        ['-nostdin', '-v', 'error', '-i', mediaPath('demo_a1.mp4'), '-ac', '1', '-f', 's16le', '-'],
        { encoding: 'buffer', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      );
      const pcm = new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length >> 1);
      const rms = (from: number, to: number): number => {
        const part = pcm.subarray(Math.round(from * rate), Math.round(to * rate));
        return Math.sqrt(part.reduce((sum, v) => sum + v * v, 0) / part.length);
      };
      for (let second = 0; second < LOOP_SECONDS; second++) {
        // Second 0 begins inside the AAC priming frame (21 ms), so look at it a little later.
        const beepFrom = second === 0 ? 0.03 : 0.005;
        assert.ok(rms(second + beepFrom, second + 0.095) > 3000, `no beep at ${second} s`);
        assert.ok(rms(second + 0.15, second + 0.95) < 300, `noise between beeps after ${second} s`);
      }
    });

    it('demo_t1.mp4: an English stpp track', async (t) => {
      if (!needsFfmpeg(t)) return;
      const { streams } = await probe(mediaPath('demo_t1.mp4'));
      assert.equal(streams.length, 1);
      assert.equal(streams[0]!.codec_tag_string, 'stpp');
      assert.equal(streams[0]!.tags?.language, 'eng');
    });
  });

  describe('demo music', () => {
    const musicDir = path.join(DEMO_DIR, 'music');
    const REQUIRED_TAGS = ['title', 'artist', 'album_artist', 'album', 'track', 'disc', 'date', 'genre'];

    it('has at least 8 tagged MP3 and M4A tracks in two albums and a compilation, three or more with art', async (t) => {
      if (!needsFfmpeg(t)) return;
      const files = readdirSync(musicDir).sort();
      assert.ok(files.length >= 8, `${files.length} tracks`);
      assert.ok(files.some((f) => f.endsWith('.mp3')) && files.some((f) => f.endsWith('.m4a')));

      const albums = new Map<string, { compilation: boolean; albumArtist: string; artists: Set<string> }>();
      let covers = 0;
      for (const file of files) {
        const full = path.join(musicDir, file);
        const { streams, format } = await probe(full);
        const tags = format.tags ?? {};
        for (const key of REQUIRED_TAGS) assert.ok(tags[key]?.trim(), `${file}: no ${key} tag`);
        assert.match(tags.track!, /^\d+\/\d+$/, `${file}: track n/of`);
        assert.match(tags.disc!, /^\d+\/\d+$/, `${file}: disc n/of`);
        assert.match(tags.date!, /^\d{4}$/, `${file}: year`);
        const seconds = Number(format.duration);
        assert.ok(seconds >= 5 && seconds <= 20, `${file}: ${seconds} s`);

        const audio = streams.filter((s) => s.codec_type === 'audio');
        assert.equal(audio.length, 1, `${file}: one audio stream`);
        assert.equal(audio[0]!.codec_name, file.endsWith('.mp3') ? 'mp3' : 'aac');
        const art = streams.filter((s) => s.disposition?.attached_pic === 1);
        if (art.length) {
          covers++;
          // daap.md §11.3: PNG (covr type 14) in M4A, JPEG (APIC) in MP3.
          assert.equal(art[0]!.codec_name, file.endsWith('.mp3') ? 'mjpeg' : 'png', `${file}: cover format`);
        }

        if (file.endsWith('.mp3')) assertId3(readFileSync(full), tags.compilation === '1', file);

        const compilation = tags.compilation === '1';
        const album = albums.get(tags.album!) ?? {
          compilation,
          albumArtist: tags.album_artist!,
          artists: new Set(),
        };
        assert.equal(
          album.compilation,
          compilation,
          `${file}: compilation flag differs within ${tags.album}`,
        );
        album.artists.add(tags.artist!);
        albums.set(tags.album!, album);
      }

      const regular = [...albums.values()].filter((a) => !a.compilation);
      const compilations = [...albums.values()].filter((a) => a.compilation);
      assert.ok(regular.length >= 2, `${regular.length} albums`);
      assert.ok(compilations.length >= 1, 'no compilation');
      for (const c of compilations) {
        assert.equal(c.albumArtist, 'Various Artists');
        assert.ok(c.artists.size >= 2, 'a compilation of one artist');
      }
      const artists = new Set([...albums.values()].flatMap((a) => [...a.artists]));
      assert.ok(artists.size >= 4, `${artists.size} distinct artists`);
      assert.ok(covers >= 3, `${covers} tracks with cover art`);
    });
  });
});

/** ID3v2.3 or v2.4, and compilations flagged with the iTunes `TCMP` frame readers look for. */
function assertId3(mp3: Buffer, compilation: boolean, file: string): void {
  assert.equal(mp3.toString('latin1', 0, 3), 'ID3', `${file}: no ID3v2 tag`);
  assert.ok([3, 4].includes(mp3[3]!), `${file}: ID3v2.${mp3[3]}`);
  const tagSize = (mp3[6]! << 21) | (mp3[7]! << 14) | (mp3[8]! << 7) | mp3[9]!;
  const tag = mp3.subarray(10, 10 + tagSize);
  if (compilation) assert.ok(tag.includes('TCMP'), `${file}: compilation without a TCMP frame`);
}
