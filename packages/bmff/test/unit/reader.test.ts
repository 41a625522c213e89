import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BmffError,
  FileSource,
  mfhd,
  parseBoxes,
  readBoxHeader,
  serializeBoxes,
  tfdt,
} from '../../src/index.js';
import { buildRegistry, BOX_ENTRIES } from '../../src/registry.js';
import { bbb, noMedia } from './helpers.js';

function box(type: string, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'hex') : payload;
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + p.length);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, p]);
}

function parseErrorOf(fn: () => unknown): BmffError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BmffError, `expected BmffError, got ${String(e)}`);
    assert.equal(e.code, 'parse');
    return e;
  }
  assert.fail('expected a parse error');
}

test('header: 32-bit, 64-bit, size 0 to the end, uuid', () => {
  const compact = box('free', 'aabb');
  assert.deepEqual(readBoxHeader(compact, 0, compact.length), {
    type: 'free',
    size: 10,
    headerSize: 8,
    sizeForm: 'compact',
  });
  const large = Buffer.concat([
    Buffer.from('00000001736b6970', 'hex'),
    Buffer.from('0000000000000012', 'hex'),
    Buffer.from('0102', 'hex'),
  ]);
  assert.deepEqual(readBoxHeader(large, 0, large.length), {
    type: 'skip',
    size: 18,
    headerSize: 16,
    sizeForm: 'large',
  });
  const toEnd = Buffer.concat([Buffer.from('000000006d646174', 'hex'), Buffer.alloc(100)]);
  assert.equal(readBoxHeader(toEnd, 0, toEnd.length).size, 108);
  const uuid = Buffer.concat([
    Buffer.from('0000001c75756964', 'hex'),
    Buffer.alloc(16, 0xab),
    Buffer.from('01020304', 'hex'),
  ]);
  const h = readBoxHeader(uuid, 0, uuid.length);
  assert.equal(h.headerSize, 24);
  assert.equal(h.usertype, 'ab'.repeat(16));
});

test('header: every bad size is the typed parse error with an offset', () => {
  const tooSmall = Buffer.from('0000000466726565', 'hex');
  assert.match(parseErrorOf(() => readBoxHeader(tooSmall, 0, 8)).message, /smaller than its header/);
  const pastEnd = Buffer.from('0000001066726565', 'hex');
  assert.match(parseErrorOf(() => readBoxHeader(pastEnd, 0, 8)).message, /exceeds/);
  const parent = Buffer.concat([box('moov', box('free', Buffer.alloc(4)))]);
  parent.writeUInt32BE(64, 8); // child claims more than its parent holds
  assert.match(parseErrorOf(() => parseBoxes(parent)[0]!.children).message, /exceeds/);
  const large = Buffer.from('00000001736b697000000000000000', 'hex');
  assert.match(parseErrorOf(() => readBoxHeader(large, 0, large.length)).message, /64-bit size truncated/);
  const largeSmall = Buffer.from('00000001736b69700000000000000008', 'hex');
  assert.match(parseErrorOf(() => readBoxHeader(largeSmall, 0, 16)).message, /smaller/);
  const short = Buffer.from('000000', 'hex');
  const e = parseErrorOf(() => readBoxHeader(short, 0, 3, 3, 100));
  assert.equal(e.offset, 100);
  const uuidShort = Buffer.from('0000000c7575696400000000', 'hex');
  assert.match(parseErrorOf(() => readBoxHeader(uuidShort, 0, uuidShort.length)).message, /usertype/);
});

test('unknown boxes stay opaque and write back unchanged; children parse lazily', () => {
  const unknown = box('zzzz', 'deadbeef');
  const moof = box('moof', Buffer.concat([box('mfhd', '0000000000000007'), box('zzzz', 'cafe')]));
  const buf = Buffer.concat([unknown, moof]);
  const [u, m] = parseBoxes(buf);
  assert.equal(u!.entry, undefined);
  assert.equal(u!.extra!.toString('hex'), 'deadbeef');
  assert.equal(
    (m as unknown as { _children?: unknown })._children,
    undefined,
    'children not parsed before access',
  );
  assert.equal(m!.child('mfhd')!.get(mfhd).sequenceNumber, 7);
  assert.equal(m!.child('mfhd')!.offset, 12 + 8);
  assert.ok(serializeBoxes([u!, m!]).equals(buf));
  m!.child('mfhd')!.update(mfhd, (f) => void (f.sequenceNumber = 9));
  const out = serializeBoxes([u!, m!]);
  assert.equal(out.length, buf.length);
  assert.equal(parseBoxes(out)[1]!.child('mfhd')!.get(mfhd).sequenceNumber, 9);
  assert.equal(parseBoxes(out)[1]!.child('zzzz')!.extra!.toString('hex'), 'cafe');
});

test('a 64-bit-size box keeps its header form when re-serialised', () => {
  const inner = box('tfdt', '0000000000000005');
  const large = Buffer.concat([Buffer.from('00000001', 'hex'), Buffer.from('traf'), Buffer.alloc(8), inner]);
  large.writeUInt32BE(16 + inner.length, 12);
  const [traf] = parseBoxes(large);
  assert.equal(traf!.sizeForm, 'large');
  traf!.child('tfdt')!.update(tfdt, (f) => void (f.baseMediaDecodeTime = 6n));
  const out = serializeBoxes([traf!]);
  assert.equal(out.length, large.length);
  assert.equal(out.readUInt32BE(0), 1);
  assert.equal(parseBoxes(out)[0]!.child('tfdt')!.get(tfdt).baseMediaDecodeTime, 6n);
});

test('a duplicate registry key throws', () => {
  assert.throws(() => buildRegistry([...BOX_ENTRIES, BOX_ENTRIES[0]!]), /duplicate entry/);
});

test('file source walks headers and loads only requested boxes', { skip: noMedia }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bmff-reader-'));
  try {
    const file = path.join(dir, 'v6.mp4');
    const buf = bbb('bbb_v6');
    writeFileSync(file, buf);
    const fh = await open(file, 'r');
    try {
      const src = await FileSource.fromHandle(fh);
      const top = await src.scan();
      assert.deepEqual(
        top.map((b) => b.pos),
        parseBoxes(buf).map((b) => b.offset),
      );
      const moofLoc = top.find((b) => b.type === 'moof')!;
      const moof = await src.load(moofLoc);
      assert.equal(moof.offset, moofLoc.pos);
      assert.equal(moof.find('traf/tfdt')!.get(tfdt).baseMediaDecodeTime, 0n);
      assert.equal(moof.child('traf')!.offset, moofLoc.pos + 8 + 16);
    } finally {
      await fh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
