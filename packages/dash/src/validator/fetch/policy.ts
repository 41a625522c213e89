/**
 * The address rule of the web validator (validator.md §6.1): the web service is not an open proxy.
 * Every hop's URL is checked here (scheme, credentials, port, exemptions), and every connection's
 * resolved address is checked again in the connect path (`connect.ts`). Loopcast itself is exempt
 * by the exact origin of `LOOPCAST_PUBLIC_URL`, or without it by the local address and port the
 * page's own request arrived on — never by a name from `Host`, `X-Forwarded-Host` or `Origin`.
 */
import { canonicalAddress, classifyAddress, isIpLiteral } from './address.js';
import { portAllowed, urlPort } from './ports.js';

export interface AddressRuleOptions {
  /** The origin of `LOOPCAST_PUBLIC_URL` (`https://dash.example.org`); URLs of exactly this origin are loopcast. */
  publicOrigin?: string;
  /** Used only without `publicOrigin`: the local address and port of the page's own request. */
  localEndpoint?: { address: string; port: number };
  /** `LOOPCAST_VALIDATOR_ALLOW_HOSTS`: matched, anchored, against the whole lower-cased host name. */
  allowHosts?: RegExp;
  /** `LOOPCAST_VALIDATOR_PRIVATE=allow` lifts the address rule (lab installations). */
  allowPrivate?: boolean;
}

/** What the URL check decided for one hop. */
export type HopVerdict = { ok: true; exempt: boolean } | { ok: false; reason: string };

export interface AddressRule {
  /** Checks a hop's URL before any connection is made. */
  checkUrl(url: URL): HopVerdict;
  /** Checks the address a connection resolved to; null when allowed, else the reason. */
  checkAddress(address: string, port: number, exempt: boolean): string | null;
}

function anchored(re: RegExp): RegExp {
  return new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, ''));
}

function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export function createAddressRule(opts: AddressRuleOptions): AddressRule {
  const allowHosts = opts.allowHosts ? anchored(opts.allowHosts) : undefined;
  const publicOrigin = opts.publicOrigin ? new URL(opts.publicOrigin).origin : undefined;
  const local =
    publicOrigin === undefined && opts.localEndpoint
      ? { address: canonicalAddress(opts.localEndpoint.address), port: opts.localEndpoint.port }
      : undefined;

  const isSelfEndpoint = (address: string, port: number): boolean =>
    local !== undefined && local.port === port && local.address === canonicalAddress(address);

  return {
    checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { ok: false, reason: `scheme ${url.protocol} is not allowed; only http and https` };
      }
      if (url.username !== '' || url.password !== '') {
        return { ok: false, reason: 'credentials in URLs are refused by the web validator' };
      }
      if (publicOrigin !== undefined && url.origin === publicOrigin) return { ok: true, exempt: true };
      const port = urlPort(url);
      const host = bare(url.hostname).toLowerCase();
      const named = !isIpLiteral(url.hostname);
      const exempt = opts.allowPrivate === true || (named && allowHosts?.test(host) === true);
      if (!portAllowed(port) && !(isIpLiteral(url.hostname) && isSelfEndpoint(host, port))) {
        return {
          ok: false,
          reason: `port ${port} is not allowed (80, 443 and 1024–65535 minus Fetch's bad ports)`,
        };
      }
      return { ok: true, exempt };
    },
    checkAddress(address, port, exempt) {
      if (exempt || isSelfEndpoint(address, port)) return null;
      const cls = classifyAddress(address);
      if (cls === 'global') return null;
      return `address not allowed: ${address} is ${cls === 'invalid' ? 'not an IP address' : cls}`;
    },
  };
}
