/**
 * `cbcs` encryption of H.265 on the fly (drm-events.md §8.4, §8.6) on the shared hevc-rep.mp4
 * (hev1, parameter sets in hvcC and in band):
 * - test-side AES-CBC 1:9 decryption with the senc sub-samples gives back the clear samples, and
 *   every slice's clear lead is its length field plus the measured slice header;
 * - FFmpeg, a decryptor that shares no code with this project, decrypts the file to the clear
 *   frames (a wrong key gives other frames), and reads the same slice headers from the encrypted
 *   file without a key as from the clear one (so no protected run starts inside a header);
 * - a slice whose PPS is unknown stays clear and is reported once (§8.6).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseBoxes } from '../../src/box.js';
import { senc, type SubSample } from '../../src/boxes/sample-encryption.js';
import { tfhd } from '../../src/boxes/tfhd.js';
import { trun } from '../../src/boxes/trun.js';
import {
  H265SliceHeaders,
  cbcsConstantIv,
  cencTrackOf,
  encryptFragment,
  encryptInit,
  type CencTrack,
} from '../../src/cenc/index.js';
import { boxesDir, noMedia, toolMissing } from './helpers.js';

const OTF_KID = '5698e4c9acba2b6caa4ec6d384dd6b9f';
const OTF_KEY = Buffer.from('0e3dcfd270a5c556db7ac1e7d5c187ea', 'hex');
const WRONG_KEY = 'd6d39cedee9024c88b64eb1bdd617a47';
const IV = cbcsConstantIv(OTF_KID, 'hevc');

const nalType = (nal: Uint8Array): number => (nal[0]! >> 1) & 0x3f;

interface Source {
  init: Buffer;
  fragments: { bytes: Buffer; offset: number }[];
  track: CencTrack;
}

/** hevc-rep.mp4 as its init part (ftyp, free, moov) and its moof+mdat fragments. */
function source(): Source {
  const file = readFileSync(path.join(boxesDir, 'hevc-rep.mp4'));
  const top = parseBoxes(file);
  const firstMoof = top.find((b) => b.type === 'moof')!;
  const fragments = top.flatMap((b, i) => {
    if (b.type !== 'moof') return [];
    const mdat = top[i + 1]!;
    return [{ bytes: file.subarray(b.offset, mdat.offset + mdat.originalSize), offset: b.offset }];
  });
  const init = file.subarray(0, firstMoof.offset);
  return { init, fragments, track: cencTrackOf(init) };
}

function encryptAll(src: Source, track = src.track, onClearSlices?: (reason: string) => void): Buffer[] {
  return src.fragments.map((f) =>
    encryptFragment(f.bytes, {
      scheme: 'cbcs',
      key: OTF_KEY,
      constantIv: IV,
      track,
      sourceOffset: f.offset,
      ...(onClearSlices ? { onClearSlices } : {}),
    }),
  );
}

/** The samples of a one-traf fragment and their senc entries (none for a clear fragment). */
function samplesOf(fragment: Buffer): { samples: Buffer[]; subsamples: SubSample[][] } {
  const moof = parseBoxes(fragment, { ivSize: 0 }).find((b) => b.type === 'moof')!;
  const traf = moof.child('traf')!;
  const h = traf.child('tfhd')!.get(tfhd);
  const run = traf.child('trun')!.get(trun);
  let pos = moof.offset + (run.dataOffset ?? 0);
  const samples = run.samples.map((s) => {
    const size = s.size ?? h.defaultSampleSize ?? 0;
    pos += size;
    return Buffer.from(fragment.subarray(pos - size, pos));
  });
  const entries = traf.child('senc')?.get(senc).samples ?? [];
  return { samples, subsamples: entries.map((e) => e.subsamples ?? []) };
}

/** Test-side cbcs: AES-128-CBC from the constant IV per protected run, 1 block in 10 (§8.4). */
function decryptCbcs(sample: Buffer, subsamples: readonly SubSample[]): Buffer {
  const out = Buffer.from(sample);
  let at = 0;
  for (const s of subsamples) {
    at += s.clearBytes;
    const run = out.subarray(at, at + s.protectedBytes);
    at += s.protectedBytes;
    const d = createDecipheriv('aes-128-cbc', OTF_KEY, IV);
    d.setAutoPadding(false);
    for (let b = 0; b + 16 <= run.length; b += 160) {
      const block = run.subarray(b, b + 16);
      d.update(block).copy(block);
    }
  }
  return out;
}

/** The length-prefixed NAL units of a sample with their start offsets. */
function nals(sample: Buffer): { at: number; nal: Buffer }[] {
  const out: { at: number; nal: Buffer }[] = [];
  for (let p = 0; p < sample.length;) {
    const n = sample.readUInt32BE(p);
    out.push({ at: p, nal: sample.subarray(p + 4, p + 4 + n) });
    p += 4 + n;
  }
  return out;
}

function ffmpeg(args: string[], input: Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ffmpeg', ['-nostats', '-hide_banner', ...args], {
    input,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/**
 * Decoded frame hashes, read from a pipe: FFmpeg 5.1 reading a seekable fragmented file takes
 * the sample encryption of every fragment from the last moof it read ahead, so only a pipe (the
 * way a player streams segments) decrypts every fragment with its own senc.
 */
function framemd5(input: Buffer, key?: string): string {
  const r = ffmpeg(
    [...(key ? ['-decryption_key', key] : []), '-f', 'mp4', '-i', '-', '-map', '0:v', '-f', 'framemd5', '-'],
    input,
  );
  return r.stdout
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .join('\n');
}

/** Every field FFmpeg reads in the slice segment headers of a stream (position, name, value). */
function sliceHeaderFields(input: Buffer): string[] {
  const r = ffmpeg(
    ['-f', 'mp4', '-i', '-', '-c', 'copy', '-bsf:v', 'trace_headers', '-f', 'null', '-'],
    input,
  );
  assert.equal(r.status, 0, r.stderr.slice(-500));
  const out: string[] = [];
  let inSlice = false;
  for (const raw of r.stderr.split('\n')) {
    const line = raw.replace(/^\[trace_headers @ [0-9a-fx]+\] /, '');
    if (/^[A-Z]/.test(line)) inSlice = line.startsWith('Slice Segment Header');
    else if (inSlice && /^\d+\s/.test(line)) out.push(line.trim());
  }
  return out;
}

const skip = noMedia ? { skip: noMedia } : {};
const ffmpegSkip = { skip: noMedia || toolMissing('ffmpeg') };

describe('cbcs encryption of H.265 on the fly (§8.4, §8.6)', () => {
  it(
    'every sample decrypts to the clear bytes; each slice stays clear up to the end of its header',
    skip,
    () => {
      const src = source();
      const enc = encryptAll(src);
      const slices = new H265SliceHeaders();
      for (const ps of src.track.parameterSets) slices.parameterSet(ps);
      let protectedSlices = 0;
      enc.forEach((out, i) => {
        const clear = samplesOf(src.fragments[i]!.bytes).samples;
        const got = samplesOf(out);
        assert.equal(got.samples.length, clear.length);
        assert.ok(!out.equals(src.fragments[i]!.bytes));
        got.samples.forEach((sample, j) => {
          const subs = got.subsamples[j]!;
          assert.equal(
            subs.reduce((n, s) => n + s.clearBytes + s.protectedBytes, 0),
            sample.length,
          );
          assert.ok(decryptCbcs(sample, subs).equals(clear[j]!), `fragment ${i} sample ${j}`);
          // the protected runs, in order, are exactly the slices' tails after their headers
          const expected: number[] = [];
          for (const { at, nal } of nals(clear[j]!)) {
            if (nalType(nal) > 31) {
              slices.parameterSet(nal);
              continue;
            }
            const header = slices.headerBytes(nal);
            assert.ok(header !== null && header >= 3 && header < 40, `header ${header}`);
            if (nal.length - header >= 16) expected.push(at + 4 + header, nal.length - header);
          }
          const runs: number[] = [];
          let pos = 0;
          for (const s of subs) {
            pos += s.clearBytes;
            if (s.protectedBytes > 0) runs.push(pos, s.protectedBytes);
            pos += s.protectedBytes;
          }
          assert.deepEqual(runs, expected, `fragment ${i} sample ${j}`);
          protectedSlices += runs.length / 2;
        });
      });
      assert.ok(protectedSlices >= 100, `${protectedSlices} protected slices`);
    },
  );

  it('FFmpeg decrypts it to the clear frames, and a wrong key gives other frames', ffmpegSkip, () => {
    const src = source();
    const init = encryptInit(src.init, { scheme: 'cbcs', kid: OTF_KID, constantIv: IV });
    const encrypted = Buffer.concat([init, ...encryptAll(src)]);
    const clear = Buffer.concat([src.init, ...src.fragments.map((f) => f.bytes)]);
    const want = framemd5(clear);
    assert.equal(want.split('\n').length, 144);
    assert.equal(framemd5(encrypted, OTF_KEY.toString('hex')), want);
    assert.notEqual(framemd5(encrypted, WRONG_KEY), want);
  });

  it('FFmpeg reads the same slice headers from the encrypted file without a key', ffmpegSkip, () => {
    const src = source();
    const init = encryptInit(src.init, { scheme: 'cbcs', kid: OTF_KID, constantIv: IV });
    const clearFields = sliceHeaderFields(Buffer.concat([src.init, ...src.fragments.map((f) => f.bytes)]));
    assert.ok(clearFields.length > 144 * 5);
    assert.deepEqual(sliceHeaderFields(Buffer.concat([init, ...encryptAll(src)])), clearFields);
  });

  it('a slice whose PPS is unknown stays clear and is reported once per fragment', skip, () => {
    const src = source();
    // the PPS only in band, renamed to a reserved non-VCL type so the parser never sees one
    const track = { ...src.track, parameterSets: src.track.parameterSets.filter((p) => nalType(p) !== 34) };
    const fragment = Buffer.from(src.fragments[0]!.bytes);
    let hidden = 0;
    for (const sample of samplesOf(fragment).samples)
      for (const { nal } of nals(sample))
        if (nalType(nal) === 34) {
          const at = fragment.indexOf(nal);
          fragment[at] = (fragment[at]! & 0x81) | (41 << 1);
          hidden++;
        }
    assert.ok(hidden > 0);
    const reasons: string[] = [];
    const out = encryptFragment(fragment, {
      scheme: 'cbcs',
      key: OTF_KEY,
      constantIv: IV,
      track,
      onClearSlices: (r) => reasons.push(r),
    });
    assert.equal(reasons.length, 1);
    assert.match(
      reasons[0]!,
      /^hev1 slice header \(NAL unit type 20\) not readable: unknown PPS 0; left clear$/,
    );
    const got = samplesOf(out);
    const clear = samplesOf(fragment).samples;
    got.samples.forEach((s, j) => {
      assert.ok(s.equals(clear[j]!));
      assert.deepEqual(got.subsamples[j], [{ clearBytes: s.length, protectedBytes: 0 }]);
    });
    // with its PPS the same fragment is encrypted and nothing is reported
    const again: string[] = [];
    encryptFragment(src.fragments[0]!.bytes, {
      scheme: 'cbcs',
      key: OTF_KEY,
      constantIv: IV,
      track: src.track,
      onClearSlices: (r) => again.push(r),
    });
    assert.deepEqual(again, []);
  });
});
