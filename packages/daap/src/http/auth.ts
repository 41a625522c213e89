// Basic authentication (daap.md §6.4): the username is ignored and the text after each colon in
// turn is a candidate password (Music.app's usernames contain colons). Candidates are compared in
// constant time over SHA-256 digests, so neither content nor length leaks.

import { createHash, timingSafeEqual } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when the decoded `user:password` text carries the configured password. */
export function credentialsMatch(decoded: string, password: string): boolean {
  const want = digest(password);
  let ok = false;
  for (let i = decoded.indexOf(':'); i >= 0; i = decoded.indexOf(':', i + 1)) {
    // No early exit: every candidate is compared.
    if (timingSafeEqual(digest(decoded.slice(i + 1)), want)) ok = true;
  }
  return ok;
}

/** Decode an `Authorization: Basic …` header; undefined when absent or not Basic. */
export function basicCredentials(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*Basic\s+([A-Za-z0-9+/=._~-]*)\s*$/i.exec(header);
  if (!m) return undefined;
  return Buffer.from(m[1] ?? '', 'base64').toString('utf8');
}

export function authorized(header: string | undefined, password: string): boolean {
  const c = basicCredentials(header);
  return c !== undefined && credentialsMatch(c, password);
}

/** Failures per address (§6.4): more than `limit` in a minute lock the address out for a minute. */
export class Throttle {
  private readonly failures = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  constructor(
    private readonly now: () => number,
    private readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}
  blocked(addr: string): boolean {
    const until = this.blockedUntil.get(addr);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.blockedUntil.delete(addr);
    return false;
  }
  fail(addr: string): void {
    const t = this.now();
    const list = (this.failures.get(addr) ?? []).filter((x) => t - x < this.windowMs);
    list.push(t);
    this.failures.set(addr, list);
    if (list.length > this.limit) {
      this.blockedUntil.set(addr, t + this.windowMs);
      this.failures.delete(addr);
    }
    if (this.failures.size > 10_000) this.failures.clear();
  }
}
