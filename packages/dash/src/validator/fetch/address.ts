/**
 * Address classes for the validator's address rule (validator.md §6.1): only global unicast may be
 * reached from the web service. An IPv6 address that embeds an IPv4 address (mapped, compatible,
 * NAT64, 6to4, Teredo) is classified by that IPv4 address, so `[::ffff:7f00:1]` is loopback.
 *
 * Inputs are IP literals as Node reports them (`127.0.0.1`, `::ffff:127.0.0.1`, `fe80::1%eth0`);
 * host names never reach here — URL parsing already turned `2130706433`, `0x7f.1` and `127.1`
 * into `127.0.0.1`.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  | 'global'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared' // carrier-grade NAT, 100.64/10
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

interface V4Range {
  base: number;
  bits: number;
  cls: AddressClass;
}

const v4 = (dotted: string, bits: number, cls: AddressClass): V4Range => ({
  base: ipv4ToInt(dotted) ?? 0,
  bits,
  cls,
});

/** First match wins; the order puts the narrow ranges before the wide ones. */
const V4_RANGES: readonly V4Range[] = [
  v4('255.255.255.255', 32, 'broadcast'),
  v4('0.0.0.0', 32, 'unspecified'),
  v4('0.0.0.0', 8, 'reserved'), // "this network", RFC 791
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments
  v4('192.0.2.0', 24, 'reserved'), // documentation
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'), // benchmarking
  v4('198.51.100.0', 24, 'reserved'), // documentation
  v4('203.0.113.0', 24, 'reserved'), // documentation
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'), // future use, includes the broadcast address
];

export function ipv4ToInt(dotted: string): number | null {
  const parts = dotted.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

function classifyV4Int(n: number): AddressClass {
  for (const r of V4_RANGES) {
    const span = 2 ** (32 - r.bits);
    if (n >= r.base && n < r.base + span) return r.cls;
  }
  return 'global';
}

/** The eight 16-bit groups of an IPv6 literal (zone id dropped), or null when it does not parse. */
export function ipv6Groups(text: string): number[] | null {
  let s = text.replace(/%.*$/, '');
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!isIPv6(s)) return null;
  // A trailing dotted IPv4 becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  if (dotted !== undefined) {
    const n = ipv4ToInt(dotted);
    if (n === null) return null;
    s = `${s.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((g) => parseInt(g, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

const pair = (hi: number | undefined, lo: number | undefined): number =>
  ((hi ?? 0) * 0x10000 + (lo ?? 0)) >>> 0;

/**
 * The IPv4 addresses an IPv6 address embeds, by the transition prefixes of validator.md §6.1;
 * empty when it embeds none. Teredo carries two (server, and the client obfuscated by XOR).
 */
export function embeddedIPv4(g: readonly number[]): number[] {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g;
  const zeros = (...xs: (number | undefined)[]): boolean => xs.every((x) => x === 0);
  // ::ffff:0:0/96 (mapped) and ::/96 (compatible, deprecated but still routed by some stacks)
  if (zeros(g0, g1, g2, g3, g4) && (g5 === 0xffff || g5 === 0)) return [pair(g6, g7)];
  // 64:ff9b::/96 (well-known NAT64 prefix, RFC 6052)
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5)) return [pair(g6, g7)];
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215): a /48 prefix puts the IPv4 in bits 48–63 and
  // 72–103, skipping the "u" octet (RFC 6052 §2.2).
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) {
    const b = [(g3 ?? 0) >> 8, (g3 ?? 0) & 0xff, (g4 ?? 0) & 0xff, (g5 ?? 0) >> 8];
    return [((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0];
  }
  // 2002::/16 (6to4): bits 16–47
  if (g0 === 0x2002) return [pair(g1, g2)];
  // 2001::/32 (Teredo): server in bits 32–63, client in the last 32 bits, inverted
  if (g0 === 0x2001 && g1 === 0) return [pair(g2, g3), ~pair(g6, g7) >>> 0];
  return [];
}

function classifyV6(g: readonly number[]): AddressClass {
  const [g0 = 0] = g;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  const embedded = embeddedIPv4(g);
  if (embedded.length > 0) {
    // The most restrictive class of the embedded addresses decides.
    const classes = embedded.map(classifyV4Int);
    return classes.find((c) => c !== 'global') ?? 'global';
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'reserved'; // fec0::/10 site-local, deprecated
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if ((g0 & 0xe000) === 0x2000) return 'global'; // 2000::/3 global unicast
  return 'reserved';
}

/** Classifies an IP literal (IPv4, IPv6 with or without brackets or zone id). */
export function classifyAddress(address: string): AddressClass {
  if (isIPv4(address)) {
    const n = ipv4ToInt(address);
    return n === null ? 'invalid' : classifyV4Int(n);
  }
  const g = ipv6Groups(address);
  return g === null ? 'invalid' : classifyV6(g);
}

/** A canonical form for comparing addresses: IPv4-mapped IPv6 becomes IPv4, IPv6 is expanded. */
export function canonicalAddress(address: string): string {
  if (isIPv4(address)) return address;
  const g = ipv6Groups(address);
  if (g === null) return address;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const n = pair(g[6], g[7]);
    return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
  }
  return g.map((x) => x.toString(16)).join(':');
}

/** True for an IP literal (bracketed IPv6 included), as a URL's `hostname` gives it. */
export function isIpLiteral(hostname: string): boolean {
  const h = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIPv4(h) || isIPv6(h);
}
