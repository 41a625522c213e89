/**
 * UTC timing (dash.md §8): the UTCTiming elements of an MPD and the bodies of the
 * `/time/<head|xsd|iso|http-ntp>` responses, as pure functions of the clock.
 */
import { formatDateTime } from './options/codec.js';
import type { UtcMethod } from './options/domain-codecs.js';

export interface UtcTimingElement {
  schemeIdUri: string;
  value: string;
}

const SCHEMES: Record<UtcMethod, string> = {
  direct: 'urn:mpeg:dash:utc:direct:2014',
  head: 'urn:mpeg:dash:utc:http-head:2014',
  'http-ntp': 'urn:mpeg:dash:utc:http-ntp:2014',
  iso: 'urn:mpeg:dash:utc:http-iso:2014',
  ntp: 'urn:mpeg:dash:utc:ntp:2014',
  sntp: 'urn:mpeg:dash:utc:sntp:2014',
  xsd: 'urn:mpeg:dash:utc:http-xsdate:2014',
};

const NTP_POOLS: Record<string, string[]> = {
  google: ['time1.google.com', 'time2.google.com', 'time3.google.com', 'time4.google.com'],
  'europe-ntp': [
    '0.europe.pool.ntp.org',
    '1.europe.pool.ntp.org',
    '2.europe.pool.ntp.org',
    '3.europe.pool.ntp.org',
  ],
};

export interface UtcTimingInput {
  /** The `time` option: null = not given (default `xsd`), [] = none. */
  methods: readonly UtcMethod[] | null;
  timeValue: string | null;
  ntpServers: readonly string[];
  /** The manifest clock, for `direct`. */
  clockMs: number;
  /** Origin for loopcast's own `/time/…` URLs, e.g. `http://localhost:5000`. */
  origin: string;
  /** Query of the `time` usage (`drift`, `now`), '' or `?…`. */
  timeQuery: string;
}

export function utcTimingElements(input: UtcTimingInput): UtcTimingElement[] {
  const methods = input.methods ?? ['xsd'];
  const hosts =
    input.ntpServers.length === 0
      ? (NTP_POOLS.google ?? [])
      : input.ntpServers.flatMap((s) => NTP_POOLS[s.toLowerCase()] ?? [s]);
  return methods.map((m, i) => {
    let value: string;
    if (m === 'direct') value = formatDateTime(input.clockMs);
    else if (m === 'ntp' || m === 'sntp') value = hosts.join(' ');
    else value = `${input.origin}/time/${m}${input.timeQuery}`;
    if (i === 0 && input.timeValue !== null) value = input.timeValue;
    return { schemeIdUri: SCHEMES[m], value };
  });
}

export type TimeSource = 'head' | 'xsd' | 'iso' | 'http-ntp';
export const TIME_SOURCES: readonly TimeSource[] = ['head', 'xsd', 'iso', 'http-ntp'];

export interface TimeResponse {
  contentType: string;
  body: string | Uint8Array;
  /** IMF-fixdate of the reported time (the `Date` header). */
  date: string;
}

/** ISO 8601 week date `YYYY-Www-DThh:mm:ssZ`. */
export function isoWeekDate(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86400000 / 7) + 1;
  const time = d.toISOString().slice(11, 19);
  return `${year}-W${String(week).padStart(2, '0')}-${day}T${time}Z`;
}

/** 8 bytes: seconds since 1900 modulo 2^32, then the fraction × 2^32 (RFC 5905 timestamp). */
export function ntpTimestamp(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  const total = BigInt(ms) + 2208988800000n;
  const seconds = total / 1000n;
  const fracMs = total % 1000n;
  view.setUint32(0, Number(seconds % 4294967296n));
  view.setUint32(4, Number((fracMs * 4294967296n) / 1000n));
  return out;
}

/** The answer of `/time/<source>` at the reported time `cMs` (now − drift). */
export function timeResponse(source: TimeSource, cMs: number): TimeResponse {
  const date = new Date(cMs).toUTCString();
  switch (source) {
    case 'head':
      return { contentType: 'text/plain; charset=utf-8', body: '', date };
    case 'xsd':
      return { contentType: 'text/plain; charset=utf-8', body: new Date(cMs).toISOString(), date };
    case 'iso':
      return { contentType: 'text/plain; charset=utf-8', body: isoWeekDate(cMs), date };
    case 'http-ntp':
      return { contentType: 'application/octet-stream', body: ntpTimestamp(cMs), date };
  }
}
