// DMAP codec: the §2.11 byte vectors both ways, every type's range, a round trip for every
// registry row, width-mismatch warnings and typed decode errors (daap.md §13.1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_CODES } from '../../../src/dmap/content-codes.js';
import { decode, decodeAll, DmapDecodeError } from '../../../src/dmap/decode.js';
import {
  concat,
  container,
  element,
  encodeFields,
  DmapEncodeError,
  type DmapScalar,
} from '../../../src/dmap/encode.js';
import { boundsOf, widthOf, type DmapType } from '../../../src/dmap/types.js';
import { packVersion, unpackVersion } from '../../../src/dmap/version.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const VECTORS: [string, DmapScalar, string, unknown?][] = [
  ['mstt', 200, '6d737474 00000004 000000c8'],
  ['mikd', 2, '6d696b64 00000001 02'],
  ['astn', 7, '6173746e 00000002 0007'],
  ['asrv', -5, '61737276 00000001 fb'],
  ['msto', -3600, '6d73746f 00000004 fffff1f0'],
  ['mper', 0x0123456789abcdefn, '6d706572 00000008 0123456789abcdef'],
  ['minm', 'Hé', '6d696e6d 00000003 48c3a9'],
  ['minm', '', '6d696e6d 00000000'],
  ['asda', new Date('2024-01-01T00:00:00Z'), '61736461 00000004 65920080'],
  ['mpro', { major: 2, minor: 0, patch: 10 }, '6d70726f 00000004 0002000a'],
  ['apro', { major: 3, minor: 0, patch: 12 }, '6170726f 00000004 0003000c'],
  ['mcnm', 'miid', '6d636e6d 00000004 6d696964'],
  ['ascd', 'mp4a', '61736364 00000004 6d703461'],
  ['mshc', 'A'.charCodeAt(0), '6d736863 00000002 0041'],
];

test('§2.11 vectors encode and decode both ways', () => {
  for (const [code, value, bytes] of VECTORS) {
    const enc = element(code, value);
    assert.equal(enc.toString('hex'), hex(bytes).toString('hex'), `${code} encode`);
    const { nodes, warnings } = decodeAll(enc);
    assert.deepEqual(warnings, []);
    assert.deepEqual(nodes[0]!.value, value, `${code} decode`);
  }
});

test('§2.11 container vectors and version 3.1.2', () => {
  const mlog = concat(container('mlog', [element('mstt', 200), element('mlid', 42)]));
  assert.equal(
    mlog.toString('hex'),
    hex('6d6c6f67 00000018 6d737474 00000004 000000c8 6d6c6964 00000004 0000002a').toString('hex'),
  );
  const mupd = concat(
    container('mupd', [
      encodeFields([
        ['mstt', 200],
        ['musr', 3],
      ]),
    ]),
  );
  assert.equal(
    mupd.toString('hex'),
    hex('6d757064 00000018 6d737474 00000004 000000c8 6d757372 00000004 00000003').toString('hex'),
  );
  const root = decode(mlog).root;
  assert.deepEqual(
    (root.value as { code: string; value: unknown }[]).map((n) => [n.code, n.value]),
    [
      ['mstt', 200],
      ['mlid', 42],
    ],
  );
  assert.equal(packVersion('3.1.2').toString(16).padStart(8, '0'), '00030102');
  assert.equal(packVersion('3.0.12'), 196620);
  assert.deepEqual(unpackVersion(0x00030102), { major: 3, minor: 1, patch: 2 });
  assert.equal(element('aeSV', packVersion('3.0.12')).toString('hex'), '61655356000000040003000c');
});

const SAMPLE: Record<number, string> = { 1: 'mikd', 2: 'asrv', 3: 'astn', 5: 'mstt', 6: 'msto', 7: 'mper' };

test('every integer type at its minimum and maximum; out of range throws', () => {
  for (const [t, code] of Object.entries(SAMPLE)) {
    const [lo, hi] = boundsOf(Number(t) as 1);
    for (const v of [lo, hi]) {
      const enc = element(code, v);
      assert.equal(enc.length, 8 + (widthOf(Number(t) as DmapType) as number));
      assert.equal(BigInt(decodeAll(enc).nodes[0]!.value as number), v);
    }
    assert.throws(() => element(code, hi + 1n), DmapEncodeError);
    assert.throws(() => element(code, lo - 1n), DmapEncodeError);
  }
  // Width comes from the registry, never from the value: track 7 is 00 07.
  assert.equal(element('astn', 7).length, 10);
});

test('dates outside the u32 range are left out, not wrapped', () => {
  assert.equal(encodeFields([['asda', new Date('1969-12-31T23:59:59Z')]]).length, 0);
  assert.equal(encodeFields([['asda', new Date('2106-02-07T06:28:16Z')]]).length, 0);
  assert.equal(encodeFields([['asda', new Date('2106-02-07T06:28:15Z')]]).length, 12);
});

test('lone surrogates are written as U+FFFD', () => {
  assert.equal(element('minm', 'a\ud800b').subarray(8).toString('hex'), '61efbfbd62');
});

function sampleValue(type: DmapType, code: string): DmapScalar | undefined {
  if (code === 'mcnm') return 'mlit';
  if (code === 'ascd') return 'alac';
  switch (type) {
    case 1:
      return 0xfe;
    case 2:
      return -100;
    case 3:
      return 0xfffe;
    case 4:
      return -30000;
    case 5:
      return 0xfffffffe;
    case 6:
      return -2_000_000_000;
    case 7:
      return (1n << 64n) - 2n;
    case 8:
      return -(1n << 62n);
    case 9:
      return `ü-${code}`;
    case 10:
      return new Date('2030-05-06T07:08:09Z');
    case 11:
      return { major: 3, minor: 1, patch: 2 };
    default:
      return undefined;
  }
}

test('round trip for every registry row', () => {
  let n = 0;
  for (const row of CONTENT_CODES) {
    if (row.type === 'decode-only') {
      // decode-only rows are named by the decoder; integers are read by their actual length
      const payload =
        row.decodeAs === 'container'
          ? '00000000'
          : row.decodeAs === 'date' || row.decodeAs === 'version'
            ? '00000004 00000001'
            : '00000002 0102';
      const { nodes } = decodeAll(Buffer.concat([Buffer.from(row.code, 'latin1'), hex(payload)]));
      assert.equal(nodes[0]!.name, row.name);
      continue;
    }
    if (row.type === 12) {
      const enc = concat(container(row.code, [element('mstt', 1)]));
      const got = decode(enc).root;
      assert.equal(got.code, row.code);
      assert.equal((got.value as unknown[]).length, 1);
      n++;
      continue;
    }
    const v = sampleValue(row.type, row.code)!;
    const enc = element(row.code, v);
    const w = widthOf(row.type);
    if (w !== 'n') assert.equal(enc.length, 8 + w, `${row.code} width`);
    const { nodes, warnings } = decodeAll(enc);
    assert.deepEqual(warnings, [], row.code);
    assert.deepEqual(nodes[0]!.value, v, `${row.code} round trip`);
    n++;
  }
  assert.ok(n > 150);
});

test('an integer sent with the wrong width is read by its length, with a warning', () => {
  const { nodes, warnings } = decodeAll(hex('6173746e 00000004 00000007'));
  assert.equal(nodes[0]!.value, 7);
  assert.equal(warnings.length, 1);
});

test('unknown tags are raw, with a tentative container reading', () => {
  const inner = element('mstt', 200);
  const buf = Buffer.concat([Buffer.from('zzzz00000000', 'latin1').subarray(0, 4), Buffer.alloc(4), inner]);
  buf.writeUInt32BE(inner.length, 4);
  const n = decodeAll(buf).nodes[0]!;
  assert.equal(n.type, 'raw');
  assert.equal(n.tentative?.[0]?.code, 'mstt');
});

test('typed decode errors with offsets', () => {
  const cases = [
    hex('6d737474 000000'),
    hex('6d737474 00000008 000000c8'),
    hex('6d6c6f67 00000010 6d737474 00000004 000000c8'),
  ];
  for (const c of cases) {
    assert.throws(
      () => decode(c),
      (e: unknown) => e instanceof DmapDecodeError && typeof e.offset === 'number',
    );
  }
  // nesting deeper than 32
  let b: Buffer = element('mstt', 1);
  for (let i = 0; i < 40; i++) b = concat(container('mlcl', [b]));
  assert.throws(() => decode(b), DmapDecodeError);
});

test('string mlit inside browse listings', () => {
  const b = hex('6162617200000009 6d6c697400000001 41');
  const n = decode(b).root;
  assert.equal((n.value as { value: unknown }[])[0]!.value, 'A');
});
