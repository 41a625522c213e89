/**
 * Time positions of segment faults on child URLs (drm-events.md §10.3, §10.6; dash.md §4.4,
 * §7.11): a live manifest writes `verr`, `aerr`, `terr` and `vcorrupt` time positions as segment
 * numbers of the first Representation of that type, `n = S0 + floor((T − AST)·ts / Dn)`, and
 * drops positions before the buffer start (clock − TSBD). Numbers are written as given.
 */
import type { FaultItem } from '../options/domain-codecs.js';
import type { OptionParam, Options } from '../options/registry.js';
import { timingReferenceOf, type StreamModel } from '../stream.js';
import type { ManifestTiming } from '../timing/presentation.js';
import { trackTiming } from '../timing/track.js';
import { resolvePosition, segmentNumberAt } from './positions.js';

type SegmentUsage = 'video' | 'audio' | 'text';

export interface ChildFaultExtras {
  set?: Partial<Record<OptionParam, string>>;
  omit?: OptionParam[];
}

const LISTS: Record<SegmentUsage, ('verr' | 'aerr' | 'terr' | 'vcorrupt')[]> = {
  video: ['verr', 'vcorrupt'],
  audio: ['aerr'],
  text: ['terr'],
};

/** Extras for `childQuery` per content type; empty when nothing needs converting. */
export function childFaultExtras(
  stream: StreamModel,
  options: Options,
  timing: ManifestTiming,
): Record<SegmentUsage, ChildFaultExtras> {
  const out: Record<SegmentUsage, ChildFaultExtras> = { video: {}, audio: {}, text: {} };
  const ref = timingReferenceOf(stream);
  if (timing.kind !== 'live' || !ref) return out;
  const windowStartMs = timing.clockMs - timing.tsbdSeconds * 1000;
  for (const usage of ['video', 'audio', 'text'] as const) {
    const file = stream.files.find((f) => f.index.contentType === usage);
    if (!file) continue;
    const t = trackTiming(file.index, ref.index, options.snr);
    /** A position as written on the child URL; null when it is dropped. */
    const convert = (text: string): string | null => {
      const p = resolvePosition(text, timing.astMs);
      if (!p || p.kind === 'number') return text;
      if (p.ms < windowStartMs) return null;
      const n = segmentNumberAt(t, timing.astMs, p.ms);
      return n === null ? null : String(n);
    };
    for (const param of LISTS[usage]) {
      const items = options[param] as readonly (FaultItem | string)[];
      if (!items.some((i) => resolvePosition(typeof i === 'string' ? i : i.position, 0)?.kind === 'time'))
        continue;
      const written = items.flatMap((i) => {
        const pos = convert(typeof i === 'string' ? i : i.position);
        return pos === null ? [] : [typeof i === 'string' ? pos : `${i.code}=${pos}`];
      });
      if (written.length > 0) (out[usage].set ??= {})[param] = written.join(',');
      else (out[usage].omit ??= []).push(param);
    }
  }
  return out;
}
