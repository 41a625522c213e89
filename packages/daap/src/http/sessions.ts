// Sessions (daap.md §6.5): random ids in 100…2^31−1, idle expiry, a cap on their number, and
// the held revision that history retention follows (§4.5).

import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SessionInfo } from '../media/types.js';
import type { Timers } from './clock.js';

export const MIN_SESSION_ID = 100;
export const MAX_SESSION_ID = 0x7fffffff;

export class Session implements SessionInfo {
  state: 'connecting' | 'connected' | 'streaming' = 'connecting';
  lastSeen: Date;
  heldRevision: number;
  requests = 0;
  itemsStreamed = 0;
  itemsUnique = 0;
  artworks = 0;
  bytesStreamed = 0;
  /** requests in flight, held /update included: a busy session never expires */
  inFlight = 0;
  streams = 0;
  /** cancel functions of held /update requests, oldest first */
  readonly waiters: (() => void)[] = [];
  readonly since: Date;
  constructor(
    readonly id: number,
    readonly address: string,
    now: number,
    heldRevision: number,
    readonly userAgent?: string,
    readonly clientVersion?: string,
  ) {
    this.since = new Date(now);
    this.lastSeen = new Date(now);
    this.heldRevision = heldRevision;
  }
}

export interface SessionEvent {
  type: 'created' | 'destroyed' | 'state';
  session: SessionInfo;
}

export class SessionManager {
  private readonly byId = new Map<number, Session>();
  readonly events = new EventEmitter();
  private sweepTimer: unknown;

  constructor(
    private readonly timers: Timers,
    private readonly idleMs: number,
    private readonly maxSessions: number,
    private readonly onDestroyed: (s: Session) => void,
  ) {
    this.events.setMaxListeners(0);
    this.scheduleSweep();
  }

  private scheduleSweep(): void {
    if (this.idleMs <= 0) return;
    this.sweepTimer = this.timers.setTimeout(
      () => {
        this.sweep();
        this.scheduleSweep();
      },
      Math.min(60_000, this.idleMs),
    );
  }

  get size(): number {
    return this.byId.size;
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  create(
    address: string,
    heldRevision: number,
    ua?: string,
    clientVersion?: string,
    requested?: number,
  ): Session {
    let id: number;
    if (
      requested !== undefined &&
      Number.isInteger(requested) &&
      requested >= 1 &&
      requested <= MAX_SESSION_ID &&
      !this.byId.has(requested)
    ) {
      id = requested;
    } else {
      do id = randomInt(MIN_SESSION_ID, MAX_SESSION_ID);
      while (this.byId.has(id));
    }
    const s = new Session(id, address, this.timers.now(), heldRevision, ua, clientVersion);
    this.byId.set(id, s);
    this.events.emit('session', { type: 'created', session: s } satisfies SessionEvent);
    while (this.byId.size > this.maxSessions) {
      let oldest: Session | undefined;
      for (const x of this.byId.values()) if (!oldest || x.lastSeen < oldest.lastSeen) oldest = x;
      if (!oldest || oldest === s) break;
      this.destroy(oldest.id);
    }
    return s;
  }

  /** A live session, or undefined (expired ones are destroyed on the way). */
  get(id: number): Session | undefined {
    const s = this.byId.get(id);
    if (!s) return undefined;
    if (this.expired(s)) {
      this.destroy(id);
      return undefined;
    }
    return s;
  }

  countFrom(address: string): number {
    let n = 0;
    for (const s of this.byId.values()) if (s.address === address) n++;
    return n;
  }

  private expired(s: Session): boolean {
    return this.idleMs > 0 && s.inFlight === 0 && this.timers.now() - s.lastSeen.getTime() >= this.idleMs;
  }

  touch(s: Session): void {
    s.lastSeen = new Date(this.timers.now());
    s.requests++;
  }

  setState(s: Session, state: Session['state']): void {
    if (s.state === state) return;
    s.state = state;
    this.events.emit('session', { type: 'state', session: s } satisfies SessionEvent);
  }

  destroy(id: number): boolean {
    const s = this.byId.get(id);
    if (!s) return false;
    this.byId.delete(id);
    for (const cancel of s.waiters.splice(0)) cancel();
    this.events.emit('session', { type: 'destroyed', session: s } satisfies SessionEvent);
    this.onDestroyed(s);
    return true;
  }

  sweep(): void {
    for (const s of [...this.byId.values()]) if (this.expired(s)) this.destroy(s.id);
  }

  /** The oldest revision a live session holds (§4.5). */
  minHeld(): number | undefined {
    let m: number | undefined;
    for (const s of this.byId.values()) if (m === undefined || s.heldRevision < m) m = s.heldRevision;
    return m;
  }

  close(): void {
    if (this.sweepTimer !== undefined) this.timers.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const id of [...this.byId.keys()]) this.destroy(id);
  }
}
