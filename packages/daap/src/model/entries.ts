// Container entries with explicit positions (daap.md §4.6). Appends and removals are ordinary
// revisioned edits; inserts and moves change positions, which are recorded so that a delta
// spanning them falls back to a full listing (mudl cannot express a move).

import type { RevisionClock } from './clock.js';
import { checkId, type Id } from './item.js';
import { RevisionStore, type Diff } from './revisions.js';

export interface Entry {
  /** mcti, unique within the container */
  readonly id: Id;
  readonly itemId: Id;
}

/** An entry value in the store: just the item id while positions follow insertion order (the
 * common case, and 200k of them in the §12 workload), an object once a reorder gave it a position. */
type Stored = number | { readonly itemId: Id; readonly pos: number };
interface PositionedEntry extends Entry {
  readonly pos: number;
}
const itemOf = (v: Stored): Id => (typeof v === 'number' ? v : v.itemId);

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

export class OrderedEntries implements EntryList {
  private readonly store: RevisionStore<Id, Stored>;
  private nextId = 1;
  private nextPos = 1;
  private reorders: number[] = [];
  /** entry ids by item id: a number for one entry, an array for several. Built on first use
   * (item removal), then maintained: building a 100k playlist does not pay for it. */
  private byItemIndex: Map<Id, Id | Id[]> | undefined;

  private get byItem(): Map<Id, Id | Id[]> {
    if (!this.byItemIndex) {
      const m = new Map<Id, Id | Id[]>();
      this.byItemIndex = m;
      for (const [id, v] of this.store.entries(this.clock.head)) this.index(itemOf(v), id, true);
    }
    return this.byItemIndex;
  }

  constructor(private readonly clock: RevisionClock) {
    this.store = new RevisionStore(clock);
  }

  private allocId(): Id {
    const id = this.nextId++;
    checkId(id, 'entry id');
    return id;
  }

  private index(itemId: Id, entryId: Id, add: boolean): void {
    const m = this.byItemIndex;
    if (!m) return; // built lazily from the store when first needed
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

  append(itemId: Id): Id {
    checkId(itemId, 'item id');
    const id = this.allocId();
    this.nextPos++;
    this.store.set(
      id,
      this.reorders.length === 0 ? itemId : Object.freeze({ itemId, pos: this.nextPos - 1 }),
    );
    this.index(itemId, id, true);
    return id;
  }

  insert(index: number, itemId: Id): Id {
    checkId(itemId, 'item id');
    const list = [...this.ordered(this.clock.head)];
    if (index >= list.length) return this.append(itemId);
    const id = this.allocId();
    this.place(list, Math.max(0, index), { id, itemId });
    this.index(itemId, id, true);
    return id;
  }

  move(entryId: Id, index: number): void {
    const list = [...this.ordered(this.clock.head)];
    const i = list.findIndex((e) => e.id === entryId);
    if (i < 0) throw new RangeError(`no entry ${entryId}`);
    const [e] = list.splice(i, 1);
    this.place(list, Math.max(0, Math.min(index, list.length)), e!);
  }

  /** Put e at index of list (which excludes e) by renumbering positions. */
  private place(list: PositionedEntry[], index: number, e: Entry): void {
    list.splice(index, 0, { id: e.id, itemId: e.itemId, pos: 0 });
    let pos = 1;
    for (const x of list) {
      const p = pos++;
      if (x.pos !== p || x.id === e.id) this.store.set(x.id, Object.freeze({ itemId: x.itemId, pos: p }));
    }
    this.nextPos = pos;
    const h = this.clock.head;
    if (this.reorders[this.reorders.length - 1] !== h) this.reorders.push(h);
  }

  remove(entryId: Id): boolean {
    const e = this.store.get(entryId);
    if (e === undefined) return false;
    this.index(itemOf(e), entryId, false);
    return this.store.delete(entryId);
  }

  get size(): number {
    return this.store.size();
  }
  sizeAt(rev: number): number {
    return this.store.size(rev);
  }

  private *ordered(rev: number): IterableIterator<PositionedEntry> {
    if (this.reorders.length === 0 || this.reorders[0]! > rev) {
      // Insertion order is position order; positions are the sequence of appends.
      let pos = 0;
      for (const [id, v] of this.store.entries(rev)) yield { id, itemId: itemOf(v), pos: pos++ };
      return;
    }
    const list: PositionedEntry[] = [];
    for (const [id, v] of this.store.entries(rev)) {
      list.push({ id, itemId: itemOf(v), pos: typeof v === 'number' ? id : v.pos });
    }
    yield* list.sort((a, b) => a.pos - b.pos);
  }

  *values(rev: number = this.clock.head): IterableIterator<Entry> {
    yield* this.ordered(rev);
  }

  diff(from: number, to: number): Diff<Id> {
    return this.store.diff(from, to);
  }

  reordered(from: number, to: number): boolean {
    return this.reorders.some((r) => r > from && r <= to);
  }

  entriesOf(itemId: Id): readonly Id[] {
    const cur = this.byItem.get(itemId);
    return cur === undefined ? [] : typeof cur === 'number' ? [cur] : cur;
  }

  touchedIn(rev: number): boolean {
    return this.store.touched(rev - 1, rev).size > 0;
  }

  clean(upTo: number): void {
    this.store.clean(upTo);
    // Keep reorders that a readable revision may still need to sort by.
    const keep = this.reorders.filter((r) => r > upTo);
    const floor = this.reorders.filter((r) => r <= upTo).pop();
    this.reorders = floor !== undefined ? [floor, ...keep] : keep;
  }
}
