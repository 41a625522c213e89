import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStppTrack } from '../../src/index.js';

test('buildStppTrack writes ftyp, moov and one moof+mdat per fragment', () => {
  const buf = buildStppTrack({
    cues: [
      { start: 1, end: 3, text: 'Hello <world>\nline 2' },
      { start: 3.5, end: 9, text: 'Second' },
    ],
    language: 'en',
    trackId: 4,
    timescale: 1000,
    fragmentDuration: 4,
    totalDuration: 10,
  });
  const types: string[] = [];
  for (let p = 0; p < buf.length;) {
    const size = buf.readUInt32BE(p);
    types.push(buf.toString('latin1', p + 4, p + 8));
    assert.ok(size >= 8);
    p += size;
  }
  assert.deepEqual(types, ['ftyp', 'moov', 'moof', 'mdat', 'moof', 'mdat', 'moof', 'mdat']);
  const text = buf.toString('utf8');
  assert.match(text, /begin="00:00:01.000" end="00:00:03.000"/);
  assert.match(text, /Hello &#60;world&#62;<br\/>line 2/);
  // the second cue spans fragments 0..2 and is clipped to each
  assert.match(text, /begin="00:00:04.000" end="00:00:08.000"/);
  assert.ok(text.includes('http://www.w3.org/ns/ttml'));
});

test('the stpp track indexes as a text track and ffprobe accepts it', async () => {
  const { indexBuffer, rewriteInit, parseBoxes } = await import('../../src/index.js');
  const { toolMissing, run } = await import('./helpers.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const buf = buildStppTrack({
    cues: [{ start: 0.5, end: 2, text: 'one' }],
    language: 'fr-CA',
    trackId: 3,
    timescale: 1000,
    fragmentDuration: 2,
    totalDuration: 7,
  });
  const idx = indexBuffer(buf);
  assert.equal(idx.contentType, 'text');
  assert.equal(idx.codecs, 'stpp');
  assert.equal(idx.language, 'fr-CA');
  assert.equal(idx.trackId, 3);
  assert.deepEqual(
    idx.segments.slice(1).map((s) => [s.decodeTime, s.duration]),
    [
      [0, 2000],
      [2000, 2000],
      [4000, 2000],
      [6000, 1000],
    ],
  );
  const init = buf.subarray(0, idx.segments[0]!.size);
  assert.ok(parseBoxes(init)[1]!.find('mvex/mehd'));
  assert.equal(parseBoxes(rewriteInit(init))[1]!.find('mvex/mehd'), undefined);
  if (toolMissing('ffprobe')) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bmff-stpp-'));
  try {
    const f = path.join(dir, 't.mp4');
    writeFileSync(f, buf);
    const info = JSON.parse(
      run('ffprobe', ['-v', 'error', '-show_streams', '-show_packets', '-of', 'json', f]),
    ) as {
      streams: { codec_tag_string: string; codec_type: string; tags?: { language?: string } }[];
      packets: unknown[];
    };
    assert.equal(info.streams[0]!.codec_tag_string, 'stpp');
    assert.equal(info.streams[0]!.tags?.language, 'fra');
    assert.equal(info.packets.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
