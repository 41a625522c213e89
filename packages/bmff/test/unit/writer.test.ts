import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Box,
  PIFF_SAMPLE_ENCRYPTION_UUID,
  senc as sencEntry,
  dropMehd,
  dropSidx,
  emsg,
  indexBuffer,
  insertBeforeMoof,
  insertIntoTraf,
  insertPssh,
  parseBoxes,
  piffSampleEncryption,
  pssh,
  saio,
  serializeBoxes,
  tfdt,
  toBuffers,
  trun,
} from '../../src/index.js';
import { bbb, noMedia } from './helpers.js';

function segment(name: string, k: number): Buffer {
  const buf = bbb(name);
  const s = indexBuffer(buf).segments[k]!;
  return buf.subarray(s.pos, s.pos + s.size);
}

/** Where the first senc IV lies relative to the moof start. */
function sencIvOffset(moof: Box): number {
  const senc = moof.find('traf/senc')!;
  return senc.offset - moof.offset + senc.headerSize + 8;
}

test('a grown moof moves trun data_offset and saio; untouched boxes stay views', { skip: noMedia }, () => {
  const seg = segment('bbb_v6_enc', 1);
  const boxes = parseBoxes(seg);
  const moof = boxes.find((b) => b.type === 'moof')!;
  const oldOffset = moof.find('traf/trun')!.get(trun).dataOffset!;
  const oldSaio = moof.find('traf/saio')!.get(saio).offsets[0]!;
  assert.equal(oldSaio, sencIvOffset(moof));
  moof.find('traf/tfdt')!.update(tfdt, (f) => {
    f.version = 1;
    f.baseMediaDecodeTime = 1n << 40n;
  });
  const parts = toBuffers(boxes);
  const mdatIdx = boxes.findIndex((b) => b.type === 'mdat');
  assert.equal(parts[mdatIdx]!.buffer, seg.buffer, 'mdat is passed through as a view');
  const out = Buffer.concat(parts);
  assert.equal(out.length, seg.length + 4);
  const m2 = parseBoxes(out).find((b) => b.type === 'moof')!;
  assert.equal(m2.find('traf/trun')!.get(trun).dataOffset, oldOffset + 4);
  assert.equal(m2.find('traf/saio')!.get(saio).offsets[0], oldSaio + 4);
  assert.equal(m2.find('traf/saio')!.get(saio).offsets[0], sencIvOffset(m2));
  const mdat = parseBoxes(out).find((b) => b.type === 'mdat')!;
  assert.equal(m2.find('traf/trun')!.get(trun).dataOffset, mdat.offset - m2.offset + 8);
});

test('fixSaio: false leaves saio as it was (bugs=saio)', { skip: noMedia }, () => {
  const boxes = parseBoxes(segment('bbb_v6_enc', 2));
  const moof = boxes.find((b) => b.type === 'moof')!;
  const oldSaio = moof.find('traf/saio')!.get(saio).offsets[0]!;
  const oldOffset = moof.find('traf/trun')!.get(trun).dataOffset!;
  moof.find('traf/tfdt')!.update(tfdt, (f) => void (f.version = 1));
  const m2 = parseBoxes(serializeBoxes(boxes, { fixSaio: false })).find((b) => b.type === 'moof')!;
  assert.equal(m2.find('traf/saio')!.get(saio).offsets[0], oldSaio);
  assert.equal(m2.find('traf/trun')!.get(trun).dataOffset, oldOffset + 4);
});

test(
  'insert emsg before moof, PIFF box into traf, drop sidx; pssh into moov, drop mehd',
  { skip: noMedia },
  () => {
    let boxes = parseBoxes(segment('bbb_v6_enc', 1));
    boxes = dropSidx(boxes);
    const ev = Box.create(emsg, {
      version: 1,
      flags: 0,
      schemeIdUri: 'urn:loopcast:test',
      value: '1',
      timescale: 1000,
      presentationTime: 5000n,
      eventDuration: 100,
      id: 1,
      messageData: Buffer.from('ping'),
    });
    boxes = insertBeforeMoof(boxes, ev);
    const moof = boxes.find((b) => b.type === 'moof')!;
    const traf = moof.child('traf')!;
    const senc = traf.child('senc')!.get(sencEntry);
    const piff = Box.create(piffSampleEncryption, {
      version: 0,
      flags: senc.flags,
      ivSize: senc.ivSize,
      samples: senc.samples,
    });
    insertIntoTraf(traf, piff, { before: 'saiz', after: 'senc' });
    const out = serializeBoxes(boxes);
    const parsed = parseBoxes(out);
    assert.deepEqual(
      parsed.map((b) => b.type),
      ['styp', 'emsg', 'moof', 'mdat'],
    );
    const m2 = parsed[2]!;
    const keys = m2.child('traf')!.children.map((c) => c.key);
    assert.equal(keys.indexOf(`uuid:${PIFF_SAMPLE_ENCRYPTION_UUID}`) + 1, keys.indexOf('saiz'));
    const p2 = m2.find(`traf/uuid:${PIFF_SAMPLE_ENCRYPTION_UUID}`)!.get(piffSampleEncryption);
    assert.deepEqual(p2.samples, senc.samples);
    assert.equal(m2.find('traf/trun')!.get(trun).dataOffset, parsed[3]!.offset - m2.offset + 8);
    assert.equal(m2.find('traf/saio')!.get(saio).offsets[0], sencIvOffset(m2));

    const init = bbb('bbb_v6_enc').subarray(0, 886);
    const ib = parseBoxes(init);
    const moov = ib.find((b) => b.type === 'moov')!;
    const hadPssh = moov.all('pssh').length;
    const hadMehd = moov.find('mvex/mehd') !== undefined;
    assert.equal(dropMehd(moov), hadMehd);
    insertPssh(
      moov,
      Box.create(pssh, {
        version: 1,
        flags: 0,
        systemId: '1077efecc0b24d02ace33c1e52e2fb4b',
        kids: ['1ab45440532c439994dc5c5ad9584bac'],
        data: Buffer.alloc(0),
      }),
    );
    const moov2 = parseBoxes(serializeBoxes(ib)).find((b) => b.type === 'moov')!;
    assert.equal(moov2.all('pssh').length, hadPssh + 1);
    assert.equal(moov2.find('mvex/mehd'), undefined);
    assert.equal(moov2.all('pssh').at(-1)!.get(pssh).kids[0], '1ab45440532c439994dc5c5ad9584bac');
  },
);
