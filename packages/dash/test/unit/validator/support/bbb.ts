/**
 * A small DASH stream built in memory from the shared bbb media (read in place): bbb_v6 video
 * with `$Number$` addressing, bbb_a1 audio with a `$Time$` SegmentTimeline, optionally the
 * CENC-encrypted video. Static and dynamic MPDs over the same segments; corpus tests mutate
 * the MPD text or the segment bytes, one defect per case (validator.md §9).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Box, indexBuffer, serializeBoxes, sidx, type SidxFields } from '@loopcast/bmff';
import { MPD_HEADERS, type Route } from './recorded.js';

export const SHARED_MEDIA = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'media',
);
/** A skip reason when ../shared/media is absent (printed by the runner), else false. */
export const mediaMissing = (): string | false =>
  existsSync(join(SHARED_MEDIA, 'bbb', 'bbb_v6.mp4')) ? false : `shared media not found at ${SHARED_MEDIA}`;

export const ORIGIN = 'https://media.test/bbb/';
export const MPD_URL = 'https://media.test/bbb/stream.mpd';
export const KID = '1ab45440532c439994dc5c5ad9584bac';
export const KID_UUID = '1ab45440-532c-4399-94dc-5c5ad9584bac';

export interface Track {
  init: Buffer;
  segments: Buffer[];
  durations: number[];
}

const cache = new Map<string, Track>();

export function track(name: string): Track {
  const known = cache.get(name);
  if (known) return known;
  const buf = readFileSync(join(SHARED_MEDIA, 'bbb', `${name}.mp4`));
  const idx = indexBuffer(buf);
  const [init, ...media] = idx.segments;
  const t: Track = {
    init: buf.subarray(init!.pos, init!.pos + init!.size),
    segments: media.map((s) => buf.subarray(s.pos, s.pos + s.size)),
    durations: media.map((s) => s.duration ?? 0),
  };
  cache.set(name, t);
  return t;
}

export interface StreamOptions {
  encrypted?: boolean;
  /** dynamic: availabilityStartTime in ms; the MPD lists what is available at `publishTime`. */
  dynamic?: { ast: number; publishTime: number; mup?: number; id?: string; openEnded?: boolean };
  /** Extra XML inside the video AdaptationSet (ContentProtection, InbandEventStream, …). */
  videoExtra?: string;
  periodExtra?: string;
  /**
   * The video as one on-demand file (5.3.9.2): init, a sidx over the segments, the segments;
   * addressed by SegmentBase under the on-demand profile. `edit` changes the sidx first.
   */
  segmentBase?: { edit?: (f: SidxFields) => void };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export function audioTimeline(): string {
  const d = track('bbb_a1').durations;
  const runs: string[] = [];
  let k = 0;
  let t = 0;
  while (k < d.length) {
    let r = 0;
    while (k + r + 1 < d.length && d[k + r + 1] === d[k]) r++;
    runs.push(`<S ${k === 0 ? `t="${t}" ` : ''}d="${d[k]}"${r ? ` r="${r}"` : ''}/>`);
    t += d[k]! * (r + 1);
    k += r + 1;
  }
  return runs.join('');
}

/** The video track as one SegmentBase file, with the byte ranges its MPD names. */
export function onDemandFile(
  name: string,
  edit?: (f: SidxFields) => void,
): { file: Buffer; initRange: string; indexRange: string } {
  const t = track(name);
  const fields: SidxFields = {
    version: 0,
    flags: 0,
    referenceId: 1,
    timescale: 240,
    earliestPresentationTime: 0n,
    firstOffset: 0n,
    reserved: 0,
    references: t.segments.map((s, k) => ({
      referenceType: 0,
      referencedSize: s.byteLength,
      subsegmentDuration: t.durations[k]!,
      startsWithSap: 1,
      sapType: 1,
      sapDeltaTime: 0,
    })),
  };
  edit?.(fields);
  const index = serializeBoxes([Box.create(sidx, fields)]);
  const file = Buffer.concat([t.init, index, ...t.segments]);
  const initEnd = t.init.byteLength;
  return {
    file,
    initRange: `0-${initEnd - 1}`,
    indexRange: `${initEnd}-${initEnd + index.byteLength - 1}`,
  };
}

function videoAddressing(o: StreamOptions, video: string): string {
  if (!o.segmentBase)
    return `
      <SegmentTemplate timescale="240" duration="960" startNumber="1" initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/$Number$.m4s"/>
      <Representation id="${video}" codecs="avc3.640028" width="1920" height="1080" bandwidth="374768"/>`;
  const f = onDemandFile(video, o.segmentBase.edit);
  return `
      <Representation id="${video}" codecs="avc3.640028" width="1920" height="1080" bandwidth="374768">
        <BaseURL>${video}.mp4</BaseURL>
        <SegmentBase timescale="240" indexRange="${f.indexRange}"><Initialization range="${f.initRange}"/></SegmentBase>
      </Representation>`;
}

export function mpdText(o: StreamOptions = {}): string {
  const dyn = o.dynamic;
  const root = dyn
    ? `id="${dyn.id ?? 'bbb'}" type="dynamic" availabilityStartTime="${iso(dyn.ast)}" publishTime="${iso(dyn.publishTime)}"${dyn.mup ? ` minimumUpdatePeriod="PT${dyn.mup}S"` : ''} timeShiftBufferDepth="PT60S"`
    : 'id="bbb" type="static" mediaPresentationDuration="PT40S"';
  const video = o.encrypted ? 'bbb_v6_enc' : 'bbb_v6';
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" profiles="urn:mpeg:dash:profile:isoff-${o.segmentBase ? 'on-demand' : 'live'}:2011" ${root} minBufferTime="PT2S">
  <Period id="p0" start="PT0S"${dyn && !dyn.openEnded ? ' duration="PT40S"' : ''}>
    <BaseURL>${ORIGIN}</BaseURL>${o.periodExtra ?? ''}
    <AdaptationSet id="1" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">${o.videoExtra ?? ''}${videoAddressing(o, video)}
    </AdaptationSet>
    <AdaptationSet id="2" contentType="audio" mimeType="audio/mp4" lang="en" segmentAlignment="true" startWithSAP="1">
      <SegmentTemplate timescale="44100" startNumber="1" initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/$Time$.m4s">
        <SegmentTimeline>${audioTimeline()}</SegmentTimeline>
      </SegmentTemplate>
      <Representation id="bbb_a1" codecs="mp4a.40.2" audioSamplingRate="44100" bandwidth="98368"/>
    </AdaptationSet>
  </Period>${dyn ? `\n  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${iso(dyn.publishTime)}"/>` : ''}
</MPD>
`;
}

/** The routes of the stream: MPD, both init segments and every media segment. */
export function streamRoutes(
  o: StreamOptions = {},
  mpd: Route = { headers: MPD_HEADERS, body: mpdText(o) },
): Map<string, Route> {
  const routes = new Map<string, Route>([[MPD_URL, mpd]]);
  const video = o.encrypted ? 'bbb_v6_enc' : 'bbb_v6';
  const v = track(video);
  if (o.segmentBase)
    routes.set(`${ORIGIN}${video}.mp4`, {
      headers: { 'content-type': 'video/mp4' },
      body: onDemandFile(video, o.segmentBase.edit).file,
    });
  routes.set(`${ORIGIN}${video}/init.mp4`, { headers: { 'content-type': 'video/mp4' }, body: v.init });
  v.segments.forEach((s, k) =>
    routes.set(`${ORIGIN}${video}/${k + 1}.m4s`, { headers: { 'content-type': 'video/mp4' }, body: s }),
  );
  const a = track('bbb_a1');
  routes.set(`${ORIGIN}bbb_a1/init.mp4`, { headers: { 'content-type': 'audio/mp4' }, body: a.init });
  let t = 0;
  a.segments.forEach((s, k) => {
    routes.set(`${ORIGIN}bbb_a1/${t}.m4s`, { headers: { 'content-type': 'audio/mp4' }, body: s });
    t += a.durations[k]!;
  });
  return routes;
}

/** The protection descriptors of the encrypted video set. */
export function contentProtection(extra = ''): string {
  return `
      <ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="${KID_UUID}"/>${extra}`;
}
