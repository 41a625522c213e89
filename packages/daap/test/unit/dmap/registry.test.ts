// The §3.1 registry invariants, and /content-codes generated from it (§3.4).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_CODES } from '../../../src/dmap/content-codes.js';
import { decode, type DmapNode } from '../../../src/dmap/decode.js';
import { codeByName } from '../../../src/dmap/registry.js';
import { widthOf } from '../../../src/dmap/types.js';
import { contentCodesReply } from '../../../src/http/routes/content-codes.js';

test('codes are unique and exactly 4 bytes', () => {
  const seen = new Set<string>();
  for (const c of CONTENT_CODES) {
    assert.equal(Buffer.byteLength(c.code, 'latin1'), 4, c.code);
    assert.ok(!seen.has(c.code), `duplicate ${c.code}`);
    seen.add(c.code);
  }
});

test('names and aliases are unique among listed codes; lookups prefer listed codes', () => {
  const names = new Map<string, string>();
  for (const c of CONTENT_CODES.filter((x) => x.listed)) {
    for (const n of [c.name, ...c.aliases]) {
      assert.ok(!names.has(n), `${n} used by ${names.get(n)} and ${c.code}`);
      names.set(n, c.code);
    }
  }
  assert.equal(codeByName('com.apple.itunes.music-sharing-version')?.code, 'aeSV');
  assert.equal(codeByName('daap.songcompliation')?.code, 'asco');
});

test('every sendable code is listed and has a concrete type; aesv and decode-only are not listed', () => {
  for (const c of CONTENT_CODES) {
    if (c.listed) assert.notEqual(c.type, 'decode-only', c.code);
    if (c.type === 'decode-only') assert.equal(c.listed, false);
  }
  assert.equal(CONTENT_CODES.find((c) => c.code === 'aesv')?.listed, false);
});

test('/content-codes lists every listed code with its type, in code order', () => {
  const root = decode(contentCodesReply()).root;
  const entries = (root.value as DmapNode[]).filter((n) => n.code === 'mdcl');
  const got = entries.map((e) => {
    const kids = e.value as DmapNode[];
    return [kids.find((k) => k.code === 'mcnm')!.value, kids.find((k) => k.code === 'mcty')!.value] as const;
  });
  const listed = CONTENT_CODES.filter((c) => c.listed);
  assert.equal(got.length, listed.length);
  for (const [code, type] of got) {
    const row = listed.find((c) => c.code === code)!;
    assert.equal(type, row.type);
    if (row.type !== 'decode-only' && row.type !== 12) assert.ok(widthOf(row.type));
  }
  const codes = got.map((g) => g[0] as string);
  assert.deepEqual(codes, [...codes].sort());
  assert.ok(!codes.includes('aesv'));
});
