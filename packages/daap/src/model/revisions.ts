// A revision store (daap.md §4.3–§4.6): keeps every readable revision of a keyed collection,
// in insertion order, with O(log changes) sizes and diffs costing O(keys touched in the gap).
//
// Layout: each insertion of a key is a *slot* (a key removed and set again gets a new slot at the
// end, §4.6). A slot holds the versions of the value it carried, newest last; a deletion is a
// version whose value is `undefined`. The order of slots is insertion order. A per-revision change
// log (keys touched in each revision) lets diff() look only at those keys (§4.4: the reference
// could only diff one step).

import type { RevisionClock } from './clock.js';

interface Slot<K, V> {
  readonly key: K;
  /** creation sequence number: listing order */
  readonly seq: number;
  /** revisions of the versions, ascending */
  revs: number[];
  /** values, parallel to revs; undefined = removed */
  vals: (V | undefined)[];
  /** previous slot of the same key (an older insertion), for reads of old revisions */
  prev: Slot<K, V> | undefined;
  dead: boolean;
}

export interface Diff<K> {
  readonly updated: K[];
  readonly removed: K[];
}

function valueAt<K, V>(s: Slot<K, V>, rev: number): V | undefined {
  const revs = s.revs;
  let i = revs.length - 1;
  // Most slots hold one version, so a backwards scan beats a binary search.
  while (i >= 0 && revs[i]! > rev) i--;
  return i < 0 ? undefined : s.vals[i];
}

export class RevisionStore<K, V> {
  private readonly slots = new Map<K, Slot<K, V>>();
  private order: Slot<K, V>[] = [];
  private deadSlots = 0;
  private seq = 0;
  /** keys touched in each revision, for diff() */
  private readonly changes = new Map<number, Set<K>>();
  /** [rev, size] pairs, ascending by rev */
  private sizeRevs: number[] = [];
  private sizeVals: number[] = [];
  private live = 0;
  /** bumped on every edit; used by caches */
  version = 0;

  constructor(readonly clock: RevisionClock) {
    this.sizeRevs.push(clock.oldest);
    this.sizeVals.push(0);
  }

  get head(): number {
    return this.clock.head;
  }
  get oldest(): number {
    return this.clock.oldest;
  }

  private log(key: K): void {
    const h = this.clock.head;
    let set = this.changes.get(h);
    if (!set) this.changes.set(h, (set = new Set()));
    set.add(key);
    this.clock.touch();
    this.version++;
  }

  private setSize(delta: number): void {
    this.live += delta;
    const h = this.clock.head;
    const last = this.sizeRevs.length - 1;
    if (this.sizeRevs[last] === h) this.sizeVals[last] = this.live;
    else {
      this.sizeRevs.push(h);
      this.sizeVals.push(this.live);
    }
  }

  /** Add, or replace keeping the position. */
  set(key: K, value: V): void {
    if (value === undefined) throw new TypeError('value must not be undefined');
    const h = this.clock.head;
    const s = this.slots.get(key);
    this.log(key);
    if (s && !s.dead) {
      const last = s.revs.length - 1;
      const cur = s.vals[last];
      if (cur !== undefined) {
        // Replace: overwrite in place within the pending revision, so history does not pile up
        // inside one revision (§12, the store benchmark).
        if (s.revs[last] === h) s.vals[last] = value;
        else {
          s.revs.push(h);
          s.vals.push(value);
        }
        return;
      }
    }
    // New insertion (or re-insertion after a removal): a new slot at the end.
    const slot: Slot<K, V> = { key, seq: this.seq++, revs: [h], vals: [value], prev: s, dead: false };
    this.slots.set(key, slot);
    this.order.push(slot);
    this.setSize(+1);
  }

  delete(key: K): boolean {
    const s = this.slots.get(key);
    if (!s || s.dead) return false;
    const last = s.revs.length - 1;
    if (s.vals[last] === undefined) return false;
    const h = this.clock.head;
    this.log(key);
    if (s.revs[last] === h) {
      if (last === 0) {
        // Created and removed inside the pending revision: no reader ever saw this slot.
        s.dead = true;
        this.deadSlots++;
        if (s.prev) this.slots.set(key, s.prev);
        else this.slots.delete(key);
      } else {
        s.revs.pop();
        s.vals.pop();
        s.revs.push(h);
        s.vals.push(undefined);
      }
    } else {
      s.revs.push(h);
      s.vals.push(undefined);
    }
    this.setSize(-1);
    return true;
  }

  private slotAt(key: K, rev: number): Slot<K, V> | undefined {
    let s = this.slots.get(key);
    while (s && (s.dead || s.revs[0]! > rev)) s = s.prev;
    return s;
  }

  get(key: K, rev: number = this.clock.head): V | undefined {
    if (rev !== this.clock.head) this.clock.check(rev);
    const s = this.slotAt(key, rev);
    return s ? valueAt(s, rev) : undefined;
  }

  has(key: K, rev?: number): boolean {
    return this.get(key, rev) !== undefined;
  }

  size(rev: number = this.clock.head): number {
    if (rev === this.clock.head) return this.live;
    this.clock.check(rev);
    const r = this.sizeRevs;
    let lo = 0;
    let hi = r.length - 1;
    if (r[0]! > rev) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (r[mid]! <= rev) lo = mid;
      else hi = mid - 1;
    }
    return this.sizeVals[lo]!;
  }

  /** Values in insertion order as of rev. */
  *values(rev: number = this.clock.head): IterableIterator<V> {
    if (rev !== this.clock.head) this.clock.check(rev);
    for (const s of this.order) {
      if (s.dead) continue;
      const v = valueAt(s, rev);
      if (v !== undefined) yield v;
    }
  }

  *entries(rev: number = this.clock.head): IterableIterator<[K, V]> {
    if (rev !== this.clock.head) this.clock.check(rev);
    for (const s of this.order) {
      if (s.dead) continue;
      const v = valueAt(s, rev);
      if (v !== undefined) yield [s.key, v];
    }
  }

  /** Keys touched in (from, to], without filtering. */
  touched(from: number, to: number): Set<K> {
    const keys = new Set<K>();
    for (let r = from + 1; r <= to; r++) {
      const c = this.changes.get(r);
      if (c) for (const k of c) keys.add(k);
    }
    return keys;
  }

  /** §4.4: defined by the two snapshots, for any gap. */
  diff(from: number, to: number): Diff<K> {
    this.clock.check(from);
    this.clock.check(to);
    if (from > to) throw new RangeError(`diff(${from}, ${to}): from > to`);
    const updated: { key: K; seq: number }[] = [];
    const removed: K[] = [];
    for (const k of this.touched(from, to)) {
      const a = this.get(k, from);
      const sb = this.slotAt(k, to);
      const b = sb ? valueAt(sb, to) : undefined;
      if (b !== undefined) {
        // A key removed and set again moves to the end, so it counts as updated even with the
        // same record; its position changed.
        const sa = this.slotAt(k, from);
        if (a !== b || sa !== sb) updated.push({ key: k, seq: sb!.seq });
      } else if (a !== undefined) removed.push(k);
    }
    updated.sort((x, y) => x.seq - y.seq);
    return { updated: updated.map((u) => u.key), removed };
  }

  /** Forget what only revisions below upTo needed (§4.5). */
  clean(upTo: number): void {
    if (upTo <= this.clock.oldest) return;
    for (const [rev, keys] of this.changes) {
      if (rev > upTo) continue;
      for (const k of keys) this.trim(k, upTo);
      this.changes.delete(rev);
    }
    // Size log: keep the last entry at or below upTo as the floor.
    let i = 0;
    while (i + 1 < this.sizeRevs.length && this.sizeRevs[i + 1]! <= upTo) i++;
    if (i > 0) {
      this.sizeRevs = this.sizeRevs.slice(i);
      this.sizeVals = this.sizeVals.slice(i);
    }
    if (this.deadSlots > 64 && this.deadSlots * 2 > this.order.length) {
      this.order = this.order.filter((s) => !s.dead);
      this.deadSlots = 0;
    }
  }

  private trim(key: K, upTo: number): void {
    let s: Slot<K, V> | undefined = this.slots.get(key);
    let newer: Slot<K, V> | undefined;
    while (s) {
      if (!s.dead) {
        // Drop versions older than the newest one at or below upTo.
        let i = s.revs.length - 1;
        while (i > 0 && s.revs[i]! > upTo) i--;
        if (i > 0 && s.revs[i]! <= upTo) {
          s.revs = s.revs.slice(i);
          s.vals = s.vals.slice(i);
        }
        // A slot whose only remaining version is a removal at or below upTo is gone for good.
        if (s.revs.length === 1 && s.vals[0] === undefined && s.revs[0]! <= upTo) {
          s.dead = true;
          this.deadSlots++;
        }
      }
      if (s.dead) {
        if (newer) newer.prev = s.prev;
        else if (s.prev) this.slots.set(key, s.prev);
        else this.slots.delete(key);
      } else newer = s;
      // Older slots are entirely at or below upTo only if this one started there.
      const next: Slot<K, V> | undefined = s.prev;
      if (!s.dead && s.revs[0]! <= upTo) {
        // Everything older is superseded by this slot at upTo; older slots ended in removals.
        if (next && !next.dead) {
          let o: Slot<K, V> | undefined = next;
          while (o) {
            if (!o.dead) {
              o.dead = true;
              this.deadSlots++;
            }
            o = o.prev;
          }
        }
        s.prev = undefined;
        break;
      }
      s = next;
    }
  }

  /**
   * Insert records that existed before any readable revision (a lazy source's load, §4.8):
   * they are visible in every readable revision and appear in no diff. Keys already present are
   * left alone.
   */
  protected loadBase(records: Iterable<V & { readonly id: K }>): void {
    const base = this.clock.oldest;
    let n = 0;
    for (const r of records) {
      if (this.slots.has(r.id)) continue;
      const slot: Slot<K, V> = { key: r.id, seq: this.seq++, revs: [base], vals: [r], prev: undefined, dead: false };
      this.slots.set(r.id, slot);
      this.order.push(slot);
      n++;
    }
    this.live += n;
    for (let i = 0; i < this.sizeVals.length; i++) this.sizeVals[i]! += n;
    this.version++;
  }

  get changeLogSize(): number {
    return this.changes.size;
  }
}
