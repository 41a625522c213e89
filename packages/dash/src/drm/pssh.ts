/** pssh boxes as bytes (drm-events.md §6.6) and the W3C common pssh of ClearKey (§5.1). */
import { Box, pssh, serializeBox } from '@loopcast/bmff';
import { SYSTEM_IDS } from './systems.js';

/** A version 0 box when `kids` is null, else version 1 listing them. */
export function psshBox(systemId: string, kids: readonly string[] | null, data: Uint8Array): Buffer {
  return serializeBox(
    Box.create(pssh, {
      version: kids === null ? 0 : 1,
      flags: 0,
      systemId,
      kids: kids === null ? [] : [...kids],
      data: Buffer.from(data),
    }),
  );
}

/** §5.1: version 1, the key set as KID list, no data. */
export function commonPssh(kids: readonly string[]): Buffer {
  return psshBox(SYSTEM_IDS.common, kids, new Uint8Array(0));
}
