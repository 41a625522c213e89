/**
 * Job and socket limits of the web validator (validator.md §6.2): runs per node, and per client
 * address — visitors 1 job and 4 sockets, logged-in users 2 jobs and 8 sockets.
 */

export type JobRefusal = 'node' | 'client';

const LIMITS = {
  visitor: { jobs: 1, sockets: 4 },
  user: { jobs: 2, sockets: 8 },
} as const;

export class ValidatorSlots {
  private running = 0;
  private readonly jobs = new Map<string, number>();
  private readonly sockets = new Map<string, number>();

  constructor(private readonly jobsPerNode: number) {}

  get runningJobs(): number {
    return this.running;
  }

  private static bump(map: Map<string, number>, key: string, by: number): void {
    const next = (map.get(key) ?? 0) + by;
    if (next <= 0) map.delete(key);
    else map.set(key, next);
  }

  /** Reserves a socket for the client address; false when it already holds its share. */
  openSocket(client: string, loggedIn: boolean): boolean {
    const limit = LIMITS[loggedIn ? 'user' : 'visitor'].sockets;
    if ((this.sockets.get(client) ?? 0) >= limit) return false;
    ValidatorSlots.bump(this.sockets, client, 1);
    return true;
  }

  closeSocket(client: string): void {
    ValidatorSlots.bump(this.sockets, client, -1);
  }

  /** Reserves a run; says which limit refused it otherwise. */
  startJob(client: string, loggedIn: boolean): JobRefusal | null {
    if (this.running >= this.jobsPerNode) return 'node';
    if ((this.jobs.get(client) ?? 0) >= LIMITS[loggedIn ? 'user' : 'visitor'].jobs) return 'client';
    this.running++;
    ValidatorSlots.bump(this.jobs, client, 1);
    return null;
  }

  endJob(client: string): void {
    this.running--;
    ValidatorSlots.bump(this.jobs, client, -1);
  }
}
