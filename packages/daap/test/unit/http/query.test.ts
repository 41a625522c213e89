// The query language test vectors Q1–Q20 (daap.md §6.18), through the HTTP handler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaapHandler } from '../../../src/http/handler.js';
import { Share } from '../../../src/model/share.js';
import { MemoryMedia } from '../../../src/media/file-media.js';
import { parseQuery } from '../../../src/http/query.js';
import { all, call, find } from '../../support/invoke.js';
import { QUERY_ITEMS } from '../../support/fixtures.js';

const share = new Share({ name: 'Loopcast Music', persistentId: 5n });
const db = share.addDatabase({ id: 1, name: 'Loopcast Music' });
for (const it of QUERY_ITEMS) db.items.put(it);
db.addContainer({ id: 2, name: 'Favourites' });
db.addContainer({ id: 3, name: 'Empty' });
share.update();
const handler = createDaapHandler({ share, media: new MemoryMedia(() => undefined) });
let sid = 0;

async function ids(path: string, rawQuery: string, enc = true): Promise<number[]> {
  if (sid === 0) {
    const r = await call(handler, '/login');
    sid = find(r.root, 'mlid')!.value as number;
  }
  const q = enc ? encodeURIComponent(rawQuery) : rawQuery;
  const r = await call(handler, `${path}?session-id=${sid}&query=${q}`);
  assert.equal(r.status, 200);
  return all(find(r.root, 'mlcl'), 'mlit')
    .map((n) => find(n, 'miid')!.value as number)
    .sort((a, b) => a - b);
}

const ALL = [101, 102, 103, 104, 105, 106];
const VECTORS: [string, string, number[]][] = [
  ['Q1', "'com.apple.itunes.extended-media-kind:32'", [105]],
  [
    'Q2',
    "('daap.songartist!:' ('com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32'))",
    [101, 102, 105, 106],
  ],
  ['Q3', "'daap.songgenre:Kid\\'s Audiobooks'", [103]],
  [
    'Q4',
    "('daap.songartist:*cfbnk*' ('com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32') 'daap.songartist!:')",
    [105, 106],
  ],
  ['Q5', "'daap.songalbumid:1034227734086706124'", [101, 102]],
  ['Q6', "'daap.songalbumid:0'", ALL],
  ['Q7', "'dmap.itemname:intro'", [101]],
  ['Q8', "'dmap.itemname:*o*'", [101, 102]],
  ['Q9', "'daap.songgenre:Rock','daap.songgenre:Choral' 'daap.songyear:2010'", [104]],
  ['Q10', "'daap.songgenre:Choral' 'daap.songyear:2010','daap.songgenre:Rock'", [101, 102, 104]],
  ['Q11', "'daap.songartist:'", [104]],
  ['Q12', "'dmap.itemid!:101'", [102, 103, 104, 105, 106]],
  ['Q13', "'com.apple.itunes.extended-media-kind@1'", [101, 102, 104, 106]],
  [
    'Q14',
    "('com.apple.itunes.playlist-contains-media-type:1','com.apple.itunes.playlist-contains-media-type:32')",
    ALL,
  ],
  ['Q15', "('daap.songartist:Alpha", ALL],
  ['Q17', "'daap.songyear:abc'", []],
  ['Q18', "'daap.songgenre:Rock'\n", [101, 102]],
];

for (const [name, q, want] of VECTORS) {
  test(`${name}: ${q.trim()}`, async () => {
    assert.deepEqual(await ids('/databases/1/items', q), want);
  });
}

test('Q16: form-encoded plus is a space inside the value', async () => {
  assert.deepEqual(await ids('/databases/1/items', '%27daap.songartist%3AAlpha+Band%27', false), [101, 102]);
});

test("Q2 with '+' as AND (form decoded) is the same query", async () => {
  const q =
    "('daap.songartist!:'+('com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32'))";
  assert.deepEqual(
    await ids('/databases/1/items', encodeURIComponent(q).replace(/%2B/g, '+'), false),
    [101, 102, 105, 106],
  );
});

test("Q19: Music.app's container query keeps all three containers", async () => {
  const q =
    "('dmap.itemname:Loopcast Music','com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32','com.apple.itunes.extended-media-kind:128','com.apple.itunes.extended-media-kind:65537')";
  assert.deepEqual(await ids('/databases/1/containers', q), [1, 2, 3]);
});

test('Q20: the base container survives any filter', async () => {
  assert.deepEqual(await ids('/databases/1/containers', "'dmap.itemname:Nope'"), [1]);
});

test('parser: equal precedence, left associative', () => {
  const ast = parseQuery("'a:1','b:2' 'c:3'");
  assert.equal(ast.op, 'and');
});
