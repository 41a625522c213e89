// A revision store (daap.md §4.3–§4.6): keeps every readable revision of a keyed collection,
// in insertion order, with O(log changes) sizes and diffs costing O(keys touched in the gap).
//
// Layout: each insertion of a key is a *slot* (a key removed and set again gets a new slot at the
// end, §4.6). Slots are columns indexed by insertion number, not objects: the newest version's
// value and revision, the first revision, the previous slot of the same key, and a dead flag.
// Older versions (rare) hang off a side map. A removal is a version whose value is undefined.
// A per-revision change log (keys touched in each revision) lets diff() look only at those keys
// (§4.4: the reference could only diff one step).

import type { RevisionClock } from './clock.js';
import { Int32Column } from './columns.js';

interface Version<V> {
  readonly rev: number;
  readonly val: V | undefined;
  older: Version<V> | null;
}

export interface Diff<K> {
  readonly updated: K[];
  readonly removed: K[];
}

/** A read-only view of one revision of a store (§5.2 `at(rev)`). */
export interface Snapshot<K, V> {
  readonly rev: number;
  get(key: K): V | undefined;
  has(key: K): boolean;
  readonly size: number;
  values(): IterableIterator<V>;
  entries(): IterableIterator<[K, V]>;
}

export class RevisionStore<K, V> {
  /** key → its newest slot */
  private readonly index = new Map<K, number>();
  private keys: (K | undefined)[] = [];
  /** value of each slot's newest version; undefined = removed */
  private vals: (V | undefined)[] = [];
  private readonly revs = new Int32Column();
  private readonly firsts = new Int32Column();
  /** previous slot of the same key (an older insertion), −1 for none */
  private readonly prevs = new Int32Column();
  private readonly deads = new Int32Column();
  /** older versions of a slot, newest first */
  private readonly older = new Map<number, Version<V>>();
  private n = 0;
  private deadCount = 0;
  /** keys touched in each revision, for diff() */
  private readonly changes = new Map<number, K[]>();
  /** keys that gained history in each revision (a replaced value, a removal, a re-insertion):
   * only these can have anything for clean() to forget, so a bulk insert costs clean() nothing */
  private readonly historied = new Map<number, K[]>();
  /** keys removed in each revision (model bookkeeping: entries of removed items, §4.7) */
  private readonly removals = new Map<number, K[]>();
  /** revisions in which a key appeared or disappeared */
  private readonly membership = new Set<number>();
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

  private mark(map: Map<number, K[]>, key: K): void {
    const h = this.clock.head;
    let list = map.get(h);
    if (!list) map.set(h, (list = []));
    list.push(key);
  }

  /** Keys removed in revision rev (duplicates possible). */
  removedIn(rev: number): readonly K[] {
    return this.removals.get(rev) ?? [];
  }

  /** Whether a key appeared or disappeared in revision rev. */
  membershipChangedIn(rev: number): boolean {
    return this.membership.has(rev);
  }

  private setSize(delta: number): void {
    this.membership.add(this.clock.head);
    this.live += delta;
    const h = this.clock.head;
    const last = this.sizeRevs.length - 1;
    if (this.sizeRevs[last] === h) this.sizeVals[last] = this.live;
    else {
      this.sizeRevs.push(h);
      this.sizeVals.push(this.live);
    }
  }

  private newSlot(key: K, value: V, rev: number, prev: number): void {
    const j = this.n++;
    this.revs.ensure(this.n);
    this.firsts.ensure(this.n);
    this.prevs.ensure(this.n);
    this.deads.ensure(this.n);
    this.keys[j] = key;
    this.vals[j] = value;
    this.revs.a[j] = rev;
    this.firsts.a[j] = rev;
    this.prevs.a[j] = prev;
    this.deads.a[j] = 0;
    this.index.set(key, j);
  }

  private pushVersion(i: number, rev: number, val: V | undefined): void {
    this.older.set(i, { rev: this.revs.a[i]!, val: this.vals[i], older: this.older.get(i) ?? null });
    this.revs.a[i] = rev;
    this.vals[i] = val;
  }

  private kill(i: number): void {
    if (this.deads.a[i]) return;
    this.deads.a[i] = 1;
    this.deadCount++;
    this.keys[i] = undefined;
    this.vals[i] = undefined;
    this.older.delete(i);
  }

  /** Add, or replace keeping the position. */
  set(key: K, value: V): void {
    if (value === undefined) throw new TypeError('value must not be undefined');
    const h = this.clock.head;
    const i = this.index.get(key);
    // Log each key once per revision: a million sets of 26 keys leave 26 log entries.
    if (i === undefined || this.revs.a[i] !== h) this.log(key);
    else this.version++;
    if (i !== undefined && this.vals[i] !== undefined) {
      // Replace: overwrite in place within the pending revision, so history does not pile up
      // inside one revision (§12, the store benchmark).
      if (this.revs.a[i] === h) this.vals[i] = value;
      else {
        this.pushVersion(i, h, value);
        this.mark(this.historied, key);
      }
      return;
    }
    // New insertion (or re-insertion after a removal): a new slot at the end.
    if (i !== undefined) this.mark(this.historied, key);
    this.newSlot(key, value, h, i ?? -1);
    this.setSize(+1);
  }

  delete(key: K): boolean {
    const i = this.index.get(key);
    if (i === undefined || this.vals[i] === undefined) return false;
    const h = this.clock.head;
    if (this.revs.a[i] !== h) this.log(key);
    else this.version++;
    this.mark(this.historied, key);
    this.mark(this.removals, key);
    if (this.revs.a[i] === h) {
      if (this.firsts.a[i] === h) {
        // Created and removed inside the pending revision: no reader ever saw this slot.
        const prev = this.prevs.a[i]!;
        this.kill(i);
        if (prev >= 0) this.index.set(key, prev);
        else this.index.delete(key);
      } else this.vals[i] = undefined;
    } else this.pushVersion(i, h, undefined);
    this.setSize(-1);
    return true;
  }

  private valueAt(i: number, rev: number): V | undefined {
    if (this.revs.a[i]! <= rev) return this.vals[i];
    for (let v = this.older.get(i); v; v = v.older ?? undefined) if (v.rev <= rev) return v.val;
    return undefined;
  }

  private slotAt(key: K, rev: number): number {
    let i = this.index.get(key) ?? -1;
    while (i >= 0 && (this.deads.a[i] || this.firsts.a[i]! > rev)) i = this.prevs.a[i]!;
    return i;
  }

  get(key: K, rev: number = this.clock.head): V | undefined {
    if (rev !== this.clock.head) this.clock.check(rev);
    const i = this.slotAt(key, rev);
    return i >= 0 ? this.valueAt(i, rev) : undefined;
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

  /** A read-only view of revision rev (it stays readable until cleaned). */
  at(rev: number): Snapshot<K, V> {
    this.clock.check(rev);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    return {
      rev,
      get: (key) => this.get(key, rev),
      has: (key) => this.has(key, rev),
      get size() {
        return store.size(rev);
      },
      values: () => this.values(rev),
      entries: () => this.entries(rev),
    };
  }

  /** Values in insertion order as of rev, as an array (no generator: the listing hot path). */
  list(rev: number = this.clock.head): V[] {
    if (rev !== this.clock.head) this.clock.check(rev);
    const out: V[] = [];
    const n = this.n;
    const deads = this.deads.a;
    const revs = this.revs.a;
    for (let i = 0; i < n; i++) {
      if (deads[i]) continue;
      const v = revs[i]! <= rev ? this.vals[i] : this.valueAt(i, rev);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** Values in insertion order as of rev. */
  *values(rev: number = this.clock.head): IterableIterator<V> {
    if (rev !== this.clock.head) this.clock.check(rev);
    const n = this.n;
    for (let i = 0; i < n; i++) {
      if (this.deads.a[i]) continue;
      const v = this.revs.a[i]! <= rev ? this.vals[i] : this.valueAt(i, rev);
      if (v !== undefined) yield v;
    }
  }

  *entries(rev: number = this.clock.head): IterableIterator<[K, V]> {
    if (rev !== this.clock.head) this.clock.check(rev);
    const n = this.n;
    for (let i = 0; i < n; i++) {
      if (this.deads.a[i]) continue;
      const v = this.valueAt(i, rev);
      if (v !== undefined) yield [this.keys[i]!, v];
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
      const a = sa >= 0 ? this.valueAt(sa, from) : undefined;
      const sb = this.slotAt(k, to);
      const b = sb >= 0 ? this.valueAt(sb, to) : undefined;
      if (b !== undefined) {
        // A key removed and set again moves to the end, so it counts as updated even with the
        // same record: its position changed.
        if (a !== b || sa !== sb) updated.push({ key: k, seq: sb });
      } else if (a !== undefined) removed.push(k);
    }
    updated.sort((x, y) => x.seq - y.seq);
    return { updated: updated.map((u) => u.key), removed };
  }

  /** Forget what only revisions below upTo needed (§4.5). */
  clean(upTo: number): void {
    if (upTo <= this.clock.oldest) return;
    for (const [rev, keys] of this.historied) {
      if (rev > upTo) continue;
      for (const k of keys) this.trim(k, upTo); // idempotent, so duplicates are harmless
      this.historied.delete(rev);
    }
    for (const rev of this.changes.keys()) if (rev <= upTo) this.changes.delete(rev);
    for (const rev of this.removals.keys()) if (rev <= upTo) this.removals.delete(rev);
    for (const rev of this.membership) if (rev <= upTo) this.membership.delete(rev);
    let i = 0;
    while (i + 1 < this.sizeRevs.length && this.sizeRevs[i + 1]! <= upTo) i++;
    if (i > 0) {
      this.sizeRevs = this.sizeRevs.slice(i);
      this.sizeVals = this.sizeVals.slice(i);
    }
    if (this.deadCount > 1024 && this.deadCount * 2 > this.n) this.compact();
  }

  private trim(key: K, upTo: number): void {
    const top = this.index.get(key);
    if (top === undefined) return;
    const prevs = this.prevs.a;
    // Fast path: one live version and no older insertion: nothing to forget.
    if (prevs[top] === -1 && this.vals[top] !== undefined && !this.older.has(top)) return;
    let s = top;
    let newer = -1;
    while (s >= 0) {
      if (!this.deads.a[s]) {
        // Drop versions older than the newest one at or below upTo.
        if (this.revs.a[s]! <= upTo) {
          this.older.delete(s);
          this.firsts.a[s] = this.revs.a[s]!;
        } else {
          let v = this.older.get(s);
          while (v && v.rev > upTo) v = v.older ?? undefined;
          if (v) {
            v.older = null;
            this.firsts.a[s] = v.rev;
          }
        }
        // A slot whose only version is a removal at or below upTo is gone for good.
        if (!this.older.has(s) && this.vals[s] === undefined && this.revs.a[s]! <= upTo) this.kill(s);
      }
      const next = prevs[s]!;
      if (this.deads.a[s]) {
        if (newer >= 0) prevs[newer] = next;
        else if (next >= 0) this.index.set(key, next);
        else this.index.delete(key);
      } else {
        newer = s;
        if (this.firsts.a[s]! <= upTo) {
          // Everything older ended in a removal at or below upTo: superseded.
          for (let o = next; o >= 0; o = prevs[o]!) this.kill(o);
          prevs[s] = -1;
          return;
        }
      }
      s = next;
    }
  }

  /** Drop dead slots, renumbering the live ones (order kept). */
  private compact(): void {
    const remap = new Int32Array(this.n).fill(-1);
    let m = 0;
    for (let i = 0; i < this.n; i++) if (!this.deads.a[i]) remap[i] = m++;
    const keys: (K | undefined)[] = new Array<K | undefined>(m);
    const vals: (V | undefined)[] = new Array<V | undefined>(m);
    const older = new Map<number, Version<V>>();
    for (let i = 0; i < this.n; i++) {
      const j = remap[i]!;
      if (j < 0) continue;
      keys[j] = this.keys[i];
      vals[j] = this.vals[i];
      this.revs.a[j] = this.revs.a[i]!;
      this.firsts.a[j] = this.firsts.a[i]!;
      const p = this.prevs.a[i]!;
      this.prevs.a[j] = p >= 0 ? remap[p]! : -1;
      this.deads.a[j] = 0;
      const o = this.older.get(i);
      if (o) older.set(j, o);
    }
    this.keys = keys;
    this.vals = vals;
    this.older.clear();
    for (const [k, v] of older) this.older.set(k, v);
    for (const [k, i] of this.index) this.index.set(k, remap[i]!);
    this.n = m;
    this.deadCount = 0;
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
      if (this.index.has(r.id)) continue;
      this.newSlot(r.id, r, base, -1);
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
