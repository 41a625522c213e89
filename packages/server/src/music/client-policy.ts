/**
 * Who may use a password-less share (spec daap.md §6.4): loopback, private and link-local
 * addresses only, unless LOOPCAST_DAAP_OPEN is set. A share with a password serves everyone who
 * knows it.
 */
import { BlockList, isIPv4 } from 'node:net';

const LOCAL = new BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('10.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('172.16.0.0', 12, 'ipv4');
LOCAL.addSubnet('192.168.0.0', 16, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addSubnet('fc00::', 7, 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** True for loopback, RFC 1918 / RFC 4193 private and link-local addresses (IPv4-mapped too). */
export function isLocalNetworkAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address.replace(/%.*$/, '');
  try {
    return LOCAL.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

export function daapClientPolicy(opts: {
  password?: string;
  open: boolean;
}): ((address: string) => boolean) | undefined {
  if (opts.password || opts.open) return undefined;
  return isLocalNetworkAddress;
}
