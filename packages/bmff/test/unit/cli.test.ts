import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { indexBuffer, runMp4Command } from '../../src/index.js';
import { bbb, bbbDir, boxesDir, noMedia } from './helpers.js';

async function mp4(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMp4Command(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('usage errors exit 2, --help exits 0', async () => {
  assert.equal((await mp4()).code, 2);
  assert.equal((await mp4('frobnicate')).code, 2);
  assert.equal((await mp4('dump')).code, 2);
  assert.equal((await mp4('dump', 'x.mp4', '--segment', 'abc')).code, 2);
  assert.equal((await mp4('index', 'x.mp4', '--bogus')).code, 2);
  for (const args of [['--help'], ['dump', '--help'], ['index', '--help']]) {
    const r = await mp4(...args);
    assert.equal(r.code, 0);
    assert.match(r.out, /usage: loopcast mp4/);
  }
});

test('failures exit 1 with one line naming what failed', { skip: noMedia }, async () => {
  const r = await mp4('index', path.join(boxesDir, 'moov.mp4'), '--json');
  assert.equal(r.code, 1);
  assert.match(r.err, /not-fragmented/);
  assert.equal(r.err.split('\n').length, 1);
  const missing = await mp4('dump', '/nonexistent.mp4');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /unreadable/);
  const seg = await mp4('dump', path.join(bbbDir, 'bbb_t1.mp4'), '--segment', '99');
  assert.equal(seg.code, 1);
  assert.match(seg.err, /segment 99/);
});

test(
  'index --json prints the stored index with segments as {pos, size, duration}',
  { skip: noMedia },
  async () => {
    const r = await mp4('index', path.join(bbbDir, 'bbb_v6.mp4'), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { segments: Record<string, number>[]; codecs: string; timescale: number };
    const idx = indexBuffer(bbb('bbb_v6'));
    assert.equal(j.codecs, idx.codecs);
    assert.deepEqual(j.segments[0], { pos: 0, size: 786 });
    assert.deepEqual(j.segments[1], { pos: 786, size: 182825, duration: 960 });
    assert.equal(j.segments.length, 11);
    const text = await mp4('index', path.join(bbbDir, 'bbb_v6.mp4'));
    assert.match(text.out, /avc3\.640028/);
  },
);

test('dump shows every box with its fields, of the file or of one segment', { skip: noMedia }, async () => {
  const r = await mp4('dump', path.join(bbbDir, 'bbb_v6_enc.mp4'), '--json', '--segment', '2');
  assert.equal(r.code, 0, r.err);
  const nodes = JSON.parse(r.out) as {
    type: string;
    children?: { type: string; fields?: Record<string, unknown>; children?: unknown[] }[];
  }[];
  assert.deepEqual(
    nodes.map((n) => n.type),
    ['styp', 'sidx', 'moof', 'mdat'],
  );
  const moof = nodes[2]!;
  assert.equal(moof.children![0]!.fields!.sequenceNumber, 2);
  const whole = await mp4('dump', path.join(boxesDir, 'enc-moov.mp4'));
  assert.equal(whole.code, 0);
  for (const t of ['moov', 'tenc', 'defaultKid', 'schm', 'frma', 'encv', 'avcC'])
    assert.ok(whole.out.includes(t), t);
  const shown = await mp4('dump', path.join(boxesDir, 'enc-moov.mp4'), '--show', 'tenc', '--json');
  assert.deepEqual(
    (JSON.parse(shown.out) as { type: string }[]).map((n) => n.type),
    ['tenc'],
  );
});
