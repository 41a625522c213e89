/**
 * Options of a multi-period request (drm-events.md §12.5): parsed as on normal streams, with the
 * MPS's `options` as the stream defaults (the sources' own defaults do not apply, §12.1). The
 * Periods come from the playlist alone, so the automatic-Period and event options are reset and
 * `snr` is ignored; SegmentTimeline addressing with `$Time$` is forced (§12.6).
 */
import { resolveOptions, type QueryInput, type RequestKind, type ResolvedOptions } from '../options/parse.js';
import { optionRow, type OptionParam, type Options } from '../options/registry.js';
import { TEMPLATES } from '../templates/registry.js';
import type { MpsPeriod, MultiPeriodStream } from './model.js';

const RESET: readonly OptionParam[] = ['periods', 'continuous', 'stop', 'startrel', 'stoprel', 'snr'];

function playlistOptions(options: Options): Options {
  const out = { ...options } as Record<OptionParam, unknown>;
  for (const p of RESET) out[p] = optionRow(p).default;
  out.timeline = 'time';
  return out as Options;
}

export function resolveMpsOptions(
  mps: MultiPeriodStream,
  period: MpsPeriod | null,
  query: QueryInput,
  mode: 'live' | 'vod',
  kind: Exclude<RequestKind, 'time'>,
): ResolvedOptions {
  const source = (period ?? mps.periods[0])!.stream;
  const resolved = resolveOptions({
    query,
    mode,
    kind,
    stream: { ...source, defaults: mps.options },
    template: kind === 'manifest' ? TEMPLATES.hand_made : null,
  });
  return {
    ...resolved,
    options: playlistOptions(resolved.options),
    baseline: playlistOptions(resolved.baseline),
  };
}
