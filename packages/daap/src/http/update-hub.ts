// Held /update requests (daap.md §6.9). A request whose revision equals the newest is held until a
// new revision is committed; it is never answered with the client's own revision. When the oldest
// held request has waited `keepAliveMs`, an empty revision is committed (the only safe keep-alive).
// A client that goes away is removed at once: no timer, listener or closure remains.

import type { Share } from '../model/share.js';
import type { Timers } from './clock.js';
import type { Session } from './sessions.js';

export interface Waiter {
  readonly since: number;
  readonly session: Session | undefined;
  /** answer with a new revision */
  answer(rev: number): void;
  /** end without a body */
  cancel(): void;
}

export class UpdateHub {
  private readonly waiters = new Set<Waiter>();
  private timer: unknown;
  private timerAt = 0;
  private readonly off: () => void;

  constructor(
    private readonly share: Share,
    private readonly timers: Timers,
    private readonly keepAliveMs: number,
  ) {
    this.off = share.on('revision', (rev) => this.wake(rev));
  }

  get size(): number {
    return this.waiters.size;
  }

  add(w: Waiter): void {
    this.waiters.add(w);
    this.reschedule();
  }

  remove(w: Waiter): void {
    if (this.waiters.delete(w)) this.reschedule();
  }

  private wake(rev: number): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w.answer(rev);
    this.reschedule();
  }

  private reschedule(): void {
    if (this.keepAliveMs <= 0) return;
    let oldest: number | undefined;
    for (const w of this.waiters) if (oldest === undefined || w.since < oldest) oldest = w.since;
    if (oldest === undefined) {
      if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    const at = oldest + this.keepAliveMs;
    if (this.timer !== undefined && this.timerAt === at) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.share.update({ force: true });
      },
      Math.max(0, at - this.timers.now()),
    );
  }

  close(): void {
    this.off();
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w.cancel();
  }
}
