// Container entries with explicit positions (daap.md §4.6). Appends and removals are ordinary
// revisioned edits; inserts and moves change positions, which are recorded so that a delta
// spanning them falls back to a full listing (mudl cannot express a move).

import type { RevisionClock } from './clock.js';
import { checkId, type Id } from './item.js';
import type { Diff } from './revisions.js';

export interface Entry {
  /** mcti, unique within the container */
  readonly id: Id;
  readonly itemId: Id;
}

export interface EntryList {
  append(itemId: Id): Id;
  insert(index: number, itemId: Id): Id;
  move(entryId: Id, index: number): void;
  remove(entryId: Id): boolean;
  readonly size: number;
  sizeAt(rev: number): number;
  values(rev?: number): IterableIterator<Entry>;
  diff(from: number, to: number): Diff<Id>;
  /** true when positions changed other than by appends and removals in (from, to] */
  reordered(from: number, to: number): boolean;
  /** entry ids currently holding the item */
  entriesOf(itemId: Id): readonly Id[];
  /** revision-store bookkeeping */
  touchedIn(rev: number): boolean;
  clean(upTo: number): void;
}

/** Growable Int32 column. */
class Column {
  a: Int32Array;
  constructor(n = 64) {
    this.a = new Int32Array(n);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Int32Array(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}

const LIVE = 0x7fffffff;

/**
 * An ordered, revisioned entry list stored as columns (no object per entry: the §12 workload has
 * 200,000 of them). Entry ids are allocated by the list, so entry id = index + 1. An entry is
 * alive at revision r when added ≤ r < removed. Positions follow creation order until a reorder
 * (insert or move); each reorder records the full order as of its revision, and later appends
 * follow that order. A per-revision change log keeps diff() proportional to the changes.
 */
export class OrderedEntries implements EntryList {
  private n = 0;
  private readonly itemIds = new Column();
  private readonly added = new Column();
  private readonly removed = new Column();
  /** order snapshots: at `rev`, entries by index in this order; entries created later follow */
  private snapshots: { rev: number; count: number; order: Int32Array }[] = [];
  /** entry indices touched per revision */
  private readonly changes = new Map<number, number[]>();
  private sizeRevs: number[];
  private sizeVals: number[];
  private live = 0;
  /** entry ids by item id: a number for one entry, an array for several. Built on first use
   * (item removal), then maintained: building a 100k playlist does not pay for it. */
  private byItemIndex: Map<Id, Id | Id[]> | undefined;

  constructor(private readonly clock: RevisionClock) {
    this.sizeRevs = [clock.oldest];
    this.sizeVals = [0];
  }

  private get byItem(): Map<Id, Id | Id[]> {
    if (!this.byItemIndex) {
      const m = new Map<Id, Id | Id[]>();
      this.byItemIndex = m;
      const h = this.clock.head;
      for (let i = 0; i < this.n; i++) if (this.alive(i, h)) this.index(this.itemIds.a[i]!, i + 1, true);
    }
    return this.byItemIndex;
  }

  private index(itemId: Id, entryId: Id, add: boolean): void {
    const m = this.byItemIndex;
    if (!m) return;
    const cur = m.get(itemId);
    if (add) {
      if (cur === undefined) m.set(itemId, entryId);
      else if (typeof cur === 'number') m.set(itemId, [cur, entryId]);
      else cur.push(entryId);
    } else if (cur !== undefined) {
      if (typeof cur === 'number') {
        if (cur === entryId) m.delete(itemId);
        return;
      }
      const i = cur.indexOf(entryId);
      if (i >= 0) cur.splice(i, 1);
      if (cur.length === 1) m.set(itemId, cur[0]!);
      else if (cur.length === 0) m.delete(itemId);
    }
  }

  private alive(i: number, rev: number): boolean {
    return this.added.a[i]! <= rev && this.removed.a[i]! > rev;
  }

  private log(i: number): void {
    const h = this.clock.head;
    let l = this.changes.get(h);
    if (!l) this.changes.set(h, (l = []));
    l.push(i);
    this.clock.touch();
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

  append(itemId: Id): Id {
    checkId(itemId, 'item id');
    const i = this.n;
    checkId(i + 1, 'entry id');
    this.itemIds.ensure(i + 1);
    this.added.ensure(i + 1);
    this.removed.ensure(i + 1);
    this.itemIds.a[i] = itemId;
    this.added.a[i] = this.clock.head;
    this.removed.a[i] = LIVE;
    this.n++;
    this.log(i);
    this.setSize(+1);
    this.index(itemId, i + 1, true);
    return i + 1;
  }

  insert(index: number, itemId: Id): Id {
    const order = this.orderAt(this.clock.head);
    const id = this.append(itemId);
    if (index < order.length) {
      order.splice(Math.max(0, index), 0, id - 1);
      this.snapshot(order);
    }
    return id;
  }

  move(entryId: Id, index: number): void {
    const order = this.orderAt(this.clock.head);
    const at = order.indexOf(entryId - 1);
    if (at < 0) throw new RangeError(`no entry ${entryId}`);
    order.splice(at, 1);
    order.splice(Math.max(0, Math.min(index, order.length)), 0, entryId - 1);
    this.snapshot(order);
  }

  /** Record the order of the pending revision (replacing one taken earlier in it). */
  private snapshot(order: number[]): void {
    const h = this.clock.head;
    const last = this.snapshots[this.snapshots.length - 1];
    const snap = { rev: h, count: this.n, order: Int32Array.from(order) };
    if (last && last.rev === h) this.snapshots[this.snapshots.length - 1] = snap;
    else this.snapshots.push(snap);
    this.clock.touch();
  }

  remove(entryId: Id): boolean {
    const i = entryId - 1;
    if (!Number.isInteger(i) || i < 0 || i >= this.n || !this.alive(i, this.clock.head)) return false;
    this.removed.a[i] = this.clock.head;
    this.log(i);
    this.setSize(-1);
    this.index(this.itemIds.a[i]!, entryId, false);
    return true;
  }

  get size(): number {
    return this.live;
  }

  sizeAt(rev: number): number {
    if (rev === this.clock.head) return this.live;
    this.clock.check(rev);
    let i = this.sizeRevs.length - 1;
    while (i > 0 && this.sizeRevs[i]! > rev) i--;
    return this.sizeRevs[i]! <= rev ? this.sizeVals[i]! : 0;
  }

  /** Entry indices alive at rev, in position order. */
  private orderAt(rev: number): number[] {
    let snap: { rev: number; count: number; order: Int32Array } | undefined;
    for (const s of this.snapshots) if (s.rev <= rev) snap = s;
    const out: number[] = [];
    let from = 0;
    if (snap) {
      for (const i of snap.order) if (this.alive(i, rev)) out.push(i);
      from = snap.count;
    }
    for (let i = from; i < this.n; i++) if (this.alive(i, rev)) out.push(i);
    return out;
  }

  *values(rev: number = this.clock.head): IterableIterator<Entry> {
    if (rev !== this.clock.head) this.clock.check(rev);
    if (this.snapshots.length === 0 || this.snapshots[0]!.rev > rev) {
      const added = this.added.a;
      const removed = this.removed.a;
      const items = this.itemIds.a;
      for (let i = 0; i < this.n; i++) {
        if (added[i]! <= rev && removed[i]! > rev) yield { id: i + 1, itemId: items[i]! };
      }
      return;
    }
    for (const i of this.orderAt(rev)) yield { id: i + 1, itemId: this.itemIds.a[i]! };
  }

  diff(from: number, to: number): Diff<Id> {
    this.clock.check(from);
    this.clock.check(to);
    const seen = new Set<number>();
    for (let r = from + 1; r <= to; r++) for (const i of this.changes.get(r) ?? []) seen.add(i);
    const updated: number[] = [];
    const removed: Id[] = [];
    for (const i of seen) {
      const a = this.alive(i, from);
      const b = this.alive(i, to);
      if (b && !a) updated.push(i);
      else if (a && !b) removed.push(i + 1);
    }
    if (updated.length > 1) {
      const pos = new Map(this.orderAt(to).map((idx, p) => [idx, p]));
      updated.sort((x, y) => (pos.get(x) ?? 0) - (pos.get(y) ?? 0));
    }
    return { updated: updated.map((i) => i + 1), removed };
  }

  reordered(from: number, to: number): boolean {
    return this.snapshots.some((s) => s.rev > from && s.rev <= to);
  }

  entriesOf(itemId: Id): readonly Id[] {
    const cur = this.byItem.get(itemId);
    return cur === undefined ? [] : typeof cur === 'number' ? [cur] : cur;
  }

  touchedIn(rev: number): boolean {
    return (this.changes.get(rev)?.length ?? 0) > 0 || this.snapshots.some((s) => s.rev === rev);
  }

  clean(upTo: number): void {
    for (const r of [...this.changes.keys()]) if (r <= upTo) this.changes.delete(r);
    const floor = this.snapshots.filter((s) => s.rev <= upTo).pop();
    this.snapshots = [...(floor ? [floor] : []), ...this.snapshots.filter((s) => s.rev > upTo)];
    let i = 0;
    while (i + 1 < this.sizeRevs.length && this.sizeRevs[i + 1]! <= upTo) i++;
    if (i > 0) {
      this.sizeRevs = this.sizeRevs.slice(i);
      this.sizeVals = this.sizeVals.slice(i);
    }
  }
}
