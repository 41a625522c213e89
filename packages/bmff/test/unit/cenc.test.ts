/**
 * On-the-fly encryption (drm-events.md §8): the §8.5 IV vectors and sub-sample entry, and
 * round trips — every sample of an encrypted fragment decrypts (AES-CTR with the senc IVs and
 * sub-samples) to the clear file's bytes; the stored bbb *_enc files decrypt to their clear twins
 * with the test-seed key (§2.7, §14.1).
 */
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseBoxes } from '../../src/box.js';
import { saio, saiz } from '../../src/boxes/aux-info.js';
import { senc, type EncryptionSample } from '../../src/boxes/sample-encryption.js';
import { tenc } from '../../src/boxes/tenc.js';
import { tfhd } from '../../src/boxes/tfhd.js';
import { trun } from '../../src/boxes/trun.js';
import {
  H264SliceHeaders,
  cbcsConstantIv,
  cencFragmentIvBase,
  cencTrackOf,
  cencVideoSubsamples,
  encryptFragment,
  encryptInit,
} from '../../src/cenc/index.js';
import { indexBuffer } from '../../src/index/indexer.js';
import { bbb, boxesDir, noMedia } from './helpers.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const OTF_KID = '5698e4c9acba2b6caa4ec6d384dd6b9f';
const OTF_KEY = Buffer.from('0e3dcfd270a5c556db7ac1e7d5c187ea', 'hex');
const BBB_KEY = Buffer.from('d6d39cedee9024c88b64eb1bdd617a47', 'hex');
const skip = noMedia ? { skip: noMedia } : {};

interface Decrypted {
  samples: Buffer[];
  entries: EncryptionSample[];
  saioOffset: number | undefined;
  sencAt: number;
}

/** Test-side CENC decryption of one moof+mdat fragment (ISO/IEC 23001-7 §9.5 AES-CTR). */
function decryptFragment(fragment: Buffer, key: Buffer): Decrypted {
  const top = parseBoxes(fragment, { ivSize: 8 });
  const moof = top.find((b) => b.type === 'moof')!;
  const traf = moof.child('traf')!;
  const h = traf.child('tfhd')!.get(tfhd);
  const run = traf.child('trun')!.get(trun);
  const s = traf.child('senc')!;
  const entries = s.get(senc).samples;
  let pos = moof.offset + (run.dataOffset ?? 0);
  const samples = run.samples.map((x, j) => {
    const size = x.size ?? h.defaultSampleSize ?? 0;
    const sample = Buffer.from(fragment.subarray(pos, pos + size));
    pos += size;
    const e = entries[j]!;
    const d = createDecipheriv(
      'aes-128-ctr',
      key,
      Buffer.concat([Buffer.from(e.iv, 'hex'), Buffer.alloc(16 - e.iv.length / 2)]),
    );
    let at = 0;
    for (const sub of e.subsamples ?? [{ clearBytes: 0, protectedBytes: size }]) {
      at += sub.clearBytes;
      const part = sample.subarray(at, at + sub.protectedBytes);
      d.update(part).copy(part);
      at += sub.protectedBytes;
    }
    return sample;
  });
  return {
    samples,
    entries,
    saioOffset: traf.child('saio')?.get(saio).offsets[0],
    sencAt: s.offset - moof.offset + 16,
  };
}

function clearSamples(fragment: Buffer): Buffer[] {
  const top = parseBoxes(fragment);
  const moof = top.find((b) => b.type === 'moof')!;
  const traf = moof.child('traf')!;
  const h = traf.child('tfhd')!.get(tfhd);
  const run = traf.child('trun')!.get(trun);
  let pos = moof.offset + (run.dataOffset ?? 0);
  return run.samples.map((x) => {
    const size = x.size ?? h.defaultSampleSize ?? 0;
    pos += size;
    return fragment.subarray(pos - size, pos);
  });
}

const fragmentsOf = (file: Buffer) =>
  indexBuffer(file).segments.map((s) => file.subarray(s.pos, s.pos + s.size));

describe('on-the-fly IVs (§8.5)', () => {
  it('gives the verified fragment bases and constant IVs', () => {
    assert.equal(cencFragmentIvBase(OTF_KID, 'bbb_v7', 1).toString(16).padStart(16, '0'), '0c65ef20e1421fd3');
    assert.equal(cencFragmentIvBase(OTF_KID, 'bbb_v7', 2).toString(16).padStart(16, '0'), 'c9b9c08f0560dacf');
    assert.equal(cencFragmentIvBase(OTF_KID, 'bbb_a1', 1).toString(16).padStart(16, '0'), '0906eaf67c8a1ef8');
    assert.equal(cbcsConstantIv(OTF_KID, 'bbb_v7').toString('hex'), '7cf5e34aed0082160c27bd0ca2eaa71c');
    assert.equal(cbcsConstantIv(OTF_KID, 'bbb_a1').toString('hex'), '16bbaf15a3f9f73ec8c0645f0e483ff2');
  });

  it('keeps short and non-VCL NAL units clear and splits long clear runs (§8.4)', () => {
    const nal = (type: number, size: number) => {
      const b = Buffer.alloc(4 + size, 0xaa);
      b.writeUInt32BE(size);
      b[4] = type;
      return b;
    };
    assert.deepEqual(cencVideoSubsamples(Buffer.concat([nal(7, 20), nal(5, 107)]), 4, 'avc'), [
      { clearBytes: 24 + 111, protectedBytes: 0 },
    ]);
    assert.deepEqual(cencVideoSubsamples(Buffer.concat([nal(6, 70000), nal(1, 300)]), 4, 'avc'), [
      { clearBytes: 65535, protectedBytes: 0 },
      { clearBytes: 70004 - 65535 + 304 - 208, protectedBytes: 208 },
    ]);
  });
});

describe('on-the-fly encryption of bbb (§8.2–§8.4)', skip, () => {
  it('writes encv/sinf with the KID and finds the NAL length size', () => {
    const file = bbb('bbb_v7');
    const [init] = fragmentsOf(file);
    const track = cencTrackOf(init!);
    assert.deepEqual(
      { ...track, parameterSets: track.parameterSets.length },
      {
        kind: 'video',
        format: 'avc3',
        nal: { lengthSize: 4, codec: 'avc' },
        parameterSets: 0, // avc3: the parameter sets travel in band
      },
    );
    const enc = encryptInit(init!, { scheme: 'cenc', kid: OTF_KID });
    const entry = parseBoxes(enc)
      .find((b) => b.type === 'moov')!
      .find('trak/mdia/minf/stbl/stsd')!.children[0]!;
    assert.equal(entry.type, 'encv');
    assert.equal(entry.find('sinf/frma')?.payload.toString('latin1'), 'avc3');
    const t = entry.find('sinf/schi/tenc')!.get(tenc);
    assert.equal(t.defaultKid, OTF_KID);
    assert.equal(t.defaultPerSampleIvSize, 8);
    assert.ok(indexBuffer(Buffer.concat([enc, ...fragmentsOf(file).slice(1)])).encryption);
  });

  for (const name of ['bbb_v7', 'bbb_a1']) {
    it(`${name}: every sample decrypts to the clear bytes; saio points at senc`, () => {
      const file = bbb(name);
      const [init, ...frags] = fragmentsOf(file);
      const track = cencTrackOf(init!);
      frags.forEach((frag, i) => {
        const ivBase = cencFragmentIvBase(OTF_KID, name, i + 1);
        const out = encryptFragment(frag, { scheme: 'cenc', key: OTF_KEY, ivBase, track });
        const clear = clearSamples(frag);
        const dec = decryptFragment(out, OTF_KEY);
        assert.equal(dec.samples.length, clear.length);
        dec.samples.forEach((s, j) =>
          assert.ok(s.equals(clear[j]!), `${name} fragment ${i + 1} sample ${j}`),
        );
        assert.equal(dec.saioOffset, dec.sencAt);
        const wrong = decryptFragment(out, BBB_KEY);
        assert.ok(!wrong.samples.every((s, j) => s.equals(clear[j]!)));
        if (i === 0 && name === 'bbb_v7') {
          assert.equal(dec.entries[0]!.iv, '0c65ef20e1421fd3');
          assert.deepEqual(dec.entries[0]!.subsamples, [{ clearBytes: 842, protectedBytes: 3312 }]);
        }
        const s = parseBoxes(out)
          .find((b) => b.type === 'moof')!
          .child('traf')!
          .child('saiz')!
          .get(saiz);
        assert.equal(s.sampleCount, clear.length);
      });
    });
  }

  for (const name of ['bbb_v6', 'bbb_v7', 'bbb_a1', 'bbb_a2']) {
    it(`${name}_enc decrypts with the test-seed key to ${name} (§2.7)`, () => {
      const enc = fragmentsOf(bbb(`${name}_enc`)).slice(1);
      const clear = fragmentsOf(bbb(name)).slice(1);
      assert.equal(enc.length, clear.length);
      enc.forEach((frag, i) => {
        const want = clearSamples(clear[i]!);
        const got = decryptFragment(frag, BBB_KEY).samples;
        assert.equal(got.length, want.length);
        got.forEach((s, j) => assert.ok(s.equals(want[j]!), `${name} ${i} ${j}`));
      });
    });
  }

  it('cbcs: H.264 slice headers are found, the 1:9 pattern decrypts to the clear bytes (§8.4, §8.6)', () => {
    const file = bbb('bbb_v7');
    const [init, ...frags] = fragmentsOf(file);
    const track = cencTrackOf(init!);
    const iv = cbcsConstantIv(OTF_KID, 'bbb_v7');
    let protectedNals = 0;
    for (const frag of frags.slice(0, 3)) {
      const out = encryptFragment(frag, { scheme: 'cbcs', key: OTF_KEY, constantIv: iv, track });
      const top = parseBoxes(out, { ivSize: 0 });
      const moof = top.find((b) => b.type === 'moof')!;
      const entries = moof.child('traf')!.child('senc')!.get(senc).samples;
      const clear = clearSamples(frag);
      const got = clearSamples(out).map((s) => Buffer.from(s));
      got.forEach((sample, j) => {
        let at = 0;
        for (const sub of entries[j]!.subsamples ?? []) {
          at += sub.clearBytes;
          const run = sample.subarray(at, at + sub.protectedBytes);
          at += sub.protectedBytes;
          if (sub.protectedBytes > 0) protectedNals++;
          const d = createDecipheriv('aes-128-cbc', OTF_KEY, iv);
          d.setAutoPadding(false);
          for (let b = 0; b + 16 <= run.length; b += 160) {
            const block = run.subarray(b, b + 16);
            d.update(block).copy(block);
          }
        }
        assert.ok(sample.equals(clear[j]!), `sample ${j}`);
      });
      assert.ok(!out.equals(frag));
    }
    assert.ok(protectedNals > 50, `${protectedNals} protected slices`);
    // every slice of the first fragment has a parsed header of a few bytes
    const slices = new H264SliceHeaders();
    for (const ps of track.parameterSets) slices.parameterSet(ps);
    const [first] = frags;
    let vcl = 0;
    for (const sample of clearSamples(first!)) {
      for (let pos = 0; pos < sample.length;) {
        const n = sample.readUInt32BE(pos);
        const nal = sample.subarray(pos + 4, pos + 4 + n);
        const type = nal[0]! & 0x1f;
        if (type === 7 || type === 8) slices.parameterSet(nal);
        if (type >= 1 && type <= 5) {
          const h = slices.headerBytes(nal);
          assert.ok(h !== null && h >= 2 && h < 32, `slice header ${h}`);
          vcl++;
        }
        pos += 4 + n;
      }
    }
    assert.ok(vcl >= 96, `${vcl} slices`);
  });

  it('hev1: every moof of a representation file decrypts to the clear samples (cenc)', () => {
    const file = readFileSync(path.join(boxesDir, 'hevc-rep.mp4'));
    const track = cencTrackOf(file);
    assert.equal(track.nal?.codec, 'hevc');
    const top = parseBoxes(file);
    let protectedSamples = 0;
    top.forEach((b, i) => {
      if (b.type !== 'moof') return;
      const mdat = top[i + 1]!;
      const frag = Buffer.concat([b.raw!, mdat.raw!]);
      const ivBase = cencFragmentIvBase(OTF_KID, 'hevc', i);
      const out = encryptFragment(frag, {
        scheme: 'cenc',
        key: OTF_KEY,
        ivBase,
        track,
        sourceOffset: b.offset,
      });
      const clear = clearSamples(frag);
      const dec = decryptFragment(out, OTF_KEY);
      dec.samples.forEach((sample, j) => assert.ok(sample.equals(clear[j]!), `moof ${i} sample ${j}`));
      protectedSamples += dec.entries.filter((e) => e.subsamples?.some((x) => x.protectedBytes > 0)).length;
    });
    assert.ok(protectedSamples > 0);
  });
});
