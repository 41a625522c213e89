/**
 * The port rule of the web validator (validator.md §6.1): 80, 443 and 1024–65535, minus the
 * Fetch standard's bad ports (WHATWG Fetch §2.9 "port blocking"), so the validator cannot be
 * aimed at mail, IRC, NFS or X11 servers.
 */

/** The Fetch standard's bad ports at 1024 and above; the ones below 1024 are refused anyway. */
const BAD_HIGH_PORTS: ReadonlySet<number> = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697,
  10080,
]);

export function portAllowed(port: number): boolean {
  if (!Number.isInteger(port)) return false;
  if (port === 80 || port === 443) return true;
  return port >= 1024 && port <= 65535 && !BAD_HIGH_PORTS.has(port);
}

/** The port a URL connects to, with the scheme's default when the URL names none. */
export function urlPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
