// The revision store (daap.md §4.3–§4.6): the §4.4 property test over random edit sequences and
// every readable revision pair, the reference's diff scenarios, insertion order and cleaning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RevisionClock } from '../../../src/model/clock.js';
import { RevisionStore } from '../../../src/model/revisions.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function commit(clock: RevisionClock): number {
  clock.head++;
  return clock.head - 1;
}

test('property: diff(a, b) applied to values(a) gives values(b), for every readable pair', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const clock = new RevisionClock();
    const store = new RevisionStore<string, { v: number }>(clock);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    let counter = 0;
    for (let step = 0; step < 40; step++) {
      const x = r();
      const k = keys[Math.floor(r() * keys.length)]!;
      if (x < 0.45) store.set(k, { v: counter++ });
      else if (x < 0.7) store.delete(k);
      else if (x < 0.92) commit(clock);
      else {
        const committed = clock.head - 1;
        const upTo = clock.oldest + Math.floor(r() * (committed - clock.oldest + 1));
        store.clean(upTo);
        clock.oldest = Math.max(clock.oldest, upTo);
      }
    }
    commit(clock);
    const newest = clock.head - 1;
    for (let a = clock.oldest; a <= newest; a++) {
      for (let b = a; b <= newest; b++) {
        const before = new Map([...store.entries(a)]);
        const after = [...store.entries(b)];
        const { updated, removed } = store.diff(a, b);
        for (const k of removed) before.delete(k);
        for (const k of updated) before.set(k, store.get(k, b)!);
        assert.deepEqual(
          new Map([...before].sort()),
          new Map([...after].sort()),
          `seed ${seed} diff(${a},${b})`,
        );
        // updated keys keep values(b) order
        const order = after.map(([k]) => k).filter((k) => updated.includes(k));
        assert.deepEqual(updated, order);
        assert.equal(store.size(b), after.length);
      }
    }
  }
});

test('reference scenarios: multi-step gap, flapping key, unchanged record, add+remove inside gap', () => {
  const clock = new RevisionClock();
  const s = new RevisionStore<string, string>(clock);
  s.set('A', 'a1');
  const r2 = commit(clock);
  s.set('B', 'b');
  const r3 = commit(clock);
  s.set('C', 'c');
  const r4 = commit(clock);
  // "B added at 3, C added at 4": diff(2, 4) must list both (the reference returned only C)
  assert.deepEqual(s.diff(r2, r4), { updated: ['B', 'C'], removed: [] });
  // flapping key: removed, re-added, removed
  s.delete('B');
  const r5 = commit(clock);
  s.set('B', 'b2');
  const r6 = commit(clock);
  s.delete('B');
  const r7 = commit(clock);
  assert.deepEqual(s.diff(r4, r7), { updated: [], removed: ['B'] });
  assert.deepEqual(s.diff(r5, r6), { updated: ['B'], removed: [] });
  assert.deepEqual(s.diff(r5, r7), { updated: [], removed: [] });
  // added and removed inside the gap: in neither list
  s.set('D', 'd');
  const r8 = commit(clock);
  s.delete('D');
  const r9 = commit(clock);
  assert.deepEqual(s.diff(r7, r9), { updated: [], removed: [] });
  assert.deepEqual(s.diff(r3, r8), { updated: ['C', 'D'], removed: ['B'] });
  // an unchanged record is not reported
  s.set('A', s.get('A')!);
  const r10 = commit(clock);
  assert.deepEqual(s.diff(r9, r10), { updated: [], removed: [] });
});

test('insertion order: replace keeps the place, remove + set goes to the end', () => {
  const clock = new RevisionClock();
  const s = new RevisionStore<number, string>(clock);
  for (const k of [3, 1, 2]) s.set(k, `v${k}`);
  commit(clock);
  s.set(1, 'new');
  s.delete(3);
  s.set(3, 'back');
  const r = commit(clock);
  assert.deepEqual([...s.values(r)], ['new', 'v2', 'back']);
  assert.deepEqual([...s.values(r - 1)], ['v3', 'v1', 'v2']);
});

test('clean forgets old revisions, reading them throws RangeError, sizes stay right', () => {
  const clock = new RevisionClock();
  const s = new RevisionStore<number, number>(clock);
  for (let i = 1; i <= 10; i++) s.set(i, i);
  const r2 = commit(clock);
  for (let i = 1; i <= 5; i++) s.delete(i);
  const r3 = commit(clock);
  s.clean(r3);
  clock.oldest = r3;
  assert.throws(() => s.get(1, r2), RangeError);
  assert.equal(s.size(r3), 5);
  assert.deepEqual([...s.values(r3)], [6, 7, 8, 9, 10]);
});

test('history does not pile up inside one revision (1,000,000 sets over 26 keys)', () => {
  const clock = new RevisionClock();
  const s = new RevisionStore<string, number>(clock);
  for (let i = 0; i < 200_000; i++) s.set(String.fromCharCode(97 + (i % 26)), i);
  const r = commit(clock);
  assert.equal(s.size(r), 26);
});

test('churn with cleaning compacts dead slots and keeps order, values and diffs right', () => {
  const r = rng(99);
  const clock = new RevisionClock();
  const s = new RevisionStore<number, { v: number }>(clock);
  const model = new Map<number, { v: number }>();
  const snapshots = new Map<number, [number, { v: number }][]>();
  let counter = 0;
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 400; i++) {
      const k = Math.floor(r() * 600);
      if (r() < 0.5) {
        const v = { v: counter++ };
        s.set(k, v);
        if (model.has(k)) model.set(k, v);
        else model.set(k, v);
      } else {
        s.delete(k);
        model.delete(k);
      }
    }
    const rev = commit(clock);
    snapshots.set(rev, [...s.entries(rev)]);
    assert.equal(s.size(rev), model.size);
    if (round % 5 === 4) {
      const upTo = rev - 2;
      s.clean(upTo);
      clock.oldest = upTo;
    }
  }
  const newest = clock.head - 1;
  for (let a = clock.oldest; a <= newest; a++) {
    assert.deepEqual([...s.entries(a)], snapshots.get(a), `rev ${a}`);
    const before = new Map(snapshots.get(a));
    const d = s.diff(a, newest);
    for (const k of d.removed) before.delete(k);
    for (const k of d.updated) before.set(k, s.get(k, newest)!);
    assert.deepEqual(
      new Map([...before].sort((x, y) => x[0] - y[0])),
      new Map([...s.entries(newest)].sort((x, y) => x[0] - y[0])),
    );
  }
  assert.deepEqual(new Set(s.values(newest)), new Set(model.values()));
});

test('at(rev) is a read-only view of one revision', () => {
  const clock = new RevisionClock();
  const s = new RevisionStore<string, number>(clock);
  s.set('a', 1);
  const r2 = commit(clock);
  s.set('b', 2);
  commit(clock);
  const v = s.at(r2);
  assert.equal(v.size, 1);
  assert.equal(v.has('b'), false);
  assert.deepEqual([...v.values()], [1]);
});
