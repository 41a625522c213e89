/**
 * Value codecs of the option registry (dash.md §4.1): each parses the raw URL text into a
 * typed value or a reason naming what is accepted, and formats a value in canonical form.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface Codec<T> {
  parse(raw: string): Parsed<T>;
  format(value: T): string;
}

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const BOOL_TRUE = new Set(['1', 'true', 'on', 'yes']);
const BOOL_FALSE = new Set(['0', 'false', 'off', 'no']);

export const bool: Codec<boolean> = {
  parse(raw) {
    const v = raw.toLowerCase();
    if (BOOL_TRUE.has(v)) return ok(true);
    if (BOOL_FALSE.has(v)) return ok(false);
    return bad('expected 1, 0, true, false, on, off, yes or no');
  },
  format: (value) => (value ? '1' : '0'),
};

/** Decimal integer in [min, max]; `unit` words the expectation. */
export function integer(min: number, max: number, unit = 'an integer'): Codec<number> {
  return {
    parse(raw) {
      const re = min < 0 ? /^-?[0-9]{1,16}$/ : /^[0-9]{1,16}$/;
      const n = re.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max)
        return bad(`expected ${unit} from ${min} to ${max}`);
      return ok(n === 0 ? 0 : n);
    },
    format: (value) => String(value),
  };
}

/** Options whose default is "none": the word `none` means the default (null). */
export function nullable<T>(inner: Codec<T>): Codec<T | null> {
  return {
    parse(raw) {
      if (raw.toLowerCase() === 'none') return ok(null);
      return inner.parse(raw);
    },
    format: (value) => (value === null ? 'none' : inner.format(value)),
  };
}

/** One of a fixed set of words (case-insensitive). */
export function choice<const V extends string>(values: readonly V[]): Codec<V> {
  return {
    parse(raw) {
      const v = raw.toLowerCase();
      const found = values.find((c) => c.toLowerCase() === v);
      return found === undefined ? bad(`expected one of ${values.join(', ')}`) : ok(found);
    },
    format: (value) => value,
  };
}

/** Seconds with an optional fraction of at most three digits, kept as whole milliseconds. */
export function secondsMs(minMs: number, maxMs: number, expected: string): Codec<number> {
  return {
    parse(raw) {
      const m = /^([0-9]{1,9})(?:\.([0-9]{1,3}))?$/.exec(raw);
      if (!m) return bad(`expected ${expected}`);
      const ms = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
      if (ms < minMs || ms > maxMs) return bad(`expected ${expected}`);
      return ok(ms);
    },
    format: (value) => formatSecondsMs(value),
  };
}

/** Whole milliseconds as decimal seconds, trailing zeros trimmed (1500 → "1.5"). */
export function formatSecondsMs(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,3}))?(Z|[+-][0-9]{2}:[0-9]{2})$/;

/** Parses `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`, years 1970–9999, into epoch milliseconds. */
export function parseDateTime(raw: string): number | null {
  const m = DATE_TIME.exec(raw);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const base = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(base).getUTCDate() !== d) return null;
  const zone = m[8] ?? 'Z';
  let offsetMin = 0;
  if (zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 14 || zm > 59) return null;
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  const value = base - offsetMin * 60000;
  return value < 0 ? null : value;
}

/** `xs:dateTime` in UTC: `2025-03-01T12:10:00Z`, or with `.500` when the milliseconds are not 0. */
/**
 * The last two values formatted: a live manifest formats its availabilityStartTime several
 * times (child URLs, Location) between other instants such as its publishTime.
 */
const recentMs = [NaN, NaN];
const recentText = ['', ''];

export function formatDateTime(ms: number): string {
  if (ms === recentMs[0]) return recentText[0]!;
  if (ms === recentMs[1]) return recentText[1]!;
  const iso = new Date(ms).toISOString();
  const text = ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
  recentMs[1] = recentMs[0]!;
  recentText[1] = recentText[0]!;
  recentMs[0] = ms;
  recentText[0] = text;
  return text;
}

export const dateTime: Codec<number> = {
  parse(raw) {
    const v = parseDateTime(raw);
    return v === null ? bad('expected a date-time YYYY-MM-DDThh:mm:ss[.fff] with Z or ±hh:mm') : ok(v);
  },
  format: formatDateTime,
};

const BCP47 =
  /^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$/;

export const language: Codec<string> = {
  parse: (raw) => (BCP47.test(raw) ? ok(raw) : bad('expected a BCP-47 language tag such as en or en-GB')),
  format: (value) => value,
};

export const representationId: Codec<string> = {
  parse: (raw) =>
    /^[A-Za-z0-9._-]{1,200}$/.test(raw)
      ? ok(raw)
      : bad('expected a Representation id ([A-Za-z0-9._-], 1–200)'),
  format: (value) => value,
};

export function text(maxLength: number): Codec<string> {
  return {
    parse: (raw) =>
      raw.length <= maxLength ? ok(raw) : bad(`expected text of at most ${maxLength} characters`),
    format: (value) => value,
  };
}

/** A URL of one of `schemes` (without the colon), at most 2048 characters. */
function urlCodec(schemes: readonly string[], what: string): Codec<string> {
  const protocols = new Set(schemes.map((s) => `${s}:`));
  return {
    parse(raw) {
      if (raw.length > 2048) return bad(`expected ${what} of at most 2048 characters`);
      try {
        if (protocols.has(new URL(raw).protocol)) return ok(raw);
      } catch {
        // fall through
      }
      return bad(`expected ${what}`);
    },
    format: (value) => value,
  };
}

export const httpUrl: Codec<string> = urlCodec(['http', 'https'], 'an http or https URL');

/** Marlin S-URLs may also use Marlin's own schemes (drm-events.md §3.3). */
export const marlinUrl: Codec<string> = urlCodec(
  ['http', 'https', 'ms3', 'ms3s', 'ms3a'],
  'an http, https, ms3, ms3s or ms3a URL',
);

/**
 * Comma-separated list; empty or `none` is the empty list. Items are checked one by one; the
 * reason of the first bad item names it.
 */
export function list<T>(item: Codec<T>, opts: { max?: number; unique?: boolean; what: string }): Codec<T[]> {
  return {
    parse(raw) {
      if (raw === '' || raw.toLowerCase() === 'none') return ok([]);
      const parts = raw.split(',');
      if (opts.max !== undefined && parts.length > opts.max) {
        return bad(`expected at most ${opts.max} items, each ${opts.what}`);
      }
      const out: T[] = [];
      const seen = new Set<string>();
      for (const p of parts) {
        const r = item.parse(p.trim());
        if (!r.ok) return bad(`item "${p}": ${r.reason}`);
        const key = item.format(r.value).toLowerCase();
        if (opts.unique && seen.has(key))
          return bad(`item "${p}" is repeated; expected ${opts.what}, each once`);
        seen.add(key);
        out.push(r.value);
      }
      return ok(out);
    },
    format: (value) => (value.length === 0 ? 'none' : value.map((v) => item.format(v)).join(',')),
  };
}

/** A codec over a pattern, keeping the text as given (spaces removed). */
export function pattern(re: RegExp, expected: string, check?: (v: string) => string | null): Codec<string> {
  return {
    parse(raw) {
      const v = raw.replace(/\s+/g, '');
      if (!re.test(v)) return bad(`expected ${expected}`);
      const reason = check ? check(v) : null;
      return reason === null ? ok(v) : bad(reason);
    },
    format: (value) => value,
  };
}
