// The share (server) at the top of the tree (daap.md §4, §5.2). One update() commits every
// collection at once, wakes held /update requests and emits `revision`.

import { EventEmitter } from 'node:events';
import { RevisionClock } from './clock.js';
import { Database } from './database.js';
import { checkId, checkPersistentId, hash63, type Id, type Item, type PersistentId } from './item.js';
import type { LazySource } from './items.js';
import { RevisionStore } from './revisions.js';

/** What the databases store holds: a new record per revision in which counts changed. */
export interface DatabaseRecord {
  readonly id: Id;
  readonly database: Database;
}

export interface ShareOptions {
  readonly name: string;
  readonly persistentId: PersistentId;
  /** revisions of history kept at most (§4.5), default 256 */
  readonly maxHistory?: number;
}

export class Share {
  readonly name: string;
  readonly persistentId: PersistentId;
  readonly clock = new RevisionClock();
  readonly databases: RevisionStore<Id, DatabaseRecord>;
  maxHistory: number;
  private readonly events = new EventEmitter();
  /** the oldest revision live sessions hold (set by the HTTP layer, §4.5) */
  private retention: (() => number | undefined) | undefined;

  constructor(opts: ShareOptions) {
    checkPersistentId(opts.persistentId);
    this.name = opts.name;
    this.persistentId = opts.persistentId;
    this.maxHistory = opts.maxHistory ?? 256;
    this.databases = new RevisionStore(this.clock);
    this.events.setMaxListeners(0);
  }

  /** The newest committed revision. */
  get revision(): number {
    return this.clock.committed;
  }

  get oldest(): number {
    return this.clock.oldest;
  }

  addDatabase(d: {
    id: Id;
    name: string;
    persistentId?: PersistentId;
    items?: LazySource<Item>;
    baseContainerId?: Id;
  }): Database {
    checkId(d.id, 'database id');
    if (this.databases.has(d.id)) throw new RangeError(`database ${d.id} exists`);
    const pid = d.persistentId ?? hash63(this.persistentId.toString(), 'db', String(d.id));
    const db = new Database(this.clock, d.id, d.name, pid, {
      ...(d.items ? { items: d.items } : {}),
      ...(d.baseContainerId !== undefined ? { baseContainerId: d.baseContainerId } : {}),
      basePersistentId: hash63(pid.toString(), 'container', String(d.baseContainerId ?? 1)),
    });
    this.databases.set(d.id, Object.freeze({ id: d.id, database: db }));
    return db;
  }

  removeDatabase(id: Id): void {
    this.databases.delete(id);
  }

  database(id: Id, rev?: number): Database | undefined {
    return this.databases.get(id, rev)?.database;
  }

  /** Commit pending edits as a new revision (§4.2). */
  update(opts: { force?: boolean } = {}): number {
    const head = this.clock.head;
    for (const rec of [...this.databases.values(head)]) {
      if (rec.database.derive(head)) this.databases.set(rec.id, Object.freeze({ ...rec }));
    }
    if (!this.clock.dirty && !opts.force) return this.revision;
    this.clock.dirty = false;
    this.clock.head++;
    const rev = this.revision;
    // Listeners run before cleaning, so that they can still read diff(rev − 1, rev).
    this.events.emit('revision', rev);
    this.autoClean();
    return rev;
  }

  /** Set by the HTTP layer: the oldest revision a live session still holds, if any. */
  setRetention(fn: (() => number | undefined) | undefined): void {
    this.retention = fn;
  }

  /** Clean according to §4.5: keep what the oldest live session holds, at most maxHistory. */
  autoClean(): void {
    const committed = this.revision;
    const floor = committed - this.maxHistory;
    const held = this.retention ? (this.retention() ?? committed) : floor;
    this.clean(Math.max(floor, Math.min(held, committed)));
  }

  /** Forget history needed only by revisions below upTo (never past the newest committed one). */
  clean(upTo: number = this.revision): void {
    const target = Math.min(upTo, this.revision);
    if (target <= this.clock.oldest) return;
    for (const rec of this.databases.values(this.clock.head)) rec.database.clean(target);
    this.databases.clean(target);
    this.clock.oldest = target;
  }

  on(ev: 'revision', fn: (rev: number) => void): () => void {
    this.events.on(ev, fn);
    return () => this.events.off(ev, fn);
  }
}
