/**
 * Segment planning (dash.md §7.9, §9.2, §9.3): what a live or vod segment request needs from
 * the stored file — which fragment, its new decode time and sequence number, the boxes to
 * insert — or a typed refusal. The server maps refusals to statuses in one place.
 */
import type { EmsgFields, MediaIndex } from '@loopcast/bmff';
import { carriesEvents, inbandEmsg } from '../events/inband.js';
import type { Options } from '../options/registry.js';
import { findRepresentation, timingReferenceOf, type StreamModel } from '../stream.js';
import { resolveAvailabilityStart } from '../timing/availability-start.js';
import {
  decodeTime,
  liveSegment,
  loopOffset,
  segmentForNumber,
  segmentForTime,
  trackTiming,
} from '../timing/track.js';
import { liveAvailability } from '../timing/window.js';
import { THUMBNAIL_ID, staticThumbnailCount, thumbnailTiming } from '../thumbnails.js';
import {
  generatedCues,
  generatedTextFile,
  ttmlDocument,
  wvttSamples,
  type GeneratedCue,
  type GeneratedFormat,
  type WvttSample,
} from '../generated-text.js';
import { endRequest, eventEnd, numberStartsBeforeEnd, startsBeforeEnd } from '../timing/event-end.js';

export type SegmentAddress =
  { kind: 'init' } | { kind: 'number'; number: number } | { kind: 'time'; time: bigint };

/** A box another package inserts into the response (emsg, pssh, PIFF …); none yet. */
export interface InsertedBox {
  type: string;
  where: 'before-moof' | 'moov' | 'traf';
  payload: Uint8Array;
}

export interface InitSegmentPlan {
  kind: 'init';
  representationId: string;
  blobKey: string;
  contentType: MediaIndex['contentType'];
  /** Always 0: `MediaIndex.segments[0]`. */
  fragmentIndex: 0;
  /** Live streams drop `moov/mvex/mehd` (§9.2). */
  removeMehd: boolean;
  insertBoxes: readonly InsertedBox[];
  /** A generated subtitle track (§11.1): bmff builds its init segment; no stored bytes. */
  generated?: { format: GeneratedFormat; language: string; timescale: 1000 };
  maxAgeSeconds: number;
}

export interface MediaSegmentPlan {
  kind: 'media';
  representationId: string;
  blobKey: string;
  contentType: MediaIndex['contentType'];
  /** Index k in `MediaIndex.segments` (1…N). */
  fragmentIndex: number;
  loop: number;
  /** New `mfhd.sequence_number`: the segment number n. */
  sequenceNumber: number;
  /** New first `tfdt`: t0 + o(l) + start[k] (the fragment's own time plus `loopOffset`). */
  baseMediaDecodeTime: bigint;
  loopOffset: bigint;
  timescale: number;
  insertBoxes: readonly InsertedBox[];
  /** In-band events to put before the moof (drm-events.md §9.3). */
  emsg: EmsgFields[];
  /** Cache-Control max-age (§3.8). */
  maxAgeSeconds: number;
  /**
   * Live only: AST and the segment's position and listed duration in ticks after AST, so the
   * server can time chunks (chunk j is complete at AST + (position + e_j) / timescale, §10.3).
   */
  live: { astMs: number; position: bigint; duration: bigint } | null;
  /**
   * `stpp` in live loops l ≥ 1: move every TTML `begin`/`end` by o(l) ticks of `timescale`
   * (§9.4); null when nothing moves.
   */
  ttmlTimeShift: { ticks: bigint; timescale: number } | null;
  /** A generated subtitle segment (§11.1): its cues and sample payloads; no stored bytes. */
  generated?: {
    format: GeneratedFormat;
    language: string;
    cues: GeneratedCue[];
    /** stpp: the single sample's TTML document. */
    ttml?: string;
    /** wvtt: samples covering the segment. */
    wvttSamples?: WvttSample[];
  };
}

export type SegmentRefusal =
  /** `availableInMs`: exact wait, for holding low-latency requests (§10.3). */
  | { kind: 'TooEarly'; retryAfterSeconds: number; availableInMs: number }
  | { kind: 'Gone' }
  | { kind: 'NotFound'; reason: string }
  | { kind: 'NoTimingReference' };

/** A thumbnail (§11.2): the server sends `THUMBNAIL_JPEG` as `image/jpeg`. */
export interface ThumbnailPlan {
  kind: 'thumbnail';
  representationId: string;
  contentType: 'image';
  sequenceNumber: number;
  maxAgeSeconds: number;
}

export type SegmentPlan = InitSegmentPlan | MediaSegmentPlan | ThumbnailPlan;

export function isRefusal(x: SegmentPlan | SegmentRefusal): x is SegmentRefusal {
  return x.kind !== 'init' && x.kind !== 'media' && x.kind !== 'thumbnail';
}

const notFound = (reason: string): SegmentRefusal => ({ kind: 'NotFound', reason });

export function planSegment(
  stream: StreamModel,
  mode: 'live' | 'vod',
  rep: string,
  address: SegmentAddress,
  options: Options,
  nowMs: number,
): SegmentPlan | SegmentRefusal {
  const ref = timingReferenceOf(stream);
  if (!ref) return { kind: 'NoTimingReference' };
  if (rep.toLowerCase() === THUMBNAIL_ID) return planThumbnail(ref.index, mode, address, options, nowMs);
  const file =
    findRepresentation(stream, rep) ?? (mode === 'live' ? generatedTextFile(ref.index, rep) : null);
  if (!file) return notFound(`no Representation ${rep}`);
  const index = file.index;
  if (index.encryption && options.drm.length === 0)
    return notFound('encrypted Representation requested without drm');
  const base = {
    representationId: rep.toLowerCase(),
    blobKey: file.blobKey,
    contentType: index.contentType,
    insertBoxes: [] as InsertedBox[],
  };
  const gen =
    file.blobKey === '' && index.text
      ? { format: index.text.format, language: index.language ?? 'und' }
      : null;
  if (address.kind === 'init') {
    return {
      ...base,
      kind: 'init',
      fragmentIndex: 0,
      removeMehd: mode === 'live',
      maxAgeSeconds: 3600,
      ...(gen ? { generated: { ...gen, timescale: 1000 as const } } : {}),
    };
  }
  const t = trackTiming(index, ref.index, options.snr);
  const live = mode === 'live';
  let lk: { loop: number; k: number } | null;
  if (address.kind === 'number') {
    lk = segmentForNumber(t, address.number);
    if (!lk) return notFound('segment number below the start number');
    if (!live && lk.loop > 0) return notFound('segment number beyond the end of the presentation');
  } else {
    lk = segmentForTime(t, address.time, live);
    if (!lk) return notFound('no segment starts at this time');
  }
  let maxAgeSeconds = 3600;
  let astMs = 0;
  if (live) {
    astMs = resolveAvailabilityStart(options.start, nowMs);
    // §7.14: segments of an event are those starting before Z; from TE on all of them are served.
    const request = endRequest(options.stop, null, astMs, nowMs);
    const end = request === null ? null : eventEnd(ref.index, astMs, request);
    if (end) {
      const p = liveSegment(t, lk.loop, lk.k).position;
      const before =
        startsBeforeEnd(t, p, end) ||
        (address.kind === 'number' && numberStartsBeforeEnd(t, address.number, end));
      if (!before) return notFound('segment starts at or after the end of the event');
    }
    const a =
      end && nowMs >= end.endMs
        ? ({ kind: 'available', maxAgeSeconds: 3600 } as const)
        : liveAvailability(t, lk.loop, lk.k, address.kind === 'number', {
            elapsedMs: nowMs - astMs,
            depth: options.depth,
            leeway: options.leeway,
            atoMs: options.ato ?? 0,
          });
    if (a.kind !== 'available') return a;
    maxAgeSeconds = a.maxAgeSeconds;
  }
  const seg = liveSegment(t, lk.loop, lk.k);
  const tfdt = decodeTime(t, lk.loop, lk.k);
  const emsg = carriesEvents(stream, index) ? inbandEmsg(options, index.timescale, tfdt, seg.duration) : [];
  const generated = gen ? generatedSegment(gen, astMs, t.t0, seg, options) : undefined;
  return {
    ...(generated ? { generated } : {}),
    ...base,
    kind: 'media',
    fragmentIndex: lk.k,
    loop: lk.loop,
    sequenceNumber: seg.number,
    baseMediaDecodeTime: tfdt,
    emsg,
    loopOffset: loopOffset(t, lk.loop),
    timescale: index.timescale,
    maxAgeSeconds,
    live: live ? { astMs, position: seg.position, duration: seg.duration } : null,
    ttmlTimeShift:
      live && !gen && lk.loop > 0 && index.contentType === 'text' && index.codecs.startsWith('stpp')
        ? { ticks: loopOffset(t, lk.loop), timescale: index.timescale }
        : null,
  };
}

/** Thumbnail numbers follow the timing reference, each 4 × its addressing duration (§11.2). */
function planThumbnail(
  ref: MediaIndex,
  mode: 'live' | 'vod',
  address: SegmentAddress,
  options: Options,
  nowMs: number,
): ThumbnailPlan | SegmentRefusal {
  if (address.kind !== 'number') return notFound('thumbnails are addressed by number');
  const t = thumbnailTiming(ref, options.snr);
  const i = address.number - t.s0;
  if (i < 0) return notFound('segment number below the start number');
  const base = {
    kind: 'thumbnail' as const,
    representationId: THUMBNAIL_ID,
    contentType: 'image' as const,
    sequenceNumber: address.number,
  };
  if (mode === 'vod') {
    return i < staticThumbnailCount(ref)
      ? { ...base, maxAgeSeconds: 3600 }
      : notFound('beyond the end of the presentation');
  }
  const astMs = resolveAvailabilityStart(options.start, nowMs);
  const request = endRequest(options.stop, null, astMs, nowMs);
  const end = request === null ? null : eventEnd(ref, astMs, request);
  if (end && 4 * i >= end.count) return notFound('segment starts at or after the end of the event');
  if (end && nowMs >= end.endMs) return { ...base, maxAgeSeconds: 3600 };
  const a = liveAvailability(t, i, 1, true, {
    elapsedMs: nowMs - astMs,
    depth: options.depth,
    leeway: options.leeway,
    atoMs: options.ato ?? 0,
  });
  return a.kind === 'available' ? { ...base, maxAgeSeconds: a.maxAgeSeconds } : a;
}

function generatedSegment(
  gen: { format: GeneratedFormat; language: string },
  astMs: number,
  t0: bigint,
  seg: { position: bigint; duration: bigint; number: number },
  options: Options,
): NonNullable<MediaSegmentPlan['generated']> {
  // timescale 1000: ticks are milliseconds after AST (plus t0 on the media timeline)
  const startMs = astMs + Number(seg.position);
  const endMs = startMs + Number(seg.duration);
  const cues = generatedCues(startMs, endMs, options.timesubsdur, gen.language, seg.number);
  return gen.format === 'stpp'
    ? { ...gen, cues, ttml: ttmlDocument(cues, astMs - Number(t0), gen.language, options.timesubsreg) }
    : { ...gen, cues, wvttSamples: wvttSamples(cues, startMs, endMs, options.timesubsreg) };
}
