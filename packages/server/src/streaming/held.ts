/**
 * Counters of responses held open or paced on purpose (drm-events.md §10.9 "Concurrency",
 * app.md §12.2): a low-latency hold or chunk-by-chunk delivery (dash.md §10.3) takes one slot per
 * node (`LOOPCAST_MAX_HELD`) and one per client address (`LOOPCAST_MAX_HELD_PER_CLIENT`, IPv6
 * counted by /64) until the response ends or the client goes away. Over either limit the caller
 * answers 503 at once.
 */
import { isIPv6 } from 'node:net';

/** Gives the slot back; calling it more than once is harmless. */
export type ReleaseHeld = () => void;

export class HeldResponses {
  private total = 0;
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly maxPerNode: number,
    private readonly maxPerClient: number,
  ) {}

  /** Takes a slot for `address`, or null when a limit is reached. */
  acquire(address: string): ReleaseHeld | null {
    const key = clientKey(address);
    const mine = this.perClient.get(key) ?? 0;
    if (this.total >= this.maxPerNode || mine >= this.maxPerClient) return null;
    this.total++;
    this.perClient.set(key, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perClient.get(key) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(key);
      else this.perClient.set(key, left);
    };
  }

  /** Held responses on this node now. */
  get count(): number {
    return this.total;
  }

  /** Held responses of one client address now. */
  countFor(address: string): number {
    return this.perClient.get(clientKey(address)) ?? 0;
  }
}

/** The client a limit counts: an IPv4 address (IPv4-mapped IPv6 too), or an IPv6 /64. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return expandIPv6(address).slice(0, 4).join(':') + '::/64';
}

/** Eight 16-bit groups, lower-case, without leading zeros. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0]!;
  const [head = '', tail] = bare.split('::', 2) as [string, string?];
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...middle, ...t].map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)));
}
