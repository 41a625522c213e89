// bmff benchmarks (spec README §3.3 table, style.md item 8–9):
//   I1 indexing a generated fragmented file (≥ 500 MB; 50 MB with --quick) from a file handle,
//      reading only box headers, moov and moofs — goal ≥ 500 MB/s;
//   R1 rewriting one 1 MB live segment (tfdt + mfhd + one emsg inserted, mdat not copied) —
//      goal ≤ 20 µs.
// Each figure is printed with its ratio to a reference measured in the same run (a plain read of
// the whole file; a Buffer.copy of the same segment bytes).
// Run: node --import tsx bench/bmff.bench.ts [--quick]
// Exits non-zero only when a correctness check fails, never for timing.

import { closeSync, openSync, readSync, rmSync, writeSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  indexFile,
  mfhd,
  parseBoxes,
  rewriteSegment,
  tfdt,
  emsg,
  type EmsgFields,
} from '../packages/bmff/src/index.js';
import { box, fullBox, uints } from '../packages/bmff/src/build.js';
import { BenchReport, ms } from './support/report.js';

const quick = process.argv.includes('--quick');
const FILE_MB = quick ? 50 : 512;
const FRAGMENT_BYTES = 1024 * 1024;
const SAMPLES = 48; // per fragment: 2 s of 24 fps video
const TIMESCALE = 240;

const report = new BenchReport(48);
const line = report.line.bind(report);
const check = report.check.bind(report);

const MATRIX = uints(
  [4, 0x10000],
  [4, 0],
  [4, 0],
  [4, 0],
  [4, 0x10000],
  [4, 0],
  [4, 0],
  [4, 0],
  [4, 0x40000000],
);

/** A one-track H.264 init segment (parameter sets are placeholders: nothing decodes them). */
function initSegment(): Buffer {
  const avcC = box(
    'avcC',
    Buffer.from([1, 0x64, 0, 0x28, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x28, 1, 0, 2, 0x68, 0xee]),
  );
  const avc1 = box(
    'avc1',
    uints([4, 0], [2, 0], [2, 1]),
    Buffer.alloc(16),
    uints([2, 1920], [2, 1080], [4, 0x480000], [4, 0x480000], [4, 0], [2, 1]),
    Buffer.alloc(32),
    uints([2, 24], [2, 0xffff]),
    avcC,
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, uints([4, 1]), avc1),
    fullBox('stts', 0, 0, uints([4, 0])),
    fullBox('stsc', 0, 0, uints([4, 0])),
    fullBox('stsz', 0, 0, uints([4, 0], [4, 0])),
    fullBox('stco', 0, 0, uints([4, 0])),
  );
  const minf = box(
    'minf',
    fullBox('vmhd', 0, 1, Buffer.alloc(8)),
    box('dinf', fullBox('dref', 0, 0, uints([4, 1]), fullBox('url ', 0, 1))),
    stbl,
  );
  const mdia = box(
    'mdia',
    fullBox('mdhd', 0, 0, uints([4, 0], [4, 0], [4, TIMESCALE], [4, 0], [2, 0x55c4], [2, 0])),
    fullBox('hdlr', 0, 0, uints([4, 0]), Buffer.from('vide'), Buffer.alloc(12), Buffer.from('bench\0')),
    minf,
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3,
    uints([4, 0], [4, 0], [4, 1], [4, 0], [4, 0]),
    Buffer.alloc(16),
    MATRIX,
    uints([4, 1920 << 16], [4, 1080 << 16]),
  );
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    uints([4, 0], [4, 0], [4, 1000], [4, 0], [4, 0x10000], [2, 0x100]),
    Buffer.alloc(10),
    MATRIX,
    Buffer.alloc(24),
    uints([4, 2]),
  );
  const mvex = box('mvex', fullBox('trex', 0, 0, uints([4, 1], [4, 1], [4, 10], [4, 0], [4, 0])));
  return Buffer.concat([
    box('ftyp', Buffer.from('iso6'), uints([4, 0]), Buffer.from('iso6dash')),
    box('moov', mvhd, mvex, box('trak', tkhd, mdia)),
  ]);
}

/** styp + sidx + moof + mdat header of one fragment whose mdat payload is `payload` bytes. */
function fragmentHeader(seq: number, payload: number): Buffer {
  const sizes = Array.from(
    { length: SAMPLES },
    (_, i) => Math.floor(payload / SAMPLES) + (i === 0 ? payload % SAMPLES : 0),
  );
  const trunBody = (offset: number): Buffer =>
    Buffer.concat([
      uints([4, SAMPLES], [4, offset], [4, 0x02000000]),
      ...sizes.map((s) => uints([4, s], [4, s === sizes[0] && s !== sizes[1] ? 0 : 0x00010000])),
    ]);
  const moof = (offset: number): Buffer =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, uints([4, seq])),
      box(
        'traf',
        fullBox('tfhd', 0, 0x020008, uints([4, 1], [4, 10])), // default-base-is-moof, default duration
        fullBox('tfdt', 1, 0, uints([8, (seq - 1) * SAMPLES * 10])),
        fullBox('trun', 0, 0x000605, trunBody(offset)), // data offset, first flags, size, flags
      ),
    );
  const m = moof(moof(0).length + 8);
  const mdatHead = uints([4, payload + 8]);
  const styp = box('styp', Buffer.from('msdh'), uints([4, 0]), Buffer.from('msdhmsix'));
  const sidx = fullBox(
    'sidx',
    0,
    0,
    uints(
      [4, 1],
      [4, TIMESCALE],
      [4, (seq - 1) * SAMPLES * 10],
      [4, 0],
      [2, 0],
      [2, 1],
      [4, m.length + 8 + payload],
      [4, SAMPLES * 10],
      [4, 0x90000000],
    ),
  );
  return Buffer.concat([styp, sidx, m, mdatHead, Buffer.from('mdat')]);
}

function generate(file: string, totalBytes: number): { fragments: number; bytes: number } {
  const fd = openSync(file, 'w');
  const payload = Buffer.alloc(FRAGMENT_BYTES, 0x5a);
  let bytes = 0;
  let fragments = 0;
  try {
    const init = initSegment();
    writeSync(fd, init);
    bytes += init.length;
    while (bytes < totalBytes) {
      const head = fragmentHeader(++fragments, payload.length);
      writeSync(fd, head);
      writeSync(fd, payload);
      bytes += head.length + payload.length;
    }
  } finally {
    closeSync(fd);
  }
  return { fragments, bytes };
}

/** Reference: reading the whole file sequentially in 1 MB chunks. */
function readAll(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(FRAGMENT_BYTES);
  let n = 0;
  try {
    for (let got; (got = readSync(fd, buf, 0, buf.length, null)) > 0;) n += got;
  } finally {
    closeSync(fd);
  }
  return n;
}

async function benchIndex(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopcast-bmff-bench-'));
  const file = path.join(dir, 'generated.mp4');
  try {
    let t = process.hrtime.bigint();
    const { fragments, bytes } = generate(file, FILE_MB * 1024 * 1024);
    const mb = bytes / (1024 * 1024);
    line('I0', `generated ${fragments} fragments`, `${mb.toFixed(0)} MB in ${ms(t).toFixed(0)} ms`);
    // warm up (and check) once, then take the best of three
    const idx = await indexFile(file);
    check(
      idx.segments.length === fragments + 1,
      `index has ${idx.segments.length - 1} segments, expected ${fragments}`,
    );
    check(idx.mediaDuration === fragments * SAMPLES * 10, `media duration ${idx.mediaDuration}`);
    check(idx.segments.at(-1)!.pos + idx.segments.at(-1)!.size === bytes, 'segments cover the file');
    check(
      idx.codecs === 'avc1.640028' && idx.video?.frameRate === '24',
      `codec ${idx.codecs}, frame rate ${idx.video?.frameRate}`,
    );
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      t = process.hrtime.bigint();
      await indexFile(file);
      best = Math.min(best, ms(t));
    }
    t = process.hrtime.bigint();
    check(readAll(file) === bytes, 'reference read got every byte');
    const readMs = ms(t);
    const rate = mb / (best / 1000);
    line(
      'I1',
      'index (headers + moov + moofs, file handle)',
      `${rate.toFixed(0)} MB/s (${best.toFixed(1)} ms)`,
      { ok: rate >= 500, text: '≥ 500 MB/s' },
      `${(readMs / best).toFixed(2)}× the speed of reading the whole file (reference: ${(mb / (readMs / 1000)).toFixed(0)} MB/s, page cache)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchRewrite(): void {
  const payload = Buffer.alloc(FRAGMENT_BYTES, 0x5a);
  const segment = Buffer.concat([fragmentHeader(5, payload.length), payload]);
  const event: EmsgFields = {
    version: 1,
    flags: 0,
    schemeIdUri: 'urn:loopcast:ping',
    value: '1',
    timescale: TIMESCALE,
    presentationTime: 2n ** 33n,
    eventDuration: 240,
    id: 1,
    messageData: Buffer.from('ping'),
  };
  const plan = { sequenceNumber: 123456, baseMediaDecodeTime: 2n ** 33n, emsg: [event] };
  // correctness: parses back, values set, mdat passed as a view
  const out = rewriteSegment(segment, plan);
  const boxes = parseBoxes(Buffer.concat(out));
  check(out.at(-1)!.buffer === segment.buffer, 'mdat is a view of the input, not a copy');
  check(
    boxes.map((b) => b.type).join(',') === 'styp,emsg,moof,mdat',
    `boxes ${boxes.map((b) => b.type).join(',')}`,
  );
  const moof = boxes.find((b) => b.type === 'moof');
  check(moof?.child('mfhd')?.get(mfhd).sequenceNumber === 123456, 'mfhd');
  check(moof?.find('traf/tfdt')?.get(tfdt).baseMediaDecodeTime === 2n ** 33n, 'tfdt');
  check(boxes.find((b) => b.type === 'emsg')?.get(emsg).id === 1, 'emsg');

  const time = (fn: () => void, n: number): number => {
    for (let i = 0; i < Math.min(n, 2000); i++) fn();
    let best = Infinity;
    for (let round = 0; round < 7; round++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      best = Math.min(best, (ms(t) * 1000) / n);
    }
    return best;
  };
  const n = quick ? 5_000 : 50_000;
  const us = time(() => void rewriteSegment(segment, plan), n);
  const target = Buffer.allocUnsafe(segment.length);
  const copyUs = time(() => void segment.copy(target), quick ? 500 : 2_000);
  line(
    'R1',
    'rewrite 1 MB segment (tfdt+mfhd+emsg, mdat view)',
    `${us.toFixed(2)} µs`,
    { ok: us <= 20, text: '≤ 20 µs' },
    `${(us / copyUs).toFixed(2)}× the time of a Buffer.copy of the segment (reference: ${copyUs.toFixed(1)} µs)`,
  );
}

await benchIndex();
benchRewrite();
if (report.failed) {
  console.log('bmff bench: correctness check failed');
  process.exit(1);
}
