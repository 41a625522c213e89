/**
 * Many scheduled callbacks on one timer: a binary min-heap of due times, with a single
 * `setTimeout` armed for the earliest. Thousands of simulated players each waiting for their next
 * segment would otherwise keep thousands of timers and promises alive in the load generator.
 */
interface Entry {
  at: number;
  run: () => void;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  /** Runs `run` at epoch ms `at` (at once, on the next turn, when `at` is past). */
  at(at: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ at, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
    if (at < this.armedFor) this.arm(at);
  }

  get size(): number {
    return this.heap.length;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) this.pop().run();
    if (this.heap.length > 0) this.arm(this.heap[0]!.at);
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left]!.at < heap[least]!.at) least = left;
        if (right < heap.length && heap[right]!.at < heap[least]!.at) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  }
}
