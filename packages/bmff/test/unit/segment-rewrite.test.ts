import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Box,
  PIFF_SAMPLE_ENCRYPTION_UUID,
  emsg,
  indexBuffer,
  mfhd,
  parseBoxes,
  piffSampleEncryption,
  prft,
  pssh,
  rewriteInit,
  rewriteSegment,
  saio,
  senc,
  serializeBox,
  serializeBoxes,
  tfdt,
  tfhd,
  tkhd,
  trex,
  trun,
} from '../../src/index.js';
import { bbb, noMedia, run, toolMissing } from './helpers.js';

function segments(name: string): { buf: Buffer; init: Buffer; media: Buffer[] } {
  const buf = bbb(name);
  const idx = indexBuffer(buf);
  const [init, ...rest] = idx.segments.map((s) => buf.subarray(s.pos, s.pos + s.size));
  return { buf, init: init!, media: rest };
}

function check(out: Buffer[], input: Buffer): Box[] {
  const last = out.at(-1)!;
  assert.equal(last.buffer, input.buffer, 'the mdat is a view of the input');
  assert.equal(last.toString('latin1', 4, 8), 'mdat');
  const boxes = parseBoxes(Buffer.concat(out));
  const moof = boxes.find((b) => b.type === 'moof')!;
  const mdat = boxes.find((b) => b.type === 'mdat')!;
  for (const traf of moof.all('traf')) {
    for (const r of traf.all('trun'))
      assert.equal(r.get(trun).dataOffset, mdat.offset - moof.offset + 8, 'trun points at the mdat payload');
  }
  return boxes;
}

test(
  'rewrite: mfhd, tfdt (upgraded to version 1), sidx dropped, emsg before moof, mdat untouched',
  { skip: noMedia },
  () => {
    const { media } = segments('bbb_v6');
    const seg = media[3]!;
    const ev = {
      version: 0,
      flags: 0,
      schemeIdUri: 'urn:loopcast:ping',
      value: '1',
      timescale: 240,
      presentationTimeDelta: 0,
      eventDuration: 240,
      id: 7,
      messageData: Buffer.from('ping'),
    };
    const serialized = serializeBox(Box.create(emsg, { ...ev, id: 8 }));
    const out = rewriteSegment(seg, {
      sequenceNumber: 1234,
      baseMediaDecodeTime: 2n ** 32n + 960n,
      emsg: [ev, serialized],
    });
    assert.equal(out.length, 2);
    const boxes = check(out, seg);
    assert.deepEqual(
      boxes.map((b) => b.type),
      ['styp', 'emsg', 'emsg', 'moof', 'mdat'],
    );
    assert.deepEqual(
      boxes.filter((b) => b.type === 'emsg').map((b) => b.get(emsg).id),
      [7, 8],
    );
    const moof = boxes[3]!;
    assert.equal(moof.child('mfhd')!.get(mfhd).sequenceNumber, 1234);
    const t = moof.find('traf/tfdt')!.get(tfdt);
    assert.equal(t.version, 1);
    assert.equal(t.baseMediaDecodeTime, 2n ** 32n + 960n);
    const orig = parseBoxes(seg).find((b) => b.type === 'moof')!;
    assert.equal(moof.raw!.length, orig.raw!.length + 4);
    assert.ok(out.at(-1)!.equals(seg.subarray(orig.offset + orig.raw!.length)));
  },
);

test('rewrite: emsg goes before prft before the moof (ISO/IEC 23009-1 5.10.3.3)', { skip: noMedia }, () => {
  const { media } = segments('bbb_v7');
  const seg = media[0]!;
  const out = rewriteSegment(seg, {
    sequenceNumber: 1,
    baseMediaDecodeTime: 0,
    prft: [{ version: 1, flags: 0, referenceTrackId: 1, ntpTimestamp: 1n << 40n, mediaTime: 0n }],
    emsg: [
      {
        version: 1,
        flags: 0,
        schemeIdUri: 'urn:x',
        value: '',
        timescale: 1,
        presentationTime: 0n,
        eventDuration: 0,
        id: 1,
        messageData: Buffer.alloc(0),
      },
    ],
  });
  const boxes = check(out, seg);
  assert.deepEqual(
    boxes.map((b) => b.type),
    ['styp', 'emsg', 'prft', 'moof', 'mdat'],
  );
  assert.equal(boxes[2]!.get(prft).ntpTimestamp, 1n << 40n);
});

test(
  'rewrite: small times keep tfdt version 0 and the moof size; dropSidx false keeps sidx',
  { skip: noMedia },
  () => {
    const { media } = segments('bbb_a1');
    const seg = media[1]!;
    const out = rewriteSegment(seg, { sequenceNumber: 5, baseMediaDecodeTime: 1000, dropSidx: false });
    const boxes = check(out, seg);
    assert.deepEqual(
      boxes.map((b) => b.type),
      ['styp', 'sidx', 'moof', 'mdat'],
    );
    assert.equal(Buffer.concat(out).length, seg.length);
    const t = boxes[2]!.find('traf/tfdt')!.get(tfdt);
    assert.equal(t.version, 0);
    assert.equal(t.baseMediaDecodeTime, 1000n);
  },
);

test('rewrite: a traf without tfdt gets one after tfhd; the track id can change', { skip: noMedia }, () => {
  const { media } = segments('bbb_t1');
  const boxes = parseBoxes(media[1]!);
  const traf = boxes.find((b) => b.type === 'moof')!.child('traf')!;
  traf.remove(traf.child('tfdt')!);
  const seg = serializeBoxes(boxes);
  const out = rewriteSegment(seg, { sequenceNumber: 9, baseMediaDecodeTime: 123456, trackId: 11 });
  const rb = check(out, seg);
  const t2 = rb.find((b) => b.type === 'moof')!.child('traf')!;
  assert.deepEqual(
    t2.children.map((c) => c.type),
    ['tfhd', 'tfdt', 'trun'],
  );
  assert.equal(t2.child('tfdt')!.get(tfdt).baseMediaDecodeTime, 123456n);
  assert.equal(t2.child('tfhd')!.raw!.readUInt32BE(12), 11);
});

test(
  'rewrite: saio follows senc; PIFF box appended to traf; fixSaio false reproduces bugs=saio',
  { skip: noMedia },
  () => {
    const { media } = segments('bbb_v6_enc');
    const seg = media[0]!;
    const origMoof = parseBoxes(seg).find((b) => b.type === 'moof')!;
    const s = origMoof.find('traf/senc')!.get(senc);
    const piff = serializeBox(
      Box.create(piffSampleEncryption, { version: 0, flags: s.flags, ivSize: s.ivSize, samples: s.samples }),
    );
    for (const fixSaio of [true, false]) {
      const out = rewriteSegment(seg, {
        sequenceNumber: 2,
        baseMediaDecodeTime: 2n ** 33n,
        trafBoxes: [piff],
        fixSaio,
      });
      const moof = check(out, seg).find((b) => b.type === 'moof')!;
      const sencBox = moof.find('traf/senc')!;
      const target = sencBox.offset - moof.offset + sencBox.headerSize + 8;
      const offset = moof.find('traf/saio')!.get(saio).offsets[0]!;
      if (fixSaio) assert.equal(offset, target);
      else assert.equal(offset, origMoof.find('traf/saio')!.get(saio).offsets[0]);
      assert.deepEqual(
        moof.find(`traf/uuid:${PIFF_SAMPLE_ENCRYPTION_UUID}`)!.get(piffSampleEncryption).samples,
        s.samples,
      );
    }
  },
);

test('rewrite: every malformed input is the typed error', () => {
  for (const bad of [
    Buffer.alloc(0),
    Buffer.from('00000008moov'),
    Buffer.from('0000000c6d6f6f6600000004', 'hex'),
    Buffer.from('000000106d6f6f66000000087472616600', 'hex'),
  ]) {
    try {
      rewriteSegment(bad, { sequenceNumber: 1, baseMediaDecodeTime: 0 });
    } catch (e) {
      assert.equal((e as Error).name, 'BmffError', String(e));
    }
  }
});

test('init rewrite: mehd dropped, pssh appended, track id changed', { skip: noMedia }, () => {
  const { init } = segments('bbb_a1_enc');
  const before = parseBoxes(init).find((b) => b.type === 'moov')!;
  const nPssh = before.all('pssh').length;
  const out = rewriteInit(init, {
    pssh: [
      {
        version: 0,
        flags: 0,
        systemId: 'e2719d58a985b3c9781ab030af78d30e',
        kids: [],
        data: Buffer.from('{}'),
      },
    ],
    trackId: 9,
  });
  const moov = parseBoxes(out).find((b) => b.type === 'moov')!;
  assert.equal(moov.find('mvex/mehd'), undefined);
  assert.equal(moov.all('pssh').length, nPssh + 1);
  assert.equal(moov.all('pssh').at(-1)!.get(pssh).systemId, 'e2719d58a985b3c9781ab030af78d30e');
  assert.equal(moov.find('trak/tkhd')!.get(tkhd).trackId, 9);
  assert.equal(moov.find('mvex/trex')!.get(trex).trackId, 9);
  // untouched: no plan means only mehd goes
  const plain = rewriteInit(init, { dropMehd: false });
  assert.ok(plain.equals(init));
});

test(
  'rewriting tfdt and mfhd of every bbb fragment keeps ffmpeg decoding frame for frame',
  { skip: noMedia || toolMissing('ffmpeg') },
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bmff-rewrite-'));
    try {
      for (const name of ['bbb_v6', 'bbb_v7', 'bbb_a1', 'bbb_a2']) {
        const { buf, init, media } = segments(name);
        const parts: Buffer[] = [rewriteInit(init)];
        // far in the future, so every tfdt becomes version 1 and every moof grows
        let t = 3n * 2n ** 32n;
        const idx = indexBuffer(buf);
        media.forEach((seg, k) => {
          parts.push(...rewriteSegment(seg, { sequenceNumber: 100 + k, baseMediaDecodeTime: t }));
          t += BigInt(idx.segments[k + 1]!.duration!);
        });
        const original = path.join(dir, `${name}.mp4`);
        const rewritten = path.join(dir, `${name}-live.mp4`);
        writeFileSync(original, buf);
        writeFileSync(rewritten, Buffer.concat(parts));
        // columns: stream, dts, pts, duration, size, hash — times differ by design
        const frames = (f: string): string[] =>
          run('ffmpeg', ['-v', 'error', '-i', f, '-map', '0:0', '-f', 'framemd5', '-'])
            .split('\n')
            .filter((l) => l && !l.startsWith('#'))
            .map((l) => l.split(',').slice(4).join(',').trim());
        const a = frames(original);
        const b = frames(rewritten);
        assert.ok(a.length >= 96, `${name}: ${a.length} frames decoded`);
        assert.deepEqual(b, a, `${name}: decoded frames differ`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'rewrite: piff copies senc into the PIFF box before saiz; saio keeps pointing at senc',
  { skip: noMedia },
  () => {
    for (const name of ['bbb_v6_enc', 'bbb_a1_enc']) {
      const { media } = segments(name);
      for (const seg of media.slice(0, 3)) {
        const orig = parseBoxes(seg).find((b) => b.type === 'moof')!;
        const origSaio = orig.find('traf/saio')!.get(saio).offsets[0]!;
        for (const fixSaio of [true, false]) {
          const out = rewriteSegment(seg, {
            sequenceNumber: 1,
            baseMediaDecodeTime: 2n ** 40n,
            piff: true,
            fixSaio,
          });
          const moof = check(out, seg).find((b) => b.type === 'moof')!;
          const traf = moof.child('traf')!;
          const kids = traf.children.map((c) => c.key);
          const piffKey = `uuid:${PIFF_SAMPLE_ENCRYPTION_UUID}`;
          assert.equal(kids.indexOf(piffKey) + 1, kids.indexOf('saiz'), `${name}: ${kids.join(',')}`);
          const p = traf.child(piffKey)!.get(piffSampleEncryption);
          const s = traf.child('senc')!.get(senc);
          assert.deepEqual(p.samples, s.samples);
          assert.equal(p.flags & 1, 0);
          const sencBox = traf.child('senc')!;
          const offset = traf.child('saio')!.get(saio).offsets[0];
          if (fixSaio) assert.equal(offset, sencBox.offset - moof.offset + sencBox.headerSize + 8);
          else assert.equal(offset, origSaio);
        }
      }
    }
  },
);

test(
  'rewrite: an explicit base_data_offset becomes the moof position; a missing data_offset is set',
  { skip: noMedia },
  () => {
    const buf = bbb('bbb_t1');
    const idx = indexBuffer(buf);
    const s2 = idx.segments[2]!;
    const boxes = parseBoxes(buf.subarray(s2.pos, s2.pos + s2.size));
    const moof = boxes.find((b) => b.type === 'moof')!;
    const mdat = boxes.find((b) => b.type === 'mdat')!;
    // packager style: absolute base pointing at the mdat payload, no data_offset in trun
    moof.find('traf/tfhd')!.update(tfhd, (f) => {
      f.flags = (f.flags & ~0x020000) | 0x000001;
      f.baseDataOffset = BigInt(s2.pos + mdat.offset + 8 + 4); // +4: tfhd grows by 8, trun shrinks by 4
    });
    moof.find('traf/trun')!.update(trun, (f) => {
      f.flags &= ~1;
      delete f.dataOffset;
    });
    const seg = serializeBoxes(boxes, { fixOffsets: false });
    const m0 = parseBoxes(seg).find((b) => b.type === 'moof')!;
    const md0 = parseBoxes(seg).find((b) => b.type === 'mdat')!;
    assert.equal(
      Number(m0.find('traf/tfhd')!.get(tfhd).baseDataOffset),
      s2.pos + md0.offset + 8,
      'test input is consistent',
    );
    const out = rewriteSegment(seg, {
      sequenceNumber: 3,
      baseMediaDecodeTime: 2n ** 35n,
      emsg: [Buffer.from('0000000866726565', 'hex')],
      sourceOffset: s2.pos,
    });
    const rb = parseBoxes(Buffer.concat(out));
    const m1 = rb.find((b) => b.type === 'moof')!;
    const md1 = rb.find((b) => b.type === 'mdat')!;
    const base = Number(m1.find('traf/tfhd')!.get(tfhd).baseDataOffset);
    assert.equal(base, m1.offset, 'base is the moof position in the response');
    const r = m1.find('traf/trun')!.get(trun);
    assert.equal(r.flags & 1, 1);
    assert.equal(base + r.dataOffset!, md1.offset + 8, 'data_offset points at the same sample bytes');
    assert.ok(out.at(-1)!.equals(seg.subarray(md0.offset)));
  },
);
