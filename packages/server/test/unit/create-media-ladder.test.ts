/** The ladders of `loopcast create-media` (app.md §11 step 3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLadder, PROFILES, rateControlArgs, videoTimescale } from '../../src/create-media/ladder.js';

describe('create-media ladders', () => {
  it('follows the profile table: rung counts, top rungs and codecs', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(PROFILES).map(([name, rungs]) => [name, rungs.length])),
      { hd: 7, hq: 8, sd: 4, mobile: 6, uhd: 5 },
    );
    assert.deepEqual(PROFILES.hq![0], { width: 1920, height: 1080, kbps: 8600 });
    assert.ok(PROFILES.uhd!.every((r) => r.codec === 'hevc'));
    assert.equal(PROFILES.mobile!.at(-1)!.codec, 'h264-main');
    assert.ok(PROFILES.hd!.every((r) => r.codec === undefined));
  });

  it('parses --ladder highest bitrate first and refuses odd sizes or junk', () => {
    assert.deepEqual(parseLadder('160x90@80,320x180@150'), [
      { width: 320, height: 180, kbps: 150 },
      { width: 160, height: 90, kbps: 80 },
    ]);
    for (const bad of ['321x180@150', '320x180', '320x180@0', 'x@1', ''])
      assert.equal(parseLadder(bad), null, bad);
  });

  it('derives rate control and timescale as §11 says', () => {
    assert.deepEqual(rateControlArgs(1200), [
      '-b:v',
      '1000k',
      '-maxrate',
      '1200k',
      '-minrate',
      '857k',
      '-bufsize',
      '2400k',
    ]);
    assert.equal(videoTimescale(24, 1), 240);
    assert.equal(videoTimescale(30000, 1001), 30000);
  });
});
