// Version packing (daap.md §2.6): u16 major, u8 minor, u8 patch. The reference packed
// u16(major) u16(patch) and dropped the minor part; 3.1.2 must be 00 03 01 02.

import type { DmapVersion } from './types.js';

export function packVersion(v: DmapVersion | string): number {
  const p = typeof v === 'string' ? parseVersion(v) : v;
  if (
    !Number.isInteger(p.major) ||
    !Number.isInteger(p.minor) ||
    !Number.isInteger(p.patch) ||
    p.major < 0 ||
    p.major > 0xffff ||
    p.minor < 0 ||
    p.minor > 0xff ||
    p.patch < 0 ||
    p.patch > 0xff
  ) {
    throw new RangeError(`version out of range: ${p.major}.${p.minor}.${p.patch}`);
  }
  return p.major * 0x10000 + p.minor * 0x100 + p.patch;
}

export function unpackVersion(n: number): DmapVersion {
  return { major: Math.floor(n / 0x10000) & 0xffff, minor: (n >>> 8) & 0xff, patch: n & 0xff };
}

export function parseVersion(s: string): DmapVersion {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new RangeError(`not a version: ${s}`);
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

export function formatVersion(v: DmapVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
