// A revision store (daap.md §4.3–§4.6): keeps every readable revision of a keyed collection,
// in insertion order, with O(log changes) sizes and diffs costing O(keys touched in the gap).
//
// Layout: each insertion of a key is a *slot* (a key removed and set again gets a new slot at the
// end, §4.6). A slot holds its newest version inline and older versions in a linked list, so the
// common single-version slot costs one object. A removal is a version whose value is undefined.
// The order of slots is insertion order. A per-revision change log (keys touched in each revision)
// lets diff() look only at those keys (§4.4: the reference could only diff one step).

import type { RevisionClock } from './clock.js';

interface Version<V> {
  readonly rev: number;
  readonly val: V | undefined;
  readonly older: Version<V> | null;
}

class Slot<K, V> {
  dead = false;
  /** older versions, newest first */
  older: Version<V> | null = null;
  /** previous slot of the same key (an older insertion), for reads of old revisions */
  prev: Slot<K, V> | null;
  constructor(
    readonly key: K,
    /** creation sequence number: listing order */
    readonly seq: number,
    /** revision of the newest version */
    public rev: number,
    /** value of the newest version; undefined = removed */
    public val: V | undefined,
    prev: Slot<K, V> | null,
  ) {
    this.prev = prev;
  }
  /** revision of the first version */
  get firstRev(): number {
    let r = this.rev;
    for (let v = this.older; v; v = v.older) r = v.rev;
    return r;
  }
  valueAt(rev: number): V | undefined {
    if (this.rev <= rev) return this.val;
    for (let v = this.older; v; v = v.older) if (v.rev <= rev) return v.val;
    return undefined;
  }
  push(rev: number, val: V | undefined): void {
    this.older = { rev: this.rev, val: this.val, older: this.older };
    this.rev = rev;
    this.val = val;
  }
}

export interface Diff<K> {
  readonly updated: K[];
  readonly removed: K[];
}

export class RevisionStore<K, V> {
  private readonly slots = new Map<K, Slot<K, V>>();
  private order: Slot<K, V>[] = [];
  private deadSlots = 0;
  private seq = 0;
  /** keys touched in each revision, for diff() (duplicates allowed) */
  private readonly changes = new Map<number, K[]>();
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
    let list = this.changes.get(h);
    if (!list) this.changes.set(h, (list = []));
    list.push(key);
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
    // Log each key once per revision: a million sets of 26 keys leave 26 log entries.
    if (!s || s.rev !== h) this.log(key);
    else this.version++;
    if (s && !s.dead && s.val !== undefined) {
      // Replace: overwrite in place within the pending revision, so history does not pile up
      // inside one revision (§12, the store benchmark).
      if (s.rev === h) s.val = value;
      else s.push(h, value);
      return;
    }
    // New insertion (or re-insertion after a removal): a new slot at the end.
    const slot = new Slot<K, V>(key, this.seq++, h, value, s ?? null);
    this.slots.set(key, slot);
    this.order.push(slot);
    this.setSize(+1);
  }

  delete(key: K): boolean {
    const s = this.slots.get(key);
    if (!s || s.dead || s.val === undefined) return false;
    const h = this.clock.head;
    if (s.rev !== h) this.log(key);
    else this.version++;
    if (s.rev === h) {
      if (s.older === null) {
        // Created and removed inside the pending revision: no reader ever saw this slot.
        s.dead = true;
        this.deadSlots++;
        if (s.prev) this.slots.set(key, s.prev);
        else this.slots.delete(key);
      } else s.val = undefined;
    } else s.push(h, undefined);
    this.setSize(-1);
    return true;
  }

  private slotAt(key: K, rev: number): Slot<K, V> | undefined {
    let s = this.slots.get(key) ?? null;
    while (s && (s.dead || (s.older === null ? s.rev : s.firstRev) > rev)) s = s.prev;
    return s ?? undefined;
  }

  get(key: K, rev: number = this.clock.head): V | undefined {
    if (rev !== this.clock.head) this.clock.check(rev);
    const s = this.slotAt(key, rev);
    return s ? s.valueAt(rev) : undefined;
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
    const order = this.order;
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      if (s.dead) continue;
      const v = s.rev <= rev ? s.val : s.valueAt(rev);
      if (v !== undefined) yield v;
    }
  }

  *entries(rev: number = this.clock.head): IterableIterator<[K, V]> {
    if (rev !== this.clock.head) this.clock.check(rev);
    for (const s of this.order) {
      if (s.dead) continue;
      const v = s.valueAt(rev);
      if (v !== undefined) yield [s.key, v];
    }
  }

  /** Keys touched in (from, to]. */
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
      const sa = this.slotAt(k, from);
      const a = sa?.valueAt(from);
      const sb = this.slotAt(k, to);
      const b = sb?.valueAt(to);
      if (b !== undefined) {
        // A key removed and set again moves to the end, so it counts as updated even with the
        // same record: its position changed.
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
      for (const k of keys) this.trim(k, upTo); // idempotent, so duplicates are harmless
      this.changes.delete(rev);
    }
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

  private kill(s: Slot<K, V>): void {
    if (!s.dead) {
      s.dead = true;
      this.deadSlots++;
    }
  }

  private trim(key: K, upTo: number): void {
    const head = this.slots.get(key);
    if (!head) return;
    // Fast path: one live version and no older insertion: nothing to forget.
    if (head.older === null && head.prev === null && head.val !== undefined) return;
    // Find the slot that is current at upTo (or the newest slot started after it).
    let s: Slot<K, V> | null = head;
    let newer: Slot<K, V> | null = null;
    while (s) {
      if (!s.dead) {
        // Drop versions older than the newest one at or below upTo.
        if (s.rev <= upTo) s.older = null;
        else {
          let v = s.older;
          while (v && v.rev > upTo) v = v.older;
          if (v) (v as { older: Version<V> | null }).older = null;
        }
        // A slot whose only version is a removal at or below upTo is gone for good.
        if (s.older === null && s.val === undefined && s.rev <= upTo) this.kill(s);
      }
      const next: Slot<K, V> | null = s.prev;
      if (s.dead) {
        if (newer) newer.prev = next;
        else if (next) this.slots.set(key, next);
        else this.slots.delete(key);
      } else {
        newer = s;
        if (s.firstRev <= upTo) {
          // Everything older ended in a removal at or below upTo: superseded.
          for (let o = next; o; o = o.prev) this.kill(o);
          s.prev = null;
          return;
        }
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
      const slot = new Slot<K, V>(r.id, this.seq++, base, r, null);
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
