/** A counting semaphore for the fetcher's per-run and per-host request limits (validator.md §6.2). */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves with a release function once a slot is free; rejects when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.active--;
        this.waiting.shift()?.();
      };
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.active++;
        resolve(release);
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        const reason: unknown = signal.reason;
        reject(reason instanceof Error ? reason : new Error('aborted'));
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      if (this.active < this.limit) {
        this.active++;
        resolve(release);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }
}
