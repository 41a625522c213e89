/**
 * Events in the MPD (drm-events.md §9.3, §9.4, §9.7): the Period-level `EventStream`s of
 * out-of-band generators and the `InbandEventStream` of the carrying AdaptationSet. Attached to
 * an already built model in one call, so the manifest builder keeps a single call site.
 */
import type { Options } from '../options/registry.js';
import type { ManifestTiming } from '../timing/presentation.js';
import type { AdaptationSetModel, PeriodModel } from '../manifest/model.js';
import { eventGenerators, eventTime, eventsIn, SCTE35_NAMESPACE, type EventGenerator } from './generators.js';

export interface EventModel {
  presentationTime: string;
  duration: string;
  id: number;
  /** Ping: the text content. */
  text?: string;
  /** SCTE-35: base64 of the splice_info_section inside scte35:Signal/scte35:Binary. */
  scte35Binary?: string;
}

export interface EventStreamModel {
  schemeIdUri: string;
  value?: string;
  timescale: number;
  /** Declared on the EventStream when an Event carries scte35 elements. */
  scte35Namespace?: string;
  events: EventModel[];
}

export interface InbandEventStreamModel {
  schemeIdUri: string;
  value?: string;
  timescale: number;
}

/** Static MPDs list at most this many events per EventStream (§9.4). */
const STATIC_LIMIT = 1000;
/** Live MPDs list at most this many events over the whole MPD (§9.4). */
const LIVE_LIMIT = 100;
/** Lookahead when the MPD has no MUP: 60 s (§9.4). */
const NO_MUP_LOOKAHEAD_MS = 60000;

/** `PT…H…M…S` (dash.md §1 forms) to milliseconds. */
function durationMs(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text);
  if (!m) return null;
  return Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000);
}

/** ms → event ticks, floor (exact in bigint). */
const ticks = (ms: number, g: EventGenerator): bigint =>
  (BigInt(Math.floor(ms)) * BigInt(g.timescale)) / 1000n;

/**
 * Adds the events of `options.events` to the built periods: an EventStream per out-of-band
 * generator in each Period that holds events, and an InbandEventStream per in-band generator
 * on each Period's first video AdaptationSet (first audio one when there is no video).
 */
export function attachEvents(
  periods: PeriodModel[],
  options: Options,
  timing: ManifestTiming,
  presentationMs: number,
): void {
  const generators = eventGenerators(options);
  if (generators.length === 0) return;
  const inband = generators.filter((g) => g.inband);
  if (inband.length > 0) {
    const streams = inband.map((g) => ({
      schemeIdUri: g.schemeIdUri,
      ...(g.value !== null ? { value: g.value } : {}),
      timescale: g.timescale,
    }));
    for (const p of periods) {
      const carrier = carryingSet(p.adaptationSets);
      if (carrier) carrier.inbandEventStreams = streams;
    }
  }
  const mpd = generators.filter((g) => !g.inband);
  if (mpd.length === 0) return;
  const live = timing.kind === 'live';
  let budget = live ? LIVE_LIMIT : Infinity;
  // live: listed while [t_i, t_i + duration) reaches past B and t_i ≤ Em + lookahead
  const windowMs = live
    ? {
        from: timing.bufferStartMs,
        to:
          timing.elapsedMs +
          (timing.mupSeconds !== null ? 2 * timing.mupSeconds * 1000 : NO_MUP_LOOKAHEAD_MS),
      }
    : { from: 0, to: timing.kind === 'ended' ? timing.end.lengthMs : presentationMs };
  // live: the budget goes to the newest events first, so Periods are visited from the last
  const order = periods.map((_, i) => i);
  if (live) order.reverse();
  for (const pi of order) {
    const p = periods[pi]!;
    const startMs = durationMs(p.start) ?? 0;
    const next = periods[pi + 1];
    const duration = durationMs(p.duration);
    const endMs =
      duration !== null ? startMs + duration : next ? (durationMs(next.start) ?? Infinity) : Infinity;
    const streams: EventStreamModel[] = [];
    for (const g of mpd) {
      const periodStart = ticks(startMs, g);
      const from = maxBig(periodStart, live ? ticks(windowMs.from, g) - g.duration + 1n : 0n);
      const periodEnd = endMs === Infinity ? null : ceilTicks(endMs, g);
      // static: t_i inside the Period; live: t_i ≤ Em + lookahead (inclusive, hence + 1)
      const windowEnd = live ? ticks(windowMs.to, g) + 1n : ceilTicks(windowMs.to, g);
      const to = periodEnd === null ? windowEnd : minBig(periodEnd, windowEnd);
      const limit = live ? budget : STATIC_LIMIT;
      const ids = eventsIn(g, from, to, limit, live);
      if (live) budget -= ids.length;
      if (ids.length === 0) continue;
      const scte = g.kind === 'scte35';
      streams.push({
        schemeIdUri: g.schemeIdUri,
        ...(g.value !== null ? { value: g.value } : {}),
        timescale: g.timescale,
        ...(scte ? { scte35Namespace: SCTE35_NAMESPACE } : {}),
        events: ids.map((i) => {
          const payload = g.payload(i);
          return {
            presentationTime: String(eventTime(g, i) - periodStart),
            duration: String(g.duration),
            id: i,
            ...(scte ? { scte35Binary: payload.toString('base64') } : { text: payload.toString('utf8') }),
          };
        }),
      });
    }
    if (streams.length > 0) p.eventStreams = streams;
  }
}

/** The AdaptationSet that carries in-band events (§9.3). */
function carryingSet(sets: AdaptationSetModel[]): AdaptationSetModel | undefined {
  return sets.find((s) => s.contentType === 'video') ?? sets.find((s) => s.contentType === 'audio');
}

const ceilTicks = (ms: number, g: EventGenerator): bigint =>
  (BigInt(Math.ceil(ms)) * BigInt(g.timescale) + 999n) / 1000n;
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
