import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Box,
  chunkSegment,
  mfhd,
  indexBuffer,
  parseBoxes,
  prft,
  readChunkSource,
  rewriteSegment,
  saio,
  saiz,
  senc,
  tfdt,
  tfhd,
  trun,
  TFHD_DEFAULT_BASE_IS_MOOF,
  TRUN_FIRST_SAMPLE_FLAGS,
  type SegmentChunk,
} from '../../src/index.js';
import { bbb, noMedia, run, toolMissing } from './helpers.js';

function firstMedia(name: string): { file: Buffer; segment: Buffer } {
  const file = bbb(name);
  const s = indexBuffer(file).segments[1]!;
  return { file, segment: file.subarray(s.pos, s.pos + s.size) };
}

/** Even split of n samples into chunks of `per`, the last taking the rest. */
function counts(n: number, per: number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; left -= per) out.push(Math.min(per, left));
  return out;
}

interface Parsed {
  boxes: Box[];
  moof: Box;
  mdat: Box;
  traf: Box;
}

function parseChunk(c: SegmentChunk): Parsed {
  const boxes = parseBoxes(Buffer.concat(c.buffers));
  const moof = boxes.find((b) => b.type === 'moof')!;
  const mdat = boxes.find((b) => b.type === 'mdat')!;
  return { boxes, moof, mdat, traf: moof.child('traf')! };
}

/** The mdat payloads of the source, in sample order. */
function sourcePayload(parts: Buffer[]): Buffer {
  const mdat = parseBoxes(Buffer.concat(parts)).find((b) => b.type === 'mdat')!;
  return Buffer.concat(parts).subarray(mdat.offset + 8, mdat.offset + mdat.originalSize);
}

test(
  'chunks of a clear video segment: trun split, data offsets, tfdt per chunk, zero copy',
  { skip: noMedia },
  () => {
    const { file, segment } = firstMedia('bbb_v6');
    const parts = rewriteSegment(segment, { sequenceNumber: 151, baseMediaDecodeTime: 144000n });
    const src = readChunkSource(parts);
    assert.equal(src.durations.length, 96);
    assert.ok(src.durations.every((d) => d === 10));
    const chunks = chunkSegment(parts, counts(96, 12), { prftNtp: 0xe8f1e2d3c4b5a697n });
    assert.equal(chunks.length, 8);
    const lead = parseBoxes(Buffer.concat(chunks[0]!.buffers));
    const p = lead[1]!.get(prft);
    assert.deepEqual(
      [p.version, p.flags, p.referenceTrackId, p.ntpTimestamp, p.mediaTime],
      [1, 0, src.tfhd.trackId, 0xe8f1e2d3c4b5a697n, 144000n],
      'prft after the styp: NTP time as given, media time = tfdt',
    );
    const payload: Buffer[] = [];
    let t = 144000n;
    chunks.forEach((c, j) => {
      const { boxes, moof, mdat, traf } = parseChunk(c);
      assert.deepEqual(
        boxes.map((b) => b.type),
        j === 0 ? ['styp', 'prft', 'moof', 'mdat'] : ['moof', 'mdat'],
        'styp leads the first chunk only; sidx stays dropped',
      );
      assert.equal(moof.child('mfhd')!.get(mfhd).sequenceNumber, 151);
      assert.equal(traf.child('tfdt')!.get(tfdt).baseMediaDecodeTime, t, `tfdt of chunk ${j + 1}`);
      assert.ok(traf.child('tfhd')!.get(tfhd).flags & TFHD_DEFAULT_BASE_IS_MOOF);
      const run = traf.child('trun')!.get(trun);
      assert.equal(run.sampleCount, 12);
      assert.equal(
        run.dataOffset,
        mdat.offset - moof.offset + 8,
        'data_offset points at the chunk mdat payload',
      );
      assert.equal(
        Boolean(run.flags & TRUN_FIRST_SAMPLE_FLAGS),
        j === 0 && Boolean(src.trun.flags & TRUN_FIRST_SAMPLE_FLAGS),
      );
      assert.equal(c.decodeTime, t);
      assert.equal(c.duration, 120);
      const bytes = Buffer.concat(c.buffers);
      payload.push(bytes.subarray(mdat.offset + 8, mdat.offset + mdat.originalSize));
      // the sample bytes are views of the stored file, never copies
      const last = c.buffers.at(-1)!;
      assert.equal(last.buffer, file.buffer, 'sample data is a view of the source');
      t += 120n;
    });
    assert.deepEqual(
      Buffer.concat(payload),
      sourcePayload(parts),
      'the chunks carry every sample byte in order',
    );
  },
);

test(
  'ffprobe decodes every frame of an init segment followed by the chunks',
  { skip: noMedia || toolMissing('ffprobe') },
  () => {
    const file = bbb('bbb_v6');
    const idx = indexBuffer(file);
    const init = file.subarray(0, idx.segments[0]!.size);
    const media = idx.segments.slice(1, 3).flatMap((s, i) => {
      const parts = rewriteSegment(file.subarray(s.pos, s.pos + s.size), {
        sequenceNumber: i + 1,
        baseMediaDecodeTime: BigInt(i * 960),
      });
      return chunkSegment(parts, counts(96, 7)).flatMap((c) => c.buffers);
    });
    const frames = run(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', '-'],
      Buffer.concat([init, ...media]),
    );
    assert.equal(frames.trim(), '192');
  },
);

test('uneven counts and a single chunk', { skip: noMedia }, () => {
  const { segment } = firstMedia('bbb_t1');
  const one = chunkSegment(segment, [readChunkSource(segment).durations.length]);
  assert.equal(one.length, 1);
  const { segment: v } = firstMedia('bbb_v6');
  const c = chunkSegment(v, [1, 94, 1]);
  assert.deepEqual(
    c.map((x) => [x.sampleCount, x.duration]),
    [
      [1, 10],
      [94, 940],
      [1, 10],
    ],
  );
  assert.throws(() => chunkSegment(v, [50, 50]), /do not split 96 samples/);
  assert.throws(() => chunkSegment(v, [96, 0]), /do not split/);
});

test('audio chunks split the sample-group runs (sbgp)', { skip: noMedia }, () => {
  const { segment } = firstMedia('bbb_a1');
  const parts = rewriteSegment(segment, { sequenceNumber: 2, baseMediaDecodeTime: 176128n });
  const n = readChunkSource(parts).durations.length;
  const chunks = chunkSegment(parts, counts(n, 22));
  let total = 0;
  for (const c of chunks) {
    const { traf } = parseChunk(c);
    const sbgp = traf.child('sbgp');
    assert.ok(sbgp, 'each chunk keeps the sample group');
    const raw = sbgp.payload;
    const version = raw[0]!;
    const entries = raw.readUInt32BE(version === 1 ? 12 : 8);
    let sum = 0;
    for (let i = 0; i < entries; i++) sum += raw.readUInt32BE((version === 1 ? 16 : 12) + i * 8);
    assert.ok(sum <= c.sampleCount, 'sbgp covers at most the chunk samples');
    total += c.sampleCount;
  }
  assert.equal(total, n);
});

test(
  'encrypted chunks: senc, saiz and saio split; saio points at the chunk senc records',
  { skip: noMedia },
  () => {
    const { segment } = firstMedia('bbb_v6_enc');
    const parts = rewriteSegment(segment, { sequenceNumber: 7, baseMediaDecodeTime: 5760n });
    const src = readChunkSource(parts, { sampleDuration: 10 });
    assert.throws(() => readChunkSource(parts), /only in trex/);
    const whole = parseBoxes(Buffer.concat(parts))
      .find((b) => b.type === 'moof')!
      .child('traf')!;

    const allRecords = whole.child('senc')!.get(senc).samples;
    const chunks = chunkSegment(parts, counts(src.durations.length, 10), {
      defaults: { sampleDuration: 10 },
    });
    let k = 0;
    for (const c of chunks) {
      const { moof, traf } = parseChunk(c);
      const records = traf.child('senc')!.get(senc).samples;
      assert.equal(records.length, c.sampleCount);
      assert.deepEqual(records, allRecords.slice(k, k + c.sampleCount));
      const sizes = traf.child('saiz')!.get(saiz);
      assert.equal(sizes.sampleCount, c.sampleCount);
      const offsets = traf.child('saio')!.get(saio).offsets;
      assert.equal(offsets.length, 1);
      const sencBox = traf.child('senc')!;
      assert.equal(offsets[0], sencBox.offset - moof.offset + 16, 'saio → first senc record');
      k += c.sampleCount;
    }
    assert.equal(k, allRecords.length);
  },
);

test('segments the chunker cannot split are refused with a typed error', () => {
  assert.throws(() => chunkSegment(Buffer.from('0000000866726565', 'hex'), [1]), /one moof/);
});
