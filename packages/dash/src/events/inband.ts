/**
 * In-band events (drm-events.md §9.3): which Representations carry `emsg`, the boxes of one
 * served segment, and the bound of 100 `emsg` per segment, checked from option values alone
 * before any box is built.
 */
import type { EmsgFields, MediaIndex } from '@loopcast/bmff';
import type { Options } from '../options/registry.js';
import type { OptionIssue } from '../options/row.js';
import type { StreamModel } from '../stream.js';
import { eventGenerators, eventTime, eventsIn } from './generators.js';

/** ISO/IEC 23009-1 5.10.3.3 does not bound emsg counts; loopcast does (§9.3, issue #8 item 8). */
export const MAX_EMSG_PER_SEGMENT = 100;

/**
 * Video Representations carry the events; audio ones only when the stream has no video
 * (beyond the reference, §9.3).
 */
export function carriesEvents(stream: StreamModel, index: MediaIndex): boolean {
  if (index.contentType === 'video') return true;
  return index.contentType === 'audio' && !stream.files.some((f) => f.index.contentType === 'video');
}

const inbandGenerators = (options: Options) => eventGenerators(options).filter((g) => g.inband);

/**
 * The `emsg` boxes of a served segment with first decode time `tfdt` and served duration
 * `duration` (media timescale `timescale`): every event with `s ≤ t_i < e`, in id order per
 * generator, generators in `events` order.
 */
export function inbandEmsg(
  options: Options,
  timescale: number,
  tfdt: bigint,
  duration: bigint,
): EmsgFields[] {
  const out: EmsgFields[] = [];
  const ts = BigInt(timescale);
  for (const g of inbandGenerators(options)) {
    const ets = BigInt(g.timescale);
    const s = (tfdt * ets) / ts;
    const e = ((tfdt + duration) * ets) / ts;
    for (const i of eventsIn(g, s, e, MAX_EMSG_PER_SEGMENT)) {
      const t = eventTime(g, i);
      const common = {
        flags: 0,
        schemeIdUri: g.schemeIdUri,
        value: g.value ?? '',
        timescale: g.timescale,
        eventDuration: Number(g.duration),
        id: i,
        messageData: g.payload(i),
      };
      out.push(
        g.version === 1
          ? { ...common, version: 1, presentationTime: t }
          : { ...common, version: 0, presentationTimeDelta: Number(t - s) },
      );
    }
  }
  return out;
}

/**
 * §9.3: 400 naming `<prefix>__interval` when the longest segment of a carrying Representation
 * could hold more than 100 events: `ceil(dmax × ets / (ts × interval)) > 100`.
 */
export function eventBoundIssues(stream: StreamModel, options: Options): OptionIssue[] {
  const generators = inbandGenerators(options);
  if (generators.length === 0) return [];
  const issues: OptionIssue[] = [];
  for (const g of generators) {
    for (const f of stream.files) {
      if (!carriesEvents(stream, f.index)) continue;
      const dmax = BigInt(f.index.segments.reduce((m, s) => Math.max(m, s.duration ?? 0), 0));
      const num = dmax * BigInt(g.timescale);
      const den = BigInt(f.index.timescale) * g.interval;
      if ((num + den - 1n) / den > BigInt(MAX_EMSG_PER_SEGMENT)) {
        const per = BigInt(f.index.timescale) * BigInt(MAX_EMSG_PER_SEGMENT);
        const minimum = (num + per - 1n) / per;
        issues.push({
          param: `${g.kind}__interval`,
          value: String(g.interval),
          reason: `expected at least ${minimum}: at most ${MAX_EMSG_PER_SEGMENT} events may fall in one segment`,
        });
        break;
      }
    }
  }
  return issues;
}
