// Containers (playlists) of a database (daap.md §4.1, §9.2). The base container holds every item
// in item order with mcti = item id; it is a view over the item store, not a copy.

import type { RevisionClock } from './clock.js';
import { OrderedEntries, type Entry, type EntryList } from './entries.js';
import { checkId, checkPersistentId, type Id, type Item, type PersistentId } from './item.js';
import type { ItemCollection } from './items.js';
import { RevisionStore, type Diff } from './revisions.js';

export interface ContainerFields {
  readonly id: Id;
  readonly name: string;
  readonly persistentId?: PersistentId;
  readonly parentId?: Id;
  /** smart container predicate (§9.2); entries are recomputed on update() */
  readonly smart?: (item: Item) => boolean;
  readonly specialKind?: number;
  readonly podcast?: boolean;
  readonly savedGenius?: boolean;
}

export interface Container extends ContainerFields {
  readonly base: boolean;
  readonly entries: EntryList;
}

/** The base container's entries: the items themselves (§4.1). */
class BaseEntries implements EntryList {
  constructor(private readonly items: ItemCollection) {}
  private fixed(): never {
    throw new TypeError('the base container holds every item; its entries are maintained by the model');
  }
  append(): Id {
    return this.fixed();
  }
  insert(): Id {
    return this.fixed();
  }
  move(): void {
    this.fixed();
  }
  remove(): boolean {
    return this.fixed();
  }
  get size(): number {
    return this.items.size();
  }
  sizeAt(rev: number): number {
    return this.items.size(rev);
  }
  *values(rev?: number): IterableIterator<Entry> {
    for (const it of this.items.values(rev)) yield { id: it.id, itemId: it.id };
  }
  diff(from: number, to: number): Diff<Id> {
    return this.items.diff(from, to);
  }
  reordered(): boolean {
    return false;
  }
  entriesOf(itemId: Id): readonly Id[] {
    return this.items.has(itemId) ? [itemId] : [];
  }
  touchedIn(rev: number): boolean {
    return this.items.touched(rev - 1, rev).size > 0;
  }
  clean(): void {
    // the item store is cleaned by its database
  }
}

export class ContainerCollection extends RevisionStore<Id, Container> {
  readonly base: Container;

  constructor(
    clock: RevisionClock,
    items: ItemCollection,
    baseFields: { id: Id; name: string; persistentId: PersistentId },
  ) {
    super(clock);
    checkId(baseFields.id, 'container id');
    this.base = Object.freeze({ ...baseFields, base: true, entries: new BaseEntries(items) });
    super.set(this.base.id, this.base);
  }

  /** Create a container with an empty entry list; returns it. */
  add(fields: ContainerFields): Container {
    checkId(fields.id, 'container id');
    if (fields.persistentId !== undefined) checkPersistentId(fields.persistentId);
    if (fields.parentId !== undefined) checkId(fields.parentId, 'parentId');
    if (this.has(fields.id)) throw new RangeError(`container ${fields.id} exists`);
    const c: Container = Object.freeze({ ...fields, base: false, entries: new OrderedEntries(this.clock) });
    super.set(c.id, c);
    return c;
  }

  /** Replace a container's fields, keeping its entries and position. */
  edit(id: Id, fields: Partial<Omit<ContainerFields, 'id'>>): Container {
    const cur = this.get(id);
    if (!cur) throw new RangeError(`no container ${id}`);
    const c: Container = Object.freeze({ ...cur, ...fields, id, base: cur.base, entries: cur.entries });
    super.set(id, c);
    return c;
  }

  override set(key: Id, value: Container): void {
    const cur = this.get(key);
    if (cur && cur.entries !== value.entries) throw new TypeError('use edit() to change a container');
    if (!cur) throw new TypeError('use add() to create a container');
    super.set(key, value);
  }

  override delete(key: Id): boolean {
    if (key === this.base.id) throw new TypeError('the base container cannot be removed');
    return super.delete(key);
  }

  /** Re-stamp a container so it shows up in deltas with its new counts (§4.7). */
  touch(id: Id): void {
    const cur = this.get(id);
    if (cur) super.set(id, Object.freeze({ ...cur }));
  }
}
