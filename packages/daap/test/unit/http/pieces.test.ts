// HTTP pieces: the Range table (§6.19), the credential table (§6.4), index windows and sort
// headers (§6.17), request-target handling (§6.1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsMatch } from '../../../src/http/auth.js';
import { resolveRange } from '../../../src/http/range.js';
import { Params, parseTarget, stripAbsolute } from '../../../src/http/request.js';
import { applyWindow, groupByLetter, parseIndex, sortHeaders, sortKey } from '../../../src/http/sort.js';

test('Range table for a 1000-byte item', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'full'],
    ['bytes=0-', '0-999'],
    ['bytes=0-99', '0-99'],
    ['bytes=500-', '500-999'],
    ['bytes=900-5000', '900-999'],
    ['bytes=-100', '900-999'],
    ['bytes=-2000', '0-999'],
    ['bytes=1000-', '416'],
    ['bytes=-0', '416'],
    ['bytes=500-100', 'full'],
    ['bytes=0-1,5-6', 'full'],
    ['items=0-5', 'full'],
    ['bytes=abc', 'full'],
  ];
  for (const [h, want] of cases) {
    const r = resolveRange(h, 1000);
    const got = r.kind === 'full' ? 'full' : r.kind === 'unsatisfiable' ? '416' : `${r.start}-${r.end}`;
    assert.equal(got, want, String(h));
  }
  assert.equal(resolveRange('bytes=0-', 0).kind, 'unsatisfiable');
  assert.equal(resolveRange(undefined, 0).kind, 'full');
});

test('credential table (password s3cret, and a:b)', () => {
  const yes = [':s3cret', 'anything:s3cret', 'iTunes_Music/1.0.6 (Macintosh; OS X 10.15.7) (dt:1):s3cret'];
  const no = ['user:s3cret:', 'user:S3CRET', 's3cret'];
  for (const c of yes) assert.equal(credentialsMatch(c, 's3cret'), true, c);
  for (const c of no) assert.equal(credentialsMatch(c, 's3cret'), false, c);
  assert.equal(credentialsMatch('x:a:b', 'a:b'), true);
});

test('absolute-URI request targets and parameters', () => {
  assert.equal(stripAbsolute('daap://10.1.1.20:3689/server-info'), '/server-info');
  assert.equal(
    parseTarget('http://h:1/databases/1/items/1.mp3?session-id=5').path,
    '/databases/1/items/1.mp3',
  );
  const p = new Params('session-id=100&&a=1&a=2&b=&c=x+y%21&');
  assert.equal(p.get('session-id'), '100');
  assert.equal(p.get('a'), '1');
  assert.equal(p.has('b'), false);
  assert.equal(p.get('c'), 'x y!');
});

test('index windows: N, N-M, N-, -n, M<N', () => {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const w = (s: string): readonly number[] => applyWindow(rows, parseIndex(s)).rows;
  assert.deepEqual(w('3'), [3]);
  assert.deepEqual(w('2-4'), [2, 3, 4]);
  assert.deepEqual(w('8-'), [8, 9]);
  assert.deepEqual(w('-2'), [8, 9]);
  assert.deepEqual(w('7-3'), [7, 8, 9]);
  assert.equal(parseIndex('x'), undefined);
});

test('sort headers: letters A–Z then the 0 group, a final 0 header always', () => {
  const names = ['beta', 'Émile', '42 things', 'alpha', 'Zed', 'ábc'];
  const grouped = groupByLetter(names, sortKey);
  assert.deepEqual(grouped, ['ábc', 'alpha', 'beta', 'Émile', 'Zed', '42 things']);
  const h = sortHeaders(grouped, sortKey);
  assert.deepEqual(h, [
    { letter: 'A', index: 0, count: 2 },
    { letter: 'B', index: 2, count: 1 },
    { letter: 'E', index: 3, count: 1 },
    { letter: 'Z', index: 4, count: 1 },
    { letter: '0', index: 5, count: 1 },
  ]);
  assert.deepEqual(sortHeaders(['a'], sortKey).at(-1), { letter: '0', index: 1, count: 0 });
});
