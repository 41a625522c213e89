/**
 * H.265 slice-segment-header sizes for `cbcs` (drm-events.md §8.6). The sizes measured on real
 * streams are checked against an independent parser: FFmpeg's own reading of the same NAL units
 * (the `trace_headers` bitstream filter prints the bit position of every slice header field, up to
 * `byte_alignment()`). The streams are the shared hevc-rep.mp4 and small clips made by x265 with
 * settings that reach more of the syntax (B pyramids, weighted prediction, several slices,
 * temporal sub-layers, HRD in the VUI, CRA/RASL, 4:4:4, 4:2:2, monochrome, lossless, WPP entry
 * points). Syntax no encoder here writes (inter-RPS prediction, long-term pictures, list
 * modification, dependent slices, tiles, header extensions) is checked on a hand-built bitstream.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseBoxes } from '../../src/box.js';
import { trun } from '../../src/boxes/trun.js';
import { H265SliceHeaders, cencTrackOf } from '../../src/cenc/index.js';
import { boxesDir, noMedia, toolMissing } from './helpers.js';

const nalType = (nal: Uint8Array): number => (nal[0]! >> 1) & 0x3f;
const isVcl = (nal: Uint8Array): boolean => nalType(nal) <= 31;

/** The NAL units of every sample of a fragmented MP4 with one track, in decode order. */
function mp4Nals(file: Buffer, lengthSize: number): Buffer[] {
  const out: Buffer[] = [];
  for (const moof of parseBoxes(file).filter((b) => b.type === 'moof')) {
    const run = moof.child('traf')!.child('trun')!.get(trun);
    let pos = moof.offset + (run.dataOffset ?? 0);
    for (const s of run.samples) {
      const sample = file.subarray(pos, pos + s.size!);
      pos += s.size!;
      for (let p = 0; p < sample.length;) {
        const n = sample.readUIntBE(p, lengthSize);
        out.push(sample.subarray(p + lengthSize, p + lengthSize + n));
        p += lengthSize + n;
      }
    }
  }
  return out;
}

/** The NAL units of an Annex B byte stream (start codes 00 00 01, trailing zero bytes dropped). */
function annexBNals(stream: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++)
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) starts.push((i += 2) + 1);
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : stream.length;
    while (end > s && stream[end - 1] === 0) end--;
    return stream.subarray(s, end);
  });
}

/**
 * FFmpeg's reading of every slice segment header in decode order: the NAL unit type and the bit
 * position (NAL header included) where `byte_alignment()` starts.
 */
function ffmpegSliceHeaders(input: Buffer, format: 'mp4' | 'hevc'): { type: number; endBit: number }[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-nostats',
      '-hide_banner',
      '-f',
      format,
      '-i',
      '-',
      '-c',
      'copy',
      '-bsf:v',
      'trace_headers',
      '-f',
      'null',
      '-',
    ],
    { input, maxBuffer: 256 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, `ffmpeg trace_headers: ${r.stderr.toString().slice(-500)}`);
  const out: { type: number; endBit: number }[] = [];
  let current: { type: number; endBit: number } | null = null;
  for (const raw of r.stderr.toString().split('\n')) {
    const line = raw.replace(/^\[trace_headers @ [0-9a-fx]+\] /, '');
    if (line.startsWith('Slice Segment Header')) {
      current = { type: -1, endBit: -1 };
      out.push(current);
    } else if (/^[A-Z]/.test(line)) current = null; // another kind of NAL unit, or a packet line
    if (!current) continue;
    const m = /^(\d+)\s+(\S+)\s.*= (-?\d+)$/.exec(line);
    if (!m) continue;
    if (m[2] === 'nal_unit_type') current.type = Number(m[3]);
    if (m[2] === 'alignment_bit_equal_to_one') current.endBit = Number(m[1]);
  }
  return out;
}

/** Measures every VCL NAL unit in decode order, parameter sets first from `initial`. */
function measureAll(nals: readonly Buffer[], initial: readonly Buffer[] = []) {
  const slices = new H265SliceHeaders();
  for (const ps of initial) slices.parameterSet(ps);
  return nals.flatMap((nal) => {
    if (!isVcl(nal)) {
      slices.parameterSet(nal);
      return [];
    }
    const m = slices.measure(nal);
    assert.ok(m, `NAL unit type ${nalType(nal)}: ${slices.failure}`);
    return [{ type: nalType(nal), endBit: 16 + m.bits, bytes: m.bytes, size: nal.length }];
  });
}

function assertAgreesWithFfmpeg(
  label: string,
  ours: ReturnType<typeof measureAll>,
  theirs: ReturnType<typeof ffmpegSliceHeaders>,
) {
  assert.ok(ours.length > 0, `${label}: no slices`);
  assert.equal(ours.length, theirs.length, `${label}: slice count`);
  ours.forEach((o, i) => {
    assert.deepEqual({ type: o.type, endBit: o.endBit }, theirs[i], `${label}: slice ${i}`);
    // plausible: NAL header, a header of at least one byte, never past the NAL unit
    assert.ok(
      o.bytes >= 3 && o.bytes <= o.size && o.bytes > o.endBit / 8,
      `${label}: slice ${i} ${o.bytes} bytes`,
    );
  });
}

const mediaSkip = noMedia || toolMissing('ffmpeg');

describe('H.265 slice segment headers agree with FFmpeg (§8.6)', () => {
  it('hevc-rep.mp4: every VCL NAL unit, parameter sets from hvcC and in band', { skip: mediaSkip }, () => {
    const file = readFileSync(path.join(boxesDir, 'hevc-rep.mp4'));
    const track = cencTrackOf(file);
    assert.equal(track.format, 'hev1');
    assert.deepEqual(
      track.parameterSets.map((p) => nalType(p)),
      [32, 33, 34],
    );
    const ours = measureAll(mp4Nals(file, track.nal!.lengthSize), track.parameterSets);
    assertAgreesWithFfmpeg('hevc-rep', ours, ffmpegSliceHeaders(file, 'mp4'));
    assert.equal(ours.length, 144);
    assert.deepEqual(
      [...new Set(ours.map((o) => o.type))].sort((a, b) => a - b),
      [0, 1, 20],
    );
  });

  const x265 = x265Missing();
  const clips: [string, string[]][] = [
    [
      'B pyramid, weighted prediction, slices, sub-layers, HRD, CRA/RASL',
      [
        '-pix_fmt',
        'yuv420p',
        '-x265-params',
        'keyint=12:bframes=4:b-pyramid=1:ref=4:weightp=1:weightb=1:slices=3:open-gop=1:temporal-layers=1:hrd=1:vbv-maxrate=300:vbv-bufsize=300:deblock=1,-1:cbqpoffs=2:crqpoffs=-2:aq-mode=2:scaling-list=default',
      ],
    ],
    [
      '4:4:4 10-bit, no WPP, no SAO or deblocking, transform skip, lossless CUs',
      [
        '-pix_fmt',
        'yuv444p10le',
        '-x265-params',
        'keyint=8:bframes=3:no-wpp=1:sao=0:no-deblock=1:tskip=1:cu-lossless=1:constrained-intra=1:ref=3:rect=1:amp=1',
      ],
    ],
    ['monochrome, lossless', ['-pix_fmt', 'gray', '-x265-params', 'keyint=10:bframes=2:lossless=1']],
    [
      '4:2:2, two slices, intra refresh',
      [
        '-pix_fmt',
        'yuv422p',
        '-x265-params',
        'keyint=6:bframes=2:ref=2:slices=2:deblock=-2,2:intra-refresh=1',
      ],
    ],
  ];
  for (const [label, args] of clips)
    it(`x265: ${label}`, { skip: x265 }, () => {
      const stream = execFileSync(
        'ffmpeg',
        [
          ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=208x120:rate=24:duration=1'],
          ...['-c:v', 'libx265', ...args.slice(0, -1), `log-level=error:${args.at(-1)!}`, '-f', 'hevc', '-'],
        ],
        { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      assertAgreesWithFfmpeg(label, measureAll(annexBNals(stream)), ffmpegSliceHeaders(stream, 'hevc'));
    });
});

/** A skip reason when ffmpeg lacks libx265 (with CI=true a failure, as for a missing tool). */
function x265Missing(): string | false {
  const noFfmpeg = toolMissing('ffmpeg');
  if (noFfmpeg) return noFfmpeg;
  const encoders = spawnSync('ffmpeg', ['-hide_banner', '-encoders']).stdout.toString();
  if (/\blibx265\b/.test(encoders)) return false;
  const msg = "ffmpeg has no libx265 encoder (Debian's ffmpeg package has it)";
  if (process.env.CI === 'true') throw new Error(`${msg} — required when CI=true`);
  console.log(`# bmff: ${msg}; skipping`);
  return msg;
}

/** Writes RBSP bits the way an encoder does; `nal` adds the 2-byte header and emulation prevention. */
class BitWriter {
  private bits: number[] = [];
  get length(): number {
    return this.bits.length;
  }
  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }
  flag(v: boolean | 0 | 1): this {
    return this.u(1, v ? 1 : 0);
  }
  ue(v: number): this {
    const len = Math.floor(Math.log2(v + 1));
    return this.u(len, 0).u(len + 1, v + 1);
  }
  se(v: number): this {
    return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }
  zeros(n: number): this {
    return this.u(n, 0);
  }
  /** byte_alignment() of a slice header, or rbsp_trailing_bits(). */
  align(): this {
    this.u(1, 1);
    while (this.bits.length % 8) this.bits.push(0);
    return this;
  }
  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
    return out;
  }
}

/** A NAL unit: header (layer 0 unless given, TemporalId 0) and the escaped RBSP. */
function nalUnit(type: number, rbsp: Buffer, layer = 0): Buffer {
  const out: number[] = [(type << 1) | (layer >> 5), ((layer & 31) << 3) | 1];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** An SPS: two temporal sub-layers, scaling lists, PCM, three short-term sets (two predicted), long-term candidates, a VUI with HRD. */
function syntheticSps(extension: 'none' | 'range' | 'scc' = 'none'): Buffer {
  const w = new BitWriter().u(4, 0).u(3, 1).flag(1);
  w.u(8, 0x01).u(32, 0x60000000).u(48, 0).u(8, 93); // general profile, tier, level
  w.flag(1)
    .flag(1)
    .zeros(2 * 7); // sub-layer 0 profile and level present, reserved bits
  w.u(8, 1).zeros(80).u(8, 90); // sub-layer profile (88 bits) and level
  w.ue(0).ue(1).ue(64).ue(64).flag(0).ue(0).ue(0).ue(12); // ids, 4:2:0, 64x64, 16-bit POC LSBs
  w.flag(1).ue(3).ue(1).ue(0).ue(3).ue(1).ue(0); // ordering info for both sub-layers
  w.ue(0).ue(1).ue(0).ue(2).ue(1).ue(1); // 16x16 CTBs: 16 CTBs, a 4-bit slice_segment_address
  w.flag(1).flag(1); // scaling lists with data
  for (let sizeId = 0; sizeId < 4; sizeId++)
    for (let m = 0; m < 6; m += sizeId === 3 ? 3 : 1) {
      if ((sizeId === 0 && m === 0) || (sizeId === 2 && m === 1)) {
        w.flag(1);
        if (sizeId > 1) w.se(5);
        for (let i = 0; i < Math.min(64, 1 << (4 + 2 * sizeId)); i++) w.se(i % 3 === 0 ? 1 : -1);
      } else w.flag(0).ue(0);
    }
  w.flag(0).flag(1).flag(1).u(4, 7).u(4, 7).ue(0).ue(1).flag(0); // AMP off, SAO, PCM
  w.ue(3);
  // set 0: -1 (used), -3, +1 (used)
  w.ue(2).ue(1).ue(0).flag(1).ue(1).flag(0).ue(0).flag(1);
  // set 1 from set 0, deltaRps = -1: pictures -1, -2 (used), -4
  w.flag(1).u(1, 1).ue(0).flag(1).flag(0).flag(1).flag(1).flag(1);
  // set 2 from set 1, deltaRps = +2: pictures -2 and +1 used, +2 kept (the flag for -2 + 2 = 0 counts for nothing)
  w.flag(1).u(1, 0).ue(1).flag(1).flag(1).flag(1).flag(0).flag(1);
  w.flag(1).ue(2).u(16, 100).flag(1).u(16, 200).flag(0); // long-term candidates: used, unused
  w.flag(1).flag(0).flag(1); // temporal MVP, no strong smoothing, VUI
  w.flag(1).u(8, 255).u(16, 4).u(16, 3).flag(0).flag(1).u(3, 5).flag(0).flag(1).u(24, 0x010101);
  w.flag(1).ue(0).ue(0).zeros(3).flag(1).ue(0).ue(8).ue(0).ue(8);
  w.flag(1).u(32, 1).u(32, 24).flag(1).ue(0).flag(1); // timing, HRD
  w.flag(1).flag(0).flag(1).u(8, 23).u(5, 31).flag(1).u(5, 31).u(4, 0).u(4, 2).u(4, 1).u(15, 0x7fff);
  for (let i = 0; i <= 1; i++) {
    w.flag(0).flag(0).flag(0).ue(1); // not fixed rate, not low delay, two CPBs
    for (let j = 0; j < 2; j++)
      w.ue(1000)
        .ue(2000)
        .ue(50)
        .ue(60)
        .flag(j === 1);
  }
  w.flag(1).zeros(3).ue(0).ue(2).ue(1).ue(15).ue(15); // bitstream restriction
  if (extension === 'none') w.flag(0);
  else
    w.flag(1)
      .flag(1)
      .flag(0)
      .flag(0)
      .flag(extension === 'scc')
      .u(4, 0);
  return nalUnit(33, w.align().bytes());
}

/** A PPS: dependent slices, output flag, two extra header bits, tiles, lists modification, header extension, chroma QP offset lists. */
function syntheticPps(): Buffer {
  const w = new BitWriter().ue(0).ue(0).flag(1).flag(1).u(3, 2).flag(0).flag(1);
  w.ue(1).ue(0).se(0).flag(0).flag(1).flag(1).ue(1).se(0).se(0).flag(1); // l0 default 2, l1 1
  w.flag(1).flag(1).flag(0).flag(1).flag(0); // weighted pred and bipred, tiles
  w.ue(1).ue(0).flag(0).ue(1).flag(1); // two tile columns, explicit widths
  w.flag(1).flag(1).flag(1).flag(0).se(1).se(-1); // across slices, deblocking override enabled
  w.flag(0).flag(1).ue(0).flag(1); // lists modification, header extension
  w.flag(1).flag(1).flag(0).flag(0).flag(0).u(4, 0); // range extension only
  w.ue(0).flag(0).flag(1).ue(0).ue(0).se(1).se(-1).ue(0).ue(0);
  return nalUnit(34, w.align().bytes());
}

describe('H.265 slice segment headers on a hand-built stream (§8.6)', () => {
  const parser = () => {
    const p = new H265SliceHeaders();
    p.parameterSet(syntheticSps());
    p.parameterSet(syntheticPps());
    return p;
  };
  const slice = (type: number, w: BitWriter, data = Buffer.from([0, 0, 1, 0x55, 0, 0, 0, 0x99])) => {
    const bits = w.length;
    const header = nalUnit(type, w.align().bytes());
    return { nal: nalUnit(type, Buffer.concat([w.bytes(), data])), bits, headerBytes: header.length };
  };
  /** The parser reads exactly the written bits (then byte_alignment()) and counts the stored bytes. */
  const assertMeasured = (p: H265SliceHeaders, s: ReturnType<typeof slice>) => {
    assert.deepEqual(p.measure(s.nal), { bits: s.bits, bytes: s.headerBytes }, p.failure ?? '');
  };

  /** A B slice segment, not the first in its picture, with everything the PPS and SPS allow. */
  const bSlice = () => {
    const w = new BitWriter().flag(0).ue(0).flag(0).u(4, 5); // pps 0, independent, address 5
    w.u(2, 0).ue(0).flag(1).u(16, 0); // reserved bits, B, pic_output_flag, POC LSB 0
    // own set predicted from SPS set 1 (delta_idx_minus1 = 1), deltaRps = -1: -2 used, -1 and
    // -3 kept for later pictures, -5 dropped
    w.flag(0).flag(1).ue(1).u(1, 1).ue(0).flag(1).flag(0).flag(1).flag(0).flag(0).flag(0).flag(1);
    // one long-term picture from the SPS (used), one coded (not used): NumPicTotalCurr = 1 + 1
    w.ue(1).ue(1).u(1, 0).flag(1).ue(2).u(16, 300).flag(0).flag(0);
    w.flag(1).flag(0).flag(0); // temporal MVP; SAO off
    w.flag(1).ue(2).ue(1); // 3 and 2 active references
    w.flag(1).u(1, 1).u(1, 0).u(1, 1).flag(1).u(1, 1).u(1, 0); // list entries: Ceil(Log2(2)) bits
    w.flag(0).flag(1).flag(0).ue(1); // mvd_l1_zero, cabac_init, collocated from L1, index 1
    w.ue(3).se(0).flag(1).flag(0).flag(0).flag(0).flag(1).flag(0).se(2).se(-2).se(1).se(1).se(1).se(1);
    w.flag(0).flag(1).flag(1).flag(0).se(1).se(1).se(1).se(1).se(-3).se(3); // pred_weight_table L1
    w.ue(0).se(-3).se(1).se(-1).flag(1); // merge candidates, QP deltas, cu_chroma_qp_offset
    w.flag(1).flag(0).se(1).se(-1).flag(1); // deblocking override, across slices
    w.ue(1).ue(9).u(10, 700); // one entry point (tiles)
    w.ue(4).u(32, 0); // header extension: four zero bytes (an emulation-prevention byte)
    return slice(1, w);
  };

  it('measures a B slice with every optional part, emulation prevention included', () => {
    const s = bSlice();
    assertMeasured(parser(), s);
    assert.ok(
      s.headerBytes > 2 + Math.ceil((s.bits + 1) / 8),
      'an emulation-prevention byte falls inside the header',
    );
  });

  it('measures an IDR and a dependent slice segment', () => {
    const p = parser();
    // first in picture, no_output_of_prior_pics, PPS 0, reserved bits, I, no output, SAO luma and
    // chroma, QP deltas, cu_chroma_qp_offset, no override, across slices, no entry points, no extension
    const idr = new BitWriter().flag(1).flag(0).ue(0).u(2, 3).ue(2).flag(0).flag(1).flag(0);
    idr.se(2).se(0).se(0).flag(0).flag(0).flag(1).ue(0).ue(0);
    const i = slice(19, idr);
    assertMeasured(p, i);
    // dependent: only the address, the entry points and the extension length
    const dep = slice(1, new BitWriter().flag(0).ue(0).flag(1).u(4, 9).ue(0).ue(0));
    assertMeasured(p, dep);
    assert.equal(dep.headerBytes, 2 + 2);
  });

  it('measures a P slice using a predicted SPS set, with list modification and weights', () => {
    const w = new BitWriter().flag(0).ue(0).flag(0).u(4, 15).u(2, 1).ue(1).flag(0).u(16, 7);
    w.flag(1).u(2, 2).ue(0).ue(0).flag(1).flag(1).flag(1); // SPS set 2: NumPicTotalCurr = 2
    w.flag(0).flag(1).u(1, 1).u(1, 0).flag(0).ue(1); // default 2 refs, entries of Ceil(Log2(2)) bits
    w.ue(2).se(-1).flag(0).flag(1).flag(1).flag(0).se(3).se(-3).se(0).se(0).se(0).se(0); // weights
    w.ue(2).se(0).se(0).se(0).flag(0).flag(0).flag(1).ue(0).ue(0);
    const p = slice(1, w);
    assertMeasured(parser(), p);
  });

  it('leaves unreadable slices unmeasured, saying why', () => {
    const s = bSlice();
    const empty = new H265SliceHeaders();
    assert.equal(empty.headerBytes(s.nal), null);
    assert.match(empty.failure ?? '', /unknown PPS 0/);
    const scc = new H265SliceHeaders();
    scc.parameterSet(syntheticSps('scc'));
    scc.parameterSet(syntheticPps());
    assert.equal(scc.headerBytes(s.nal), null);
    assert.match(scc.failure ?? '', /screen-content/);
    const range = new H265SliceHeaders();
    range.parameterSet(syntheticSps('range'));
    range.parameterSet(syntheticPps());
    assert.equal(range.headerBytes(s.nal), s.headerBytes);
    const p = parser();
    assert.equal(p.headerBytes(nalUnit(1, s.nal.subarray(2), 1)), null, 'nuh_layer_id 1');
    assert.match(p.failure ?? '', /multi-layer/);
    assert.equal(p.headerBytes(s.nal.subarray(0, 6)), null, 'cut short');
    assert.equal(p.headerBytes(nalUnit(12, s.nal.subarray(2))), null, 'reserved VCL type');
  });
});
