import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readItunesMetadata, writeItunesMetadata } from '../../src/index.js';
import { run, toolMissing } from './helpers.js';

const missing = toolMissing('ffmpeg');

test(
  'iTunes metadata: read what ffmpeg wrote, write changes that ffprobe reads, audio untouched',
  { skip: missing },
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bmff-itunes-'));
    try {
      const src = path.join(dir, 'in.m4a');
      // moov before mdat (faststart), so a grown moov must move every chunk offset
      run('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=d=1',
        '-f',
        'lavfi',
        '-i',
        'color=red:s=16x16:d=1',
        '-map',
        '0',
        '-map',
        '1',
        '-frames:v',
        '1',
        '-c:a',
        'aac',
        '-c:v',
        'mjpeg',
        '-disposition:v',
        'attached_pic',
        '-metadata',
        'title=Tëst',
        '-metadata',
        'artist=Art',
        '-metadata',
        'album_artist=AA',
        '-metadata',
        'album=Alb',
        '-metadata',
        'track=3/12',
        '-metadata',
        'disc=1/2',
        '-metadata',
        'date=2021',
        '-metadata',
        'genre=Rock',
        '-metadata',
        'compilation=1',
        '-movflags',
        '+faststart',
        src,
      ]);
      const buf = readFileSync(src);
      const m = readItunesMetadata(buf);
      assert.equal(m.title, 'Tëst');
      assert.equal(m.artist, 'Art');
      assert.equal(m.albumArtist, 'AA');
      assert.equal(m.album, 'Alb');
      assert.equal(m.year, '2021');
      assert.equal(m.genre, 'Rock');
      assert.deepEqual([m.trackNumber, m.trackCount, m.discNumber, m.discCount], [3, 12, 1, 2]);
      assert.equal(m.compilation, true);
      assert.equal(m.coverArt?.mimeType, 'image/jpeg');
      assert.equal(m.coverArt.data[0], 0xff);

      const png = Buffer.from(
        '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f9c3ad0000000049454e44ae426082',
        'hex',
      );
      const out = writeItunesMetadata(buf, {
        title: 'A much longer new title',
        genre: 'Jazz',
        trackNumber: 7,
        compilation: false,
        coverArt: { mimeType: 'image/png', data: png },
        album: null,
      });
      const m2 = readItunesMetadata(out);
      assert.equal(m2.title, 'A much longer new title');
      assert.equal(m2.genre, 'Jazz');
      assert.equal(m2.trackNumber, 7);
      assert.equal(m2.trackCount, 12);
      assert.equal(m2.album, undefined);
      assert.equal(m2.compilation, false);
      assert.deepEqual(m2.coverArt, { mimeType: 'image/png', data: png });
      assert.ok(writeItunesMetadata(buf, {}).equals(buf), 'no change, same bytes');

      const dst = path.join(dir, 'out.m4a');
      writeFileSync(dst, out);
      const tags = run('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', dst]);
      const t = (JSON.parse(tags) as { format: { tags: Record<string, string> } }).format.tags;
      assert.equal(t.title, 'A much longer new title');
      assert.equal(t.track, '7/12');
      const frames = (f: string): string[] =>
        run('ffmpeg', ['-v', 'error', '-i', f, '-map', '0:a', '-f', 'framemd5', '-'])
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split(',').slice(4).join(','));
      assert.deepEqual(frames(dst), frames(src));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('iTunes metadata: a file without ilst gets udta/meta/hdlr/ilst', () => {
  // a minimal moov with one empty trak, no media data
  const box = (type: string, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + body.length);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, body]);
  };
  const file = Buffer.concat([box('ftyp', Buffer.from('M4A \0\0\0\0isom')), box('moov', box('trak'))]);
  assert.deepEqual(readItunesMetadata(file), {});
  const out = writeItunesMetadata(file, { artist: 'Someone', discNumber: 2 });
  assert.deepEqual(readItunesMetadata(out), { artist: 'Someone', discNumber: 2 });
});
