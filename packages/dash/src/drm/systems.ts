/**
 * The DRM systems loopcast signals (drm-events.md §3–§6): one table of system IDs and scheme
 * URIs, used by the manifest signalling, the pssh builders and the player page.
 */

import { KeyMaterial } from './key-material.js';

export const SYSTEM_IDS = {
  /** W3C "Common PSSH box format" (§5.1); ClearKey's pssh. */
  common: '1077efecc0b24d02ace33c1e52e2fb4b',
  /** ClearKey's MPD scheme (§4.2). */
  clearkey: 'e2719d58a985b3c9781ab030af78d30e',
  playready: '9a04f07998404286ab92e65be0885f95',
  /** PlayReady 1.0's byte-swapped legacy form, MPD only (§6.1). */
  playreadyLegacy: '79f0049a40988642ab92e65be0885f95',
  marlin: '5e629af538da4063897797ffbd9902d4',
  widevine: 'edef8ba979d64acea3c827dcd51d21ed',
} as const;

export const MP4_PROTECTION_SCHEME = 'urn:mpeg:dash:mp4protection:2011';

/** `urn:uuid:` + the 8-4-4-4-12 form of a 32-hex system ID. */
export function uuidUrn(systemId: string): string {
  return `urn:uuid:${KeyMaterial.parse(systemId).uuid()}`;
}

/** A key of an AdaptationSet's key set (§4.1): the KID and what the key store knows of it. */
export interface KeySetEntry {
  /** 32 hex, stored order. */
  kid: string;
  /** 32 hex, or null when the KID is not in the key store. */
  key: string | null;
  alg: 'AESCTR' | 'AESCBC';
  computed: boolean;
}
