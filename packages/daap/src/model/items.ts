// The item collection of a database: a revision store of immutable Item records (§4.1), which
// may be backed by a lazy source that can count without loading (§4.8, §5.3).

import type { RevisionClock } from './clock.js';
import { checkItem, type Id, type Item } from './item.js';
import { RevisionStore } from './revisions.js';

export interface LazySource<V> {
  /** cheap; used until loaded */
  count(): number | Promise<number>;
  /** called once, on the first full read */
  load(): Iterable<V> | AsyncIterable<V>;
  /** used by refresh(ids) */
  fetch?(ids: readonly Id[]): Promise<readonly V[]>;
}

/** A failed lazy load; the HTTP layer answers 503 and the next read retries (§4.8). */
export class SourceLoadError extends Error {
  constructor(cause: unknown) {
    super(`library loading failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SourceLoadError';
  }
}

type QueuedOp = { kind: 'set'; item: Item } | { kind: 'delete'; id: Id };

export class ItemCollection extends RevisionStore<Id, Item> {
  private loaded: boolean;
  private loading: Promise<void> | undefined;
  private counted: number | undefined;
  private queue: QueuedOp[] = [];

  constructor(
    clock: RevisionClock,
    private readonly source?: LazySource<Item>,
  ) {
    super(clock);
    this.loaded = source === undefined;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  override set(key: Id, value: Item): void {
    if (value.id !== key) throw new RangeError(`item key ${key} does not match its id ${value.id}`);
    const v = checkItem(value);
    if (!this.loaded) {
      this.queue.push({ kind: 'set', item: v });
      this.clock.touch();
      return;
    }
    super.set(key, v);
  }

  /** Add or replace an item by its own id. */
  put(item: Item): void {
    this.set(item.id, item);
  }

  override delete(key: Id): boolean {
    if (!this.loaded) {
      this.queue.push({ kind: 'delete', id: key });
      this.clock.touch();
      return true;
    }
    return super.delete(key);
  }

  override size(rev?: number): number {
    if (!this.loaded) return this.counted ?? 0;
    return super.size(rev);
  }

  /** Make size() meaningful before loading: asks the source's count() once. */
  async prepareCount(): Promise<void> {
    if (this.loaded || this.counted !== undefined || !this.source) return;
    this.counted = await this.source.count();
  }

  /** Load the source once; readers wait for it. Edits made meanwhile are applied afterwards. */
  ready(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.loading ??= this.runLoad().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async runLoad(): Promise<void> {
    const src = this.source!;
    const records: Item[] = [];
    try {
      const it = src.load();
      if (Symbol.asyncIterator in it) for await (const v of it) records.push(checkItem(v));
      else for (const v of it) records.push(checkItem(v));
    } catch (e) {
      throw new SourceLoadError(e);
    }
    // Loaded records were there all along: they belong to the oldest readable revision.
    this.loadBase(records);
    this.loaded = true;
    const q = this.queue;
    this.queue = [];
    // Edits queued during the load go into the pending revision (a documented simplification of
    // §4.8: they become visible with the next update()).
    for (const op of q) {
      if (op.kind === 'set') super.set(op.item.id, op.item);
      else super.delete(op.id);
    }
  }

  /** Re-read just those keys from the source (§4.8). */
  async refresh(ids: readonly Id[]): Promise<void> {
    if (!this.source?.fetch) throw new TypeError('this source has no fetch()');
    const got = await this.source.fetch(ids);
    const seen = new Set<Id>();
    for (const item of got) {
      this.set(item.id, item);
      seen.add(item.id);
    }
    for (const id of ids) if (!seen.has(id)) this.delete(id);
  }

  forget(ids: readonly Id[]): void {
    for (const id of ids) this.delete(id);
  }
}
