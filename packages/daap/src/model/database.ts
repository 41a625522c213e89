// A database: items and containers, plus the changes the model derives itself (§4.7).

import type { RevisionClock } from './clock.js';
import { ContainerCollection, type Container, type ContainerFields } from './containers.js';
import { checkId, type Id, type Item, type PersistentId } from './item.js';
import { ItemCollection, type LazySource } from './items.js';

export class Database {
  readonly items: ItemCollection;
  readonly containers: ContainerCollection;

  constructor(
    clock: RevisionClock,
    readonly id: Id,
    readonly name: string,
    readonly persistentId: PersistentId,
    opts: { items?: LazySource<Item>; baseContainerId?: Id; basePersistentId: PersistentId },
  ) {
    checkId(id, 'database id');
    this.items = new ItemCollection(clock, opts.items);
    this.containers = new ContainerCollection(clock, this.items, {
      id: opts.baseContainerId ?? 1,
      name,
      persistentId: opts.basePersistentId,
    });
  }

  get base(): Container {
    return this.containers.base;
  }

  /** Add a container; a shortcut for containers.add(). */
  addContainer(fields: ContainerFields): Container {
    return this.containers.add(fields);
  }

  /**
   * Before a commit: derive the changes callers no longer make by hand (§4.7). Returns true when
   * the database record itself must be re-stamped (item or container count changed).
   */
  derive(head: number): boolean {
    const items = this.items;
    const membership = items.membershipChangedIn(head);
    const removed = items.removedIn(head);
    const containers = [...this.containers.values(head)];
    const smart = containers.some((c) => c.smart);
    // Only smart containers need every touched item; the rest need only the removals.
    const touched = smart ? items.touched(head - 1, head) : undefined;
    for (const c of containers) {
      if (c.base) continue;
      for (const id of removed) {
        if (items.has(id, head)) continue; // removed and set again in the same revision
        for (const e of [...c.entries.entriesOf(id)]) c.entries.remove(e);
      }
      if (c.smart && touched) {
        for (const id of touched) {
          const it = items.get(id, head);
          const has = c.entries.entriesOf(id).length > 0;
          const want = it !== undefined && c.smart(it);
          if (want && !has) c.entries.append(id);
          else if (!want && has) for (const e of [...c.entries.entriesOf(id)]) c.entries.remove(e);
        }
      }
    }
    const containerCount = this.containers.membershipChangedIn(head);
    for (const c of [...this.containers.values(head)]) {
      if (c.base) {
        if (membership) this.containers.touch(c.id);
      } else if (c.entries.touchedIn(head)) this.containers.touch(c.id);
    }
    return membership || containerCount;
  }

  clean(upTo: number): void {
    this.items.clean(upTo);
    for (const c of this.containers.values(this.containers.head)) c.entries.clean(upTo);
    this.containers.clean(upTo);
  }
}
