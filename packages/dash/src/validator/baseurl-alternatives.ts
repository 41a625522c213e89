/**
 * MPD_BASEURL_ALTERNATIVES, the bytes part (validator.md §4.2; ISO/IEC 23009-1 5.6, DVB-DASH
 * 10.8): several BaseURLs are alternatives a player may switch between at any segment, so each
 * must serve the same bytes. The check is bounded: the init segment and the first media segment
 * the run checked, once per Representation and alternative. The primary BaseURL's answers come
 * from the run's own fetches (recorded as length + SHA-256), so only the alternatives are
 * requested here, through the run's fetcher. A failing alternative is INIT_FETCH or MEDIA_FETCH
 * naming it; the first BaseURL that answered is the reference the others are compared with.
 */
import { createHash } from 'node:crypto';
import type { IssueSink } from './issues.js';
import type { RepresentationModel } from './mpd.js';
import type { SegmentRef } from './plan.js';
import type { FetchKind, FetchResult, IssueLocation } from './types.js';

export interface Digest {
  length: number;
  sha256: string;
}

export function digest(body: Uint8Array): Digest {
  return { length: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') };
}

/** One segment as the run fetched it under the primary BaseURL. */
export interface PrimarySegment {
  init: boolean;
  url: string;
  range?: [number, number];
  ref?: SegmentRef;
  /** Undefined when the primary did not answer usable bytes (the run reported that). */
  digest?: Digest;
}

export interface AlternativesInput {
  rep: RepresentationModel;
  segments: readonly PrimarySegment[];
  sink: IssueSink;
  get(url: string, kind: FetchKind, range?: [number, number]): Promise<FetchResult>;
  location(url: string, segment: PrimarySegment): IssueLocation;
  aborted(): boolean;
}

/** The URL of `url` under another BaseURL; undefined when `url` does not lie under the primary. */
export function alternativeUrl(url: string, primary: string, alternative: string): string | undefined {
  return url.startsWith(primary) ? alternative + url.slice(primary.length) : undefined;
}

const short = (d: Digest): string => `${d.length} bytes, SHA-256 ${d.sha256.slice(0, 12)}…`;

export async function checkAlternatives(input: AlternativesInput): Promise<void> {
  const { rep, sink } = input;
  const [primary, ...others] = rep.baseUrls;
  if (primary === undefined || others.length === 0) return;
  for (const seg of input.segments) {
    // the segment's path under the BaseURL; its URL, query included, is the issue's location
    const under = seg.url.slice(primary.length).split('?')[0]!;
    const label = seg.ref?.number !== undefined ? `#${seg.ref.number}` : `at ${seg.ref?.time ?? 0}`;
    const name = seg.init ? `the init segment ${under}` : `media segment ${label} ${under}`;
    let reference = seg.digest && { base: primary, digest: seg.digest };
    for (const alt of others) {
      const url = alternativeUrl(seg.url, primary, alt);
      if (url === undefined) continue;
      const r = await input.get(url, seg.init ? 'init' : 'media', seg.range);
      if (input.aborted()) return;
      const want = seg.range ? 206 : 200;
      if (r.failure || (r.status !== want && !(seg.range && r.status === 200))) {
        const what = r.failure
          ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}`
          : `HTTP ${r.status}`;
        sink.add(
          seg.init ? 'INIT_FETCH' : 'MEDIA_FETCH',
          `under the alternative BaseURL ${alt}, ${name} answered ${what}, not ${want}`,
          input.location(url, seg),
          { path: rep.path },
        );
        continue;
      }
      const body = seg.range && r.status === 200 ? r.body.subarray(seg.range[0], seg.range[1] + 1) : r.body;
      const d = digest(body);
      if (!reference) {
        reference = { base: alt, digest: d };
        continue;
      }
      if (d.length !== reference.digest.length || d.sha256 !== reference.digest.sha256)
        sink.add(
          'MPD_BASEURL_ALTERNATIVES',
          `${name} differs between BaseURL ${reference.base} (${short(reference.digest)}) and BaseURL ${alt} (${short(d)})`,
          input.location(url, seg),
          { path: rep.path },
        );
    }
  }
}
