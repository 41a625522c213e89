/**
 * `failures` (drm-events.md §10.4): fail N times, then succeed once, counted in a cookie of the
 * client's so no node keeps state. The cookie holds `<key>:<count>` entries joined by `|`,
 * oldest first, at most 32; anything unparseable is ignored.
 */

export const FAULT_COOKIE = 'loopcast_faults';
const MAX_ENTRIES = 32;
const ENTRY = /^([mvat][0-9]{3}@t?[0-9]{1,15}):([0-9]{1,3})$/;

/** Counts by key, in insertion order (oldest first). */
export type FailureCounts = Map<string, number>;

/** The counts of a cookie value; an unparseable value gives no counts (§10.4). */
export function parseFailureCookie(value: string | undefined): FailureCounts {
  const counts: FailureCounts = new Map();
  if (!value) return counts;
  for (const part of value.split('|')) {
    const m = ENTRY.exec(part);
    if (!m) return new Map();
    counts.set(m[1]!, Number(m[2]));
  }
  return counts;
}

export function formatFailureCookie(counts: FailureCounts): string {
  return [...counts].map(([k, c]) => `${k}:${c}`).join('|');
}

/** `Set-Cookie` value carrying the counts (an empty set expires the cookie). */
export function failureSetCookie(counts: FailureCounts, secure: boolean): string {
  const value = formatFailureCookie(counts);
  const age = value === '' ? 0 : 3600;
  return `${FAULT_COOKIE}=${value}; Path=/; Max-Age=${age}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export interface FailureStep {
  /** True: answer the fault; false: serve normally. */
  fire: boolean;
  /** The updated counts to send back. */
  counts: FailureCounts;
}

/**
 * One matching fault under `failures=N`: count c = stored + 1; c ≤ N fires and stores c, else
 * the request succeeds and the entry is removed, so the cycle is N failures, one success, …
 */
export function stepFailures(counts: FailureCounts, key: string, n: number): FailureStep {
  const next: FailureCounts = new Map(counts);
  const c = (next.get(key) ?? 0) + 1;
  next.delete(key);
  if (c > n) return { fire: false, counts: next };
  next.set(key, c);
  while (next.size > MAX_ENTRIES) next.delete(next.keys().next().value!);
  return { fire: true, counts: next };
}

/** Reads one cookie from a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
