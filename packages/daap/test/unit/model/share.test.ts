// The model (daap.md §4.1, §4.6–§4.8): derived changes, entry positions, the base container,
// retention, and lazy loading with edits queued during the load.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Share } from '../../../src/model/share.js';
import type { Item } from '../../../src/model/item.js';

const item = (id: number, name = `Song ${id}`): Item => ({ id, name });

function newShare(): Share {
  return new Share({ name: 'T', persistentId: 42n });
}

test('first update makes revision 2; update without edits does nothing; force commits', () => {
  const share = newShare();
  const db = share.addDatabase({ id: 1, name: 'T' });
  db.items.put(item(1));
  assert.equal(share.update(), 2);
  assert.equal(share.update(), 2);
  assert.equal(share.update({ force: true }), 3);
});

test('derived changes: removing an item removes its entries and re-stamps containers and db', () => {
  const share = newShare();
  const db = share.addDatabase({ id: 1, name: 'T' });
  for (let i = 1; i <= 3; i++) db.items.put(item(i));
  const pl = db.addContainer({ id: 5, name: 'P' });
  pl.entries.append(2);
  pl.entries.append(3);
  pl.entries.append(2);
  const r2 = share.update();
  db.items.delete(2);
  const r3 = share.update();
  assert.deepEqual(
    [...pl.entries.values(r3)].map((e) => e.itemId),
    [3],
  );
  assert.deepEqual(pl.entries.diff(r2, r3).removed.sort(), [1, 3]);
  assert.deepEqual(db.containers.diff(r2, r3).updated.sort(), [1, 5]);
  assert.deepEqual(share.databases.diff(r2, r3).updated, [1]);
  // base container is a view over items, mcti = item id
  assert.deepEqual(
    [...db.base.entries.values(r3)].map((e) => e.id),
    [1, 3],
  );
  assert.throws(() => db.containers.delete(db.base.id), TypeError);
});

test('entry positions: insert and move reorder; a delta spanning them is flagged', () => {
  const share = newShare();
  const db = share.addDatabase({ id: 1, name: 'T' });
  for (let i = 1; i <= 4; i++) db.items.put(item(i));
  const pl = db.addContainer({ id: 5, name: 'P' });
  const e1 = pl.entries.append(1);
  pl.entries.append(2);
  const r2 = share.update();
  pl.entries.append(3);
  const r3 = share.update();
  assert.equal(pl.entries.reordered(r2, r3), false);
  pl.entries.insert(0, 4);
  pl.entries.move(e1, 2);
  const r4 = share.update();
  assert.deepEqual(
    [...pl.entries.values(r4)].map((e) => e.itemId),
    [4, 2, 1, 3],
  );
  assert.deepEqual(
    [...pl.entries.values(r3)].map((e) => e.itemId),
    [1, 2, 3],
  );
  assert.equal(pl.entries.reordered(r3, r4), true);
  assert.equal(pl.entries.reordered(r2, r3), false);
});

test('smart containers recompute before commit', () => {
  const share = newShare();
  const db = share.addDatabase({ id: 1, name: 'T' });
  const smart = db.addContainer({ id: 9, name: 'Long', smart: (it) => (it.durationMs ?? 0) > 1000 });
  db.items.put({ id: 1, name: 'a', durationMs: 5000 });
  db.items.put({ id: 2, name: 'b', durationMs: 10 });
  const r = share.update();
  assert.deepEqual(
    [...smart.entries.values(r)].map((e) => e.itemId),
    [1],
  );
  db.items.put({ id: 2, name: 'b', durationMs: 9000 });
  const r2 = share.update();
  assert.deepEqual(
    [...smart.entries.values(r2)].map((e) => e.itemId),
    [1, 2],
  );
});

test('ids outside 1…2^31−1 and unknown extra keys are rejected', () => {
  const share = newShare();
  const db = share.addDatabase({ id: 1, name: 'T' });
  assert.throws(() => db.items.put(item(0)), RangeError);
  assert.throws(() => db.items.put(item(2 ** 31)), RangeError);
  assert.throws(() => db.items.put({ id: 1, name: 'x', extra: { nope: 1 } }), RangeError);
  db.items.put({ id: 1, name: 'x', extra: { 'daap.songcategory': 'Podcasts' } });
  assert.ok(Object.isFrozen(db.items.get(1)));
});

test('retention: history kept for the oldest live session, at most maxHistory', () => {
  const share = new Share({ name: 'T', persistentId: 1n, maxHistory: 5 });
  const db = share.addDatabase({ id: 1, name: 'T' });
  let held: number | undefined = 2;
  share.setRetention(() => held);
  for (let i = 1; i <= 10; i++) {
    db.items.put(item(i));
    share.update();
  }
  assert.equal(share.oldest, share.revision - 5);
  held = undefined;
  db.items.put(item(99));
  share.update();
  assert.equal(share.oldest, share.revision);
});

test('lazy source: count before load, load once, edits during the load queued', async () => {
  let loads = 0;
  const share = newShare();
  const db = share.addDatabase({
    id: 1,
    name: 'T',
    items: {
      count: () => 3,
      async *load() {
        loads++;
        await new Promise((r) => setTimeout(r, 5));
        for (let i = 1; i <= 3; i++) yield item(i);
      },
      fetch: (ids) => Promise.resolve(ids.filter((i) => i !== 2).map((i) => item(i, `fresh ${i}`))),
    },
  });
  share.update({ force: true });
  await db.items.prepareCount();
  assert.equal(db.items.size(), 3);
  const p1 = db.items.ready();
  const p2 = db.items.ready();
  db.items.put(item(4));
  await Promise.all([p1, p2]);
  assert.equal(loads, 1);
  share.update();
  assert.deepEqual(
    [...db.items.values(share.revision)].map((i) => i.id),
    [1, 2, 3, 4],
  );
  await db.items.refresh([1, 2]);
  share.update();
  assert.equal(db.items.get(1)?.name, 'fresh 1');
  assert.equal(db.items.has(2), false);
});

test('property: entry lists keep every revision’s order; deltas are exact when not reordered', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let round = 0; round < 20; round++) {
    const share = newShare();
    const db = share.addDatabase({ id: 1, name: 'T' });
    for (let i = 1; i <= 5; i++) db.items.put(item(i));
    const pl = db.addContainer({ id: 9, name: 'P' });
    const model: { id: number; itemId: number }[] = [];
    const expected = new Map<number, { id: number; itemId: number }[]>();
    for (let step = 0; step < 40; step++) {
      const x = rnd();
      if (x < 0.35) {
        const itemId = 1 + Math.floor(rnd() * 5);
        model.push({ id: pl.entries.append(itemId), itemId });
      } else if (x < 0.45 && model.length) {
        const at = Math.floor(rnd() * model.length);
        const itemId = 1 + Math.floor(rnd() * 5);
        const id = pl.entries.insert(at, itemId);
        model.splice(at, 0, { id, itemId });
      } else if (x < 0.55 && model.length > 1) {
        const from = Math.floor(rnd() * model.length);
        const to = Math.floor(rnd() * (model.length - 1));
        const [e] = model.splice(from, 1);
        pl.entries.move(e!.id, to);
        model.splice(to, 0, e!);
      } else if (x < 0.75 && model.length) {
        const at = Math.floor(rnd() * model.length);
        assert.equal(pl.entries.remove(model[at]!.id), true);
        model.splice(at, 1);
      } else {
        const r = share.update({ force: true });
        expected.set(
          r,
          model.map((e) => ({ ...e })),
        );
      }
    }
    for (const [r, want] of expected) {
      if (r < share.oldest) continue;
      assert.deepEqual([...pl.entries.values(r)], want, `round ${round} rev ${r}`);
      assert.equal(pl.entries.sizeAt(r), want.length);
    }
    const revs = [...expected.keys()].filter((r) => r >= share.oldest);
    for (const a of revs) {
      for (const b of revs) {
        if (a > b || pl.entries.reordered(a, b)) continue;
        const d = pl.entries.diff(a, b);
        const got = expected.get(a)!.filter((e) => !d.removed.includes(e.id));
        const added = expected.get(b)!.filter((e) => d.updated.includes(e.id));
        assert.deepEqual(
          [...got, ...added].map((e) => e.id).sort(),
          expected
            .get(b)!
            .map((e) => e.id)
            .sort(),
        );
      }
    }
  }
});
