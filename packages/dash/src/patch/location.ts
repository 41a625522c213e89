/**
 * PatchLocation (drm-events.md §11.1): `<origin>/patch/{stream}/{template}/{publish}` with the
 * MPD's manifest-usage query (without `patch`, with `timeline` only when it is `number`) and
 * ttl = max(timeShiftBufferDepth, MUP) in whole seconds.
 */
import type { OptionParam } from '../options/registry.js';

export interface PatchLocationModel {
  url: string;
  ttl: number;
}

/** `{publish}`: Unix seconds, with up to three decimals when not whole. */
export function formatPublish(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms - s * 1000;
  return frac === 0 ? String(s) : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Epoch ms of a `{publish}` path segment, or null when it is not one. */
export function parsePublish(text: string): number | null {
  const m = /^([0-9]{1,12})(?:\.([0-9]{1,3}))?$/.exec(text);
  return m ? Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0')) : null;
}

/** The options left out of the PatchLocation query. */
export function patchQueryOmits(timeline: unknown): OptionParam[] {
  return timeline === 'number' ? ['patch'] : ['patch', 'timeline'];
}

/** ttl = max(TSBD, MUP), whole seconds (§11.1, the reference's rule). */
export const patchTtl = (tsbdSeconds: number, mupSeconds: number | null): number =>
  Math.floor(Math.max(tsbdSeconds, mupSeconds ?? 0));

export function patchLocation(args: {
  origin: string;
  stream: string;
  template: string;
  publishMs: number;
  tsbdSeconds: number;
  mupSeconds: number | null;
  query: string;
}): PatchLocationModel {
  return {
    url: `${args.origin}/patch/${args.stream}/${args.template}/${formatPublish(args.publishMs)}${args.query}`,
    ttl: patchTtl(args.tsbdSeconds, args.mupSeconds),
  };
}
