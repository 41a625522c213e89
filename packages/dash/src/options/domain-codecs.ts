/** Codecs for option values with a structure of their own (dash.md §4.6, drm-events.md). */
import {
  bad,
  choice,
  dateTime,
  formatSecondsMs,
  list,
  ok,
  parseDateTime,
  secondsMs,
  type Codec,
} from './codec.js';

export type AvailabilityStartSpec = 'year' | 'today' | 'month' | 'epoch' | 'now' | number;

/** `start`: a keyword or a date-time (epoch ms). §7.3 */
export const availabilityStart: Codec<AvailabilityStartSpec> = {
  parse(raw) {
    const v = raw.toLowerCase();
    if (v === 'year' || v === 'today' || v === 'month' || v === 'epoch' || v === 'now') return ok(v);
    const d = parseDateTime(raw);
    return d === null
      ? bad('expected year, today, month, epoch, now or a date-time such as 2025-03-01T12:00:00Z')
      : ok(d);
  },
  format: (value) => (typeof value === 'number' ? dateTime.format(value) : value),
};

export type StopSpec = { kind: 'at'; ms: number } | { kind: 'after'; seconds: number };

/** `stop`: a date-time, or whole seconds after the availabilityStartTime. §7.14 */
export const stopTime: Codec<StopSpec> = {
  parse(raw) {
    if (/^[0-9]{1,9}$/.test(raw)) {
      const n = Number(raw);
      if (n >= 1 && n <= 31536000) return ok({ kind: 'after', seconds: n });
    }
    const d = parseDateTime(raw);
    return d === null
      ? bad('expected a date-time, or whole seconds from 1 to 31536000 after the availabilityStartTime')
      : ok({ kind: 'at', ms: d });
  },
  format: (value) => (value.kind === 'at' ? dateTime.format(value.ms) : String(value.seconds)),
};

export type AutoPeriodsSpec = { kind: 'perHour'; count: number } | { kind: 'every'; seconds: number };

/** `periods`: N Periods per hour, or `<P>s`. §7.15 */
export const autoPeriods: Codec<AutoPeriodsSpec> = {
  parse(raw) {
    const m = /^([0-9]{1,6})(s?)$/.exec(raw);
    const n = m ? Number(m[1]) : NaN;
    if (m && m[2] === 's' && n >= 1 && n <= 86400) return ok({ kind: 'every', seconds: n });
    if (m && m[2] === '' && n >= 1 && n <= 3600) return ok({ kind: 'perHour', count: n });
    return bad('expected N Periods per hour (1 to 3600), or <P>s for a Period every P seconds (1 to 86400)');
  },
  format: (value) => (value.kind === 'every' ? `${value.seconds}s` : String(value.count)),
};

export type TimelineMode = 'duration' | 'time' | 'number';

/** `timeline`: 0 (@duration), 1 ($Time$ SegmentTimeline), number ($Number$ SegmentTimeline). */
export const segmentTimeline: Codec<TimelineMode> = {
  parse(raw) {
    const v = raw.toLowerCase();
    if (v === 'number') return ok('number');
    if (['1', 'true', 'on', 'yes'].includes(v)) return ok('time');
    if (['0', 'false', 'off', 'no'].includes(v)) return ok('duration');
    return bad('expected 0, 1 or number (or a boolean spelling of 0 and 1)');
  },
  format: (value) => (value === 'number' ? 'number' : value === 'time' ? '1' : '0'),
};

export const UTC_METHODS = ['direct', 'head', 'http-ntp', 'iso', 'ntp', 'sntp', 'xsd'] as const;
export type UtcMethod = (typeof UTC_METHODS)[number];

/** `time`: `none` (the empty list), or methods each at most once. §8.1 */
export const utcMethods: Codec<UtcMethod[]> = {
  parse(raw) {
    const expected = `expected none, or a list of ${UTC_METHODS.join(', ')}, each at most once`;
    const parts = raw.toLowerCase().split(',');
    if (parts.length === 1 && parts[0] === 'none') return ok([]);
    const out: UtcMethod[] = [];
    for (const p of parts) {
      const m = UTC_METHODS.find((x) => x === p);
      if (m === undefined || out.includes(m)) return bad(expected);
      out.push(m);
    }
    return ok(out);
  },
  format: (value) => (value.length === 0 ? 'none' : value.join(',')),
};

export type AtoValue = number | 'inf';

/** `ato`: seconds 0–3600 in whole milliseconds, or `inf`. §10.1 */
export const availabilityTimeOffset: Codec<AtoValue> = {
  parse(raw) {
    if (raw.toLowerCase() === 'inf') return ok('inf');
    return secondsMs(0, 3600000, 'seconds from 0 to 3600 (at most 3 decimals), or inf').parse(raw);
  },
  format: (value) => (value === 'inf' ? 'inf' : formatSecondsMs(value)),
};

/** `spd`: -1 (omit) or seconds 0–3600 in whole milliseconds (ms; -1 kept as -1). §7.17 */
export const presentationDelay: Codec<number> = {
  parse(raw) {
    if (raw === '-1') return ok(-1);
    const r = secondsMs(0, 3600000, 'x').parse(raw);
    return r.ok ? r : bad('expected -1, or seconds from 0 to 3600');
  },
  format: (value) => (value === -1 ? '-1' : formatSecondsMs(value)),
};

export const DRM_SYSTEMS = ['clearkey', 'marlin', 'playready', 'widevine'] as const;
export type DrmSystem = (typeof DRM_SYSTEMS)[number];
export const DRM_LOCATIONS = ['cenc', 'moov', 'pro'] as const;
export type DrmLocation = (typeof DRM_LOCATIONS)[number];
export interface DrmItem {
  system: DrmSystem;
  locations: DrmLocation[];
}
const ALL_SYSTEMS: DrmSystem[] = ['clearkey', 'marlin', 'playready'];

/** `drm`: `none`, or items `<system|all>[-<loc>…]`, no system twice. drm-events.md §3.1 */
export const drmSelection: Codec<DrmItem[]> = {
  parse(raw) {
    const v = raw.toLowerCase();
    if (v === '' || v === 'none') return ok([]);
    const out: DrmItem[] = [];
    for (const item of v.split(',')) {
      const [sys, ...locs] = item.split('-');
      const systems: DrmSystem[] =
        sys === 'all' ? ALL_SYSTEMS : DRM_SYSTEMS.filter((s) => s === sys).slice(0, 1);
      if (systems.length === 0) {
        return bad(
          `unknown system in "${item}"; expected none, or a list of all, ${DRM_SYSTEMS.join(', ')}, each optionally followed by -pro, -cenc, -moov`,
        );
      }
      const locations: DrmLocation[] = [];
      for (const l of locs) {
        const loc = DRM_LOCATIONS.find((x) => x === l);
        if (loc === undefined) return bad(`unknown location in "${item}"; expected pro, cenc or moov`);
        if (!locations.includes(loc)) locations.push(loc);
      }
      const locSet = locations.length === 0 ? [...DRM_LOCATIONS] : [...locations].sort();
      for (const s of systems) {
        if (out.some((o) => o.system === s))
          return bad(`system ${s} is selected twice ("${item}"); all means clearkey, marlin and playready`);
        out.push({ system: s, locations: locSet });
      }
    }
    return ok(out);
  },
  format(value) {
    if (value.length === 0) return 'none';
    const locText = (l: DrmLocation[]): string => (l.length === 3 ? '' : `-${l.join('-')}`);
    const trio = ALL_SYSTEMS.map((s) => value.find((x) => x.system === s));
    const sameLocs =
      trio.every((x) => x !== undefined) && new Set(trio.map((x) => x.locations.join('-'))).size === 1;
    const out: string[] = [];
    let allWritten = false;
    for (const item of value) {
      if (sameLocs && ALL_SYSTEMS.includes(item.system)) {
        if (!allWritten) out.push(`all${locText(item.locations)}`);
        allWritten = true;
      } else {
        out.push(`${item.system}${locText(item.locations)}`);
      }
    }
    return out.join(',');
  },
};

const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z?$/;

/** A fault time position: `hh:mm:ss[Z]` or a date-time, kept as text. drm-events.md §10.2 */
export const timePosition: Codec<string> = {
  parse: (raw) =>
    TIME_OF_DAY.test(raw) || parseDateTime(raw) !== null
      ? ok(raw)
      : bad('expected hh:mm:ss[Z] or a date-time'),
  format: (value) => value,
};

export interface FaultItem {
  code: number;
  position: string;
}

/** `<code>=<number or time>` items of `merr`, `verr`, `aerr`, `terr`. */
export const faultItem: Codec<FaultItem> = {
  parse(raw) {
    const m = /^([0-9]{3})=(.+)$/.exec(raw);
    const code = m ? Number(m[1]) : 0;
    const pos = m?.[2] ?? '';
    // drm-events.md §10.1: fault status codes are 400–599
    if (code < 400 || code > 599 || !(/^[0-9]{1,15}$/.test(pos) || timePosition.parse(pos).ok)) {
      return bad('expected <status code 400-599>=<segment or update number, hh:mm:ss[Z] or date-time>');
    }
    return ok({ code, position: pos });
  },
  format: (value) => `${value.code}=${value.position}`,
};

export const faultList = list(faultItem, { what: '<code>=<position>' });

/** `vcorrupt` items: segment numbers (segment URLs) or times (drm-events.md §10.6). */
export const faultPosition: Codec<string> = {
  parse: (raw) =>
    /^[0-9]{1,15}$/.test(raw) || timePosition.parse(raw).ok
      ? ok(raw)
      : bad('expected a segment number, hh:mm:ss[Z] or a date-time'),
  format: (value) => value,
};

const TYPED_ITEM = /^(?:(video|audio|text):)?([0-9]{1,10})$/;

/** `delay` and `rate`: `[video|audio|text:]<value>` items, canonical order untyped, video, audio, text. */
export function typedValues(min: number, max: number, unit: string): Codec<string> {
  const order = ['', 'video', 'audio', 'text'];
  return {
    parse(raw) {
      const expected = `expected a list of [video:|audio:|text:]<${unit} from ${min} to ${max}>, at most one item per type`;
      if (raw === '' || raw.toLowerCase() === 'none') return ok('');
      const seen = new Map<string, number>();
      for (const item of raw.toLowerCase().split(',')) {
        const m = TYPED_ITEM.exec(item);
        const n = m ? Number(m[2]) : NaN;
        const type = m?.[1] ?? '';
        if (!m || n < min || n > max || seen.has(type)) return bad(expected);
        seen.set(type, n);
      }
      return ok(
        order
          .filter((t) => seen.has(t))
          .map((t) => (t === '' ? String(seen.get(t)) : `${t}:${seen.get(t)}`))
          .join(','),
      );
    },
    format: (value) => (value === '' ? 'none' : value),
  };
}

/** livesim2-style `[{key:value,…},…]` lists (`statuscode`, `segtimelineloss`), kept as text. */
export function braceList(
  keys: Record<string, (v: string) => boolean>,
  required: string[],
  maxEntries: number,
  expected: string,
): Codec<string> {
  return {
    parse(raw) {
      const v = raw.replace(/\s+/g, '');
      if (v === '' || v.toLowerCase() === 'none') return ok('');
      const m = /^\[(\{[^{}]*\}(?:,\{[^{}]*\})*)\]$/.exec(v);
      if (!m) return bad(expected);
      const entries = (m[1] ?? '').slice(1, -1).split('},{');
      if (entries.length > maxEntries) return bad(`${expected}; at most ${maxEntries} entries`);
      for (const e of entries) {
        const seen = new Set<string>();
        for (const kv of e.split(',')) {
          const [k, val, extra] = kv.split(':');
          const check = k === undefined ? undefined : keys[k];
          if (check === undefined || val === undefined || extra !== undefined || !check(val))
            return bad(expected);
          if (k !== 'rep' && seen.has(k!)) return bad(expected);
          seen.add(k!);
        }
        if (!required.every((r) => seen.has(r))) return bad(expected);
      }
      return ok(v);
    },
    format: (value) => (value === '' ? 'none' : value),
  };
}

export const inRange = (min: number, max: number) => (v: string) =>
  /^[0-9]{1,9}$/.test(v) && Number(v) >= min && Number(v) <= max;

/** `outage`: at most 8 patterns, `-` or up to 16 `<state><seconds>` pairs. drm-events.md §10.8 */
export const outagePatterns = list(
  {
    parse(raw: string) {
      const v = raw.toLowerCase();
      if (v === '-') return ok(v);
      const parts = v.match(/[udhs][0-9]{1,5}/g) ?? [];
      const total = parts.reduce((s, p) => s + Number(p.slice(1)), 0);
      const zero = parts.some((p) => Number(p.slice(1)) === 0);
      if (parts.join('') !== v || parts.length === 0 || parts.length > 16 || zero || total > 86400) {
        return bad('expected - or up to 16 <u|d|h|s><seconds> states with a cycle of at most 86400 s');
      }
      return ok(v);
    },
    format: (value: string) => value,
  },
  { max: 8, what: 'an outage pattern' },
);

export const eventTypes = list(choice(['ping', 'scte35'] as const), { unique: true, what: 'ping or scte35' });
