/** vcorrupt's byte work (drm-events.md §10.6) on a hand-built fragment: which NAL units, which bytes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { box, fullBox, uints } from '../../src/build.js';
import { corruptSegment, corruptibleCodec } from '../../src/corrupt.js';

/** A NAL unit with a 4-byte length: header byte then `size − 1` bytes of 0xAA. */
const nal = (header: number, size: number) =>
  Buffer.concat([uints([4, size]), Buffer.from([header]), Buffer.alloc(size - 1, 0xaa)]);

/** moof (default-base-is-moof, one trun with sizes and a data offset) + mdat of the samples. */
function fragment(samples: Buffer[]): Buffer {
  const trunBody = (dataOffset: number) =>
    Buffer.concat([uints([4, samples.length], [4, dataOffset]), ...samples.map((s) => uints([4, s.length]))]);
  const build = (dataOffset: number) =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, uints([4, 1])),
      box(
        'traf',
        fullBox('tfhd', 0, 0x020000, uints([4, 1])),
        fullBox('trun', 0, 0x000201, trunBody(dataOffset)),
      ),
    );
  const moofSize = build(0).length;
  return Buffer.concat([build(moofSize + 8), box('mdat', ...samples)]);
}

describe('corruptSegment', () => {
  it('overwrites the last 4 × floor(size / 20) bytes of reference non-IDR H.264 slices with junk', () => {
    // sample 1: SPS-like (7), IDR (0x65), non-reference slice (0x01); sample 2: two reference slices (0x41)
    const s1 = Buffer.concat([nal(0x67, 10), nal(0x65, 40), nal(0x01, 40)]);
    const s2 = Buffer.concat([nal(0x41, 40), nal(0x41, 41)]);
    const seg = fragment([s1, s2]);
    const { segment, corrupted } = corruptSegment(seg, { codec: 'avc', nalLengthSize: 4, frames: 4 });
    assert.equal(corrupted, 2);
    assert.equal(segment.length, seg.length);
    assert.notEqual(segment, seg, 'a copy; the input stays as it was');
    const mdat = segment.length - s1.length - s2.length;
    assert.deepEqual(segment.subarray(0, mdat + s1.length), seg.subarray(0, mdat + s1.length));
    const out2 = segment.subarray(mdat + s1.length);
    // first slice: 40 bytes → 8 junk bytes ending at its last byte
    assert.equal(out2.subarray(4 + 40 - 8, 4 + 40).toString(), 'junkjunk');
    assert.equal(out2[4 + 40 - 9], 0xaa);
    // second: 41 bytes → 8 bytes
    assert.equal(out2.subarray(out2.length - 8).toString(), 'junkjunk');
    assert.equal(out2[out2.length - 9], 0xaa);
  });

  it('stops after `frames` NAL units and leaves a segment without reference slices untouched', () => {
    const s = Buffer.concat([nal(0x41, 40), nal(0x21, 40), nal(0x41, 40)]);
    const seg = fragment([s]);
    const one = corruptSegment(seg, { codec: 'avc', nalLengthSize: 4, frames: 1 });
    assert.equal(one.corrupted, 1);
    assert.equal(one.segment.toString('latin1').split('junk').length - 1, 2);
    const none = corruptSegment(fragment([nal(0x65, 40)]), { codec: 'avc', nalLengthSize: 4, frames: 4 });
    assert.equal(none.corrupted, 0);
  });

  it('treats H.265 sub-layer reference types 1, 3, 5, 7, 9 as reference slices', () => {
    // nal_unit_type in bits 1–6 of the first header byte: type 1 → 0x02, type 0 → 0x00, IDR 19 → 0x26
    const s = Buffer.concat([nal(0x00, 40), nal(0x26, 40), nal(0x02, 40)]);
    const r = corruptSegment(fragment([s]), { codec: 'hevc', nalLengthSize: 4, frames: 4 });
    assert.equal(r.corrupted, 1);
    assert.equal(corruptibleCodec('hev1'), 'hevc');
    assert.equal(corruptibleCodec('avc3'), 'avc');
    assert.equal(corruptibleCodec('vp09'), null);
  });
});
