/**
 * The connect path of the validator's fetcher (validator.md §6.1). Each hop gets its own socket,
 * made here, so the address check cannot be skipped:
 * - an IP literal (Node calls no `lookup` for it) is checked before the socket is created;
 * - a host name is resolved by a `lookup` that returns only allowed addresses, so the address
 *   checked is the address connected to (pinned; a second DNS answer cannot slip in);
 * - the socket's remote address and port are checked again on `connect`, before the first request
 *   byte is written (the listener is added before the HTTP client writes anything).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { AddressRule } from './policy.js';
import { urlPort } from './ports.js';

/** Raised in the connect path when the address rule refuses a target. */
export class AddressNotAllowedError extends Error {
  override readonly name = 'AddressNotAllowedError';
}

export interface ConnectTarget {
  url: URL;
  rule: AddressRule | null;
  /** The URL check found the host exempt (allow-hosts, public origin, private=allow). */
  exempt: boolean;
}

function guardedLookup(rule: AddressRule, port: number, exempt: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { ...options, all: true } satisfies LookupAllOptions,
      (err, addresses: LookupAddress[]) => {
        if (err) {
          callback(err, '', 0);
          return;
        }
        const allowed: LookupAddress[] = [];
        let reason = `no address for ${hostname}`;
        for (const a of addresses) {
          const refusal = rule.checkAddress(a.address, port, exempt);
          if (refusal === null) allowed.push(a);
          else reason = `${refusal} (resolved from ${hostname})`;
        }
        const first = allowed[0];
        if (first === undefined) {
          callback(new AddressNotAllowedError(reason), '', 0);
          return;
        }
        if (options.all === true) {
          (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, allowed);
        } else {
          callback(null, first.address, first.family);
        }
      },
    );
  };
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * A `createConnection` for `http.request`: plain TCP or TLS to the URL's host and port, with the
 * address rule applied as described above. A refused IP literal throws; a refused name or
 * connection reaches the request as a socket error.
 */
export function guardedConnection(target: ConnectTarget): () => Socket {
  const { url, rule, exempt } = target;
  const host = bareHost(url.hostname);
  const port = urlPort(url);
  const tls = url.protocol === 'https:';
  return () => {
    if (rule !== null && isIP(host) !== 0) {
      // Node calls no lookup for an IP literal: check it before any socket exists.
      const refusal = rule.checkAddress(host, port, exempt);
      if (refusal !== null) throw new AddressNotAllowedError(refusal);
    }
    const lookup = rule === null ? undefined : guardedLookup(rule, port, exempt);
    const socket: Socket = tls
      ? tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined, lookup })
      : netConnect({ host, port, lookup });
    if (rule !== null) {
      socket.once('connect', () => {
        const refusal = rule.checkAddress(socket.remoteAddress ?? '', socket.remotePort ?? 0, exempt);
        if (refusal !== null) socket.destroy(new AddressNotAllowedError(refusal));
      });
    }
    return socket;
  };
}
