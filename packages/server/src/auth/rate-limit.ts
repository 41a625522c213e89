/**
 * The login rate limit (spec app.md §3.6), counted in `login_failures` so it holds across nodes.
 * Checked before the password is, on login, token and password-change requests.
 */
import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import type { Settings } from '../config/settings.js';
import type { Database } from '../storage/schema.js';

/** Above this many failures for a user name overall, addresses that already failed for it wait. */
export const PER_USER_OVERALL = 100;

export type LimitSettings = Pick<Settings, 'loginWindow' | 'loginMaxFailures' | 'loginMaxFailuresIp'>;

/** The address a failure is counted against: IPv4 as is, IPv6 by its /64 (§3.6). */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Seconds to wait, or 0 when the attempt may go ahead. At most `LOOPCAST_LOGIN_MAX_FAILURES`
 * failures per user name and address (and `…_IP` per address) are ever counted in a window; the
 * next attempt waits until the oldest of them leaves the window. The per-user overall count only
 * stops addresses that already failed for that user, so strangers cannot lock an account out.
 */
export async function loginRetryAfter(
  db: Kysely<Database>,
  settings: LimitSettings,
  username: string,
  ip: string,
  now = Date.now(),
): Promise<number> {
  const user = username.toLowerCase();
  const address = clientKey(ip);
  const since = new Date(now - settings.loginWindow).toISOString();
  const counted = (rows: { n: number | string; oldest: string | null } | undefined) => ({
    n: Number(rows?.n ?? 0),
    oldest: rows?.oldest ?? null,
  });
  const base = db.selectFrom('login_failures').where('at', '>', since);
  const [pair, byIp, byUser] = await Promise.all([
    base
      .where('username_lower', '=', user)
      .where('ip', '=', address)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<string>('at').as('oldest')])
      .executeTakeFirst()
      .then(counted),
    base
      .where('ip', '=', address)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<string>('at').as('oldest')])
      .executeTakeFirst()
      .then(counted),
    base
      .where('username_lower', '=', user)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<string>('at').as('oldest')])
      .executeTakeFirst()
      .then(counted),
  ]);
  const waits: number[] = [];
  const wait = (oldest: string | null) =>
    Math.max(1, Math.ceil((Date.parse(oldest ?? '') + settings.loginWindow - now) / 1000) || 1);
  if (pair.n >= settings.loginMaxFailures) waits.push(wait(pair.oldest));
  if (byIp.n >= settings.loginMaxFailuresIp) waits.push(wait(byIp.oldest));
  if (byUser.n >= PER_USER_OVERALL && pair.n > 0) waits.push(wait(byUser.oldest));
  return waits.length ? Math.max(...waits) : 0;
}

export async function recordLoginFailure(db: Kysely<Database>, username: string, ip: string): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ username_lower: username.toLowerCase(), ip: clientKey(ip), at: new Date().toISOString() })
    .execute();
}

/** A success forgets that user name's failures from that address (§3.6). */
export async function clearLoginFailures(db: Kysely<Database>, username: string, ip: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('username_lower', '=', username.toLowerCase())
    .where('ip', '=', clientKey(ip))
    .execute();
}
