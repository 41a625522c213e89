/**
 * Event generators (drm-events.md §9.1–§9.6): one table entry per `events` value giving its
 * schemes and payload; the schedule (§9.2) is shared. Options are read once into a typed
 * `EventGenerator` so the in-band and MPD paths see the same numbers.
 */
import type { Options } from '../options/registry.js';
import { spliceInfoSection, type SpliceCommandName } from './scte35.js';

export type EventKind = 'ping' | 'scte35';

export interface EventGenerator {
  kind: EventKind;
  /** Scheme of the `emsg` / InbandEventStream (in band) or of the MPD EventStream. */
  schemeIdUri: string;
  /** null: attribute omitted (§9.3, §9.4); `emsg` then carries an empty string. */
  value: string | null;
  timescale: number;
  start: bigint;
  interval: bigint;
  duration: bigint;
  /** 0 = no limit. */
  count: number;
  inband: boolean;
  /** `emsg` version (in-band SCTE-35 always 1, §9.1). */
  version: 0 | 1;
  /** Message data of event i: the `emsg` payload or the Event's content. */
  payload(i: number): Buffer;
}

/** The MPD form of SCTE-35 events needs this namespace on the EventStream (§9.6). */
export const SCTE35_NAMESPACE = 'http://www.scte.org/schemas/35/2016';

interface GeneratorSpec {
  scheme(inband: boolean): string;
  payload(i: number, o: SubOptions, options: Options): Buffer;
  forcedInbandVersion?: 0 | 1;
}

const PING = Buffer.from('ping');
const PONG = Buffer.from('pong');

/** The one table of generators (§9.5, §9.6). */
const GENERATORS: Record<EventKind, GeneratorSpec> = {
  ping: {
    scheme: () => 'urn:dash-live:pingpong:2022',
    payload: (i) => (i % 2 === 0 ? PING : PONG),
  },
  scte35: {
    scheme: (inband) => (inband ? 'urn:scte:scte35:2013:bin' : 'urn:scte:scte35:2014:xml+bin'),
    payload: (i, o, options) =>
      spliceInfoSection(
        {
          index: i,
          time: o.start + BigInt(i) * o.interval,
          duration: o.duration,
          timescale: o.timescale,
          count: o.count,
          programId: Number(options.scte35__program_id),
        },
        options.scte35__command as SpliceCommandName,
      ),
    forcedInbandVersion: 1,
  },
};

interface SubOptions {
  count: number;
  duration: bigint;
  inband: boolean;
  interval: bigint;
  start: bigint;
  timescale: number;
  value: string | null;
  version: number | null;
}

/** The event sub-options of one prefix (`ping__count` …), typed. */
function subOptions(options: Options, p: EventKind): SubOptions {
  const o = options as unknown as Record<string, unknown>;
  const num = (name: string): number => Number(o[`${p}__${name}`]);
  const value = o[`${p}__value`];
  const version = o[`${p}__version`];
  return {
    count: num('count'),
    duration: BigInt(num('duration')),
    inband: o[`${p}__inband`] !== false,
    interval: BigInt(num('interval')),
    start: BigInt(num('start')),
    timescale: num('timescale'),
    value: typeof value === 'string' && value !== '' ? value : null,
    version: typeof version === 'number' ? version : null,
  };
}

/** Generators selected by `events`, in the order given. Memoised per options object. */
export function eventGenerators(options: Options): EventGenerator[] {
  let list = MEMO.get(options);
  if (!list) {
    list = (options.events as readonly EventKind[]).map((kind) => {
      const spec = GENERATORS[kind];
      const o = subOptions(options, kind);
      const version =
        o.inband && spec.forcedInbandVersion !== undefined ? spec.forcedInbandVersion : o.version;
      return {
        kind,
        schemeIdUri: spec.scheme(o.inband),
        value: o.value,
        timescale: o.timescale,
        start: o.start,
        interval: o.interval,
        duration: o.duration,
        count: o.count,
        inband: o.inband,
        version: version === 1 ? 1 : 0,
        payload: (i: number) => spec.payload(i, o, options),
      };
    });
    MEMO.set(options, list);
  }
  return list;
}

const MEMO = new WeakMap<Options, EventGenerator[]>();

/** t_i (§9.2). */
export const eventTime = (g: EventGenerator, i: number): bigint => g.start + BigInt(i) * g.interval;

/**
 * Indices i of the events with `from ≤ t_i < to` (event timescale), ascending, at most `limit`:
 * the first ones, or with `latest` the last ones (a live MPD keeps those nearest its edge).
 * The interval is at least 1 (§9.1), so the range is computed, not searched.
 */
export function eventsIn(
  g: EventGenerator,
  from: bigint,
  to: bigint,
  limit = Infinity,
  latest = false,
): number[] {
  if (to <= g.start || to <= from) return [];
  let first = from <= g.start ? 0n : (from - g.start + g.interval - 1n) / g.interval;
  let end = (to - g.start + g.interval - 1n) / g.interval; // exclusive
  if (g.count > 0 && end > BigInt(g.count)) end = BigInt(g.count);
  if (limit !== Infinity) {
    const n = BigInt(Math.max(0, limit));
    if (latest && end - first > n) first = end - n;
    else if (end - first > n) end = first + n;
  }
  const out: number[] = [];
  for (let i = first; i < end; i++) out.push(Number(i));
  return out;
}
