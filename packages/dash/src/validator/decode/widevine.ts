/** The Widevine pssh Data message (drm-events.md §4.6), through the one decoder in drm/widevine.ts. */
import { decodeWidevinePsshData } from '../../drm/widevine.js';

export interface WidevineData {
  keyIds: string[];
  protectionScheme?: string;
}

export type WidevineResult = { ok: true; data: WidevineData } | { ok: false; reason: string };

export function parseWidevineData(data: Uint8Array): WidevineResult {
  try {
    const f = decodeWidevinePsshData(data);
    return { ok: true, data: { keyIds: f.keyIds, protectionScheme: f.protectionScheme?.fourcc } };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
