/**
 * §4.13: synchronise with the first usable UTCTiming element. Returns the offset (server clock −
 * local clock) in ms, or null when no source worked (UTC_NONE: the local clock is used).
 */
import type { Element } from '@xmldom/xmldom';
import type { IssueSink } from './issues.js';
import type { Fetcher } from './types.js';
import { attr } from './xml.js';
import { parseIsoDateTime, parseXsDateTime } from './xs-time.js';
import { elementLocation } from './checks/context.js';
import type { MpdModel } from './mpd.js';

const P = 'urn:mpeg:dash:utc:';

export async function synchroniseClock(
  mpd: MpdModel,
  fetcher: Fetcher,
  clock: () => number,
  sink: IssueSink,
  signal: AbortSignal,
  /** The local time the MPD was fetched, corrected by half the request time (direct:2014). */
  mpdFetchedAt: number,
): Promise<number | null> {
  for (const el of mpd.utcTimings) {
    const offset = await trySource(el, mpd, fetcher, clock, sink, signal, mpdFetchedAt);
    if (offset !== null) return offset;
  }
  if (mpd.type === 'dynamic')
    sink.add('UTC_NONE', 'no usable UTCTiming source: availability is judged by the local clock', {
      kind: 'url',
      url: mpd.url,
    });
  return null;
}

async function trySource(
  el: Element,
  mpd: MpdModel,
  fetcher: Fetcher,
  clock: () => number,
  sink: IssueSink,
  signal: AbortSignal,
  mpdFetchedAt: number,
): Promise<number | null> {
  const scheme = attr(el, 'schemeIdUri') ?? '';
  const value = attr(el, 'value') ?? '';
  const loc = elementLocation(mpd, el);
  const fail = (message: string): null => {
    sink.add('UTC_FETCH', message, loc);
    return null;
  };
  if (!scheme.startsWith(P)) {
    sink.add('UTC_SCHEME', `UTCTiming scheme "${scheme}" is unknown`, loc);
    return null;
  }
  const method = scheme.slice(P.length);
  if (method === 'direct:2014') {
    const ms = parseXsDateTime(value);
    return ms === undefined
      ? fail(`direct UTCTiming value "${value}" is not an xs:dateTime`)
      : ms - mpdFetchedAt;
  }
  if (method === 'ntp:2014' || method === 'sntp:2014') {
    sink.add('UTC_SCHEME', `UTCTiming ${method} needs UDP, which the validator does not use`, loc);
    return null;
  }
  if (!['http-xsdate:2014', 'http-iso:2014', 'http-head:2014', 'http-ntp:2014'].includes(method)) {
    sink.add('UTC_SCHEME', `UTCTiming scheme "${scheme}" is unknown`, loc);
    return null;
  }
  for (const raw of value.split(/\s+/).filter(Boolean)) {
    let url: string;
    try {
      url = new URL(raw, mpd.url).href;
    } catch {
      fail(`time source "${raw}" is not a URL`);
      continue;
    }
    const before = clock();
    const head = method === 'http-head:2014';
    const r = await fetcher.fetch({ url, method: head ? 'HEAD' : 'GET', kind: 'time', signal });
    const at = (before + clock()) / 2;
    if (r.status !== 200) {
      fail(`time source ${url} answered ${r.failure ?? r.status}`);
      continue;
    }
    let ms: number | undefined;
    if (head) ms = r.headers['date'] ? Date.parse(r.headers['date']) : undefined;
    else if (method === 'http-ntp:2014') {
      if (r.body.length >= 8) {
        const dv = new DataView(r.body.buffer, r.body.byteOffset, 8);
        ms = (dv.getUint32(0) - 2208988800) * 1000 + (dv.getUint32(4) / 2 ** 32) * 1000;
      }
    } else ms = parseIsoDateTime(Buffer.from(r.body).toString('utf8'));
    if (ms === undefined || Number.isNaN(ms)) {
      fail(`time source ${url} answered no parsable time`);
      continue;
    }
    return ms - at;
  }
  return null;
}
