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
