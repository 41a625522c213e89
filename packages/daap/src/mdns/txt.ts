// The `_daap._tcp` TXT record (daap.md §8). All values derive from ids the embedder persists,
// so they stay the same across restarts.

import { packVersion } from '../dmap/version.js';

export interface Advert {
  readonly name: string;
  readonly port: number;
  readonly txt: Readonly<Record<string, string>>;
}

export interface Advertiser {
  /** resolves with the name actually used (ciao renames on conflicts) */
  publish(a: Advert): Promise<string>;
  withdraw(): Promise<void>;
}

const hex = (v: bigint, digits: number): string => v.toString(16).toUpperCase().padStart(digits, '0');

export function daapTxt(o: {
  name: string;
  sharePersistentId: bigint;
  databasePersistentId: bigint;
  password: boolean;
  version: string;
}): Record<string, string> {
  const pid = o.sharePersistentId;
  return {
    txtvers: '1',
    'Machine Name': o.name,
    'Machine ID': hex(pid & 0xffff_ffff_ffffn, 12),
    'Database ID': hex(o.databasePersistentId, 16),
    MID: `0x${hex(pid, 16)}`,
    'iTSh Version': '131073',
    Version: '196610',
    dmv: String(packVersion('2.0.10')),
    Password: o.password ? '1' : '0',
    'Media Kinds Shared': '1',
    OSsi: '0x1F6',
    ffid: (pid & 0xffff_ffffn).toString(16).padStart(8, '0'),
    'mtd-version': `loopcast-${o.version}`,
  };
}
