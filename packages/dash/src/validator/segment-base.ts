/**
 * SegmentBase (ISO/IEC 23009-1 5.3.9.2; validator.md §4.6 SEG_BASE): the Representation's
 * subsegments come from the `sidx` at @indexRange (ISO/IEC 14496-12 8.16.3). The index must
 * describe the file: the first subsegment starts `first_offset` bytes after the end of the sidx,
 * each referenced range starts with a box a segment may start with, the referenced sizes add up
 * to the end of the media (the file's end, or the next range the MPD names), and the subsegment
 * durations add up to the Period's duration. Subsegments are planned only up to the first one the
 * index gets wrong, so a broken index is reported once as SEG_BASE rather than as box errors in
 * every range it mis-addresses.
 */
import { parseBoxes, sidx as sidxEntry, type SidxFields } from '@loopcast/bmff';
import { elementLocation } from './checks/context.js';
import type { IssueSink } from './issues.js';
import type { MpdModel, PeriodModel, RepresentationModel } from './mpd.js';
import { parseRange, periodEnd, type RepresentationPlan } from './plan.js';
import type { FetchKind, FetchResult } from './types.js';

/** Referenced ranges whose first box is read (8 bytes each); later ones are taken on trust. */
export const MAX_REFERENCE_PROBES = 256;
/** Subsegment durations may differ from the Period's duration by this much (frame rounding). */
export const DURATION_TOLERANCE_S = 0.2;

/** Boxes a media subsegment may start with (6.3: styp first; sidx/emsg/prft before the moof). */
const MEDIA_START = ['moof', 'styp', 'sidx', 'emsg', 'prft'];

export interface SegmentBaseInput {
  mpd: MpdModel;
  period: PeriodModel;
  rep: RepresentationModel;
  plan: RepresentationPlan;
  sink: IssueSink;
  get(url: string, kind: FetchKind, range: [number, number]): Promise<FetchResult>;
  aborted(): boolean;
}

interface Subsegment {
  range: [number, number];
  time: number;
  duration: number;
  /** 1: the reference is to another sidx (a hierarchical index), not to media. */
  type: number;
}

const answered = (r: FetchResult): string =>
  r.failure ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}` : `HTTP ${r.status}`;

/** The file size from `Content-Range: bytes a-b/size` (or the body of a whole-file 200). */
function fileSize(r: FetchResult): number | undefined {
  if (r.status === 200) return r.body.byteLength;
  const m = /\/(\d+)\s*$/.exec(r.headers['content-range'] ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Reads the sidx, checks it against the file, and plans the subsegments it gets right. */
export async function planSegmentBase(input: SegmentBaseInput): Promise<void> {
  const { mpd, rep, plan, sink } = input;
  const a = rep.addressing;
  const range = plan.indexRange;
  if (a.kind !== 'base' || !range) return;
  const url = rep.baseUrl;
  const loc = elementLocation(mpd, a.el);
  const fail = (message: string): void =>
    sink.add('SEG_BASE', `${rep.id}: ${message}`, loc, { path: rep.path });
  const r = await input.get(url, 'media', range);
  if (input.aborted()) return;
  if (r.status !== 206 && r.status !== 200) {
    fail(`the index range ${range[0]}-${range[1]} answered ${answered(r)}`);
    return;
  }
  const body = r.status === 200 ? r.body.subarray(range[0], range[1] + 1) : r.body;
  let s: SidxFields;
  let sidxEnd: number;
  try {
    const box = parseBoxes(Buffer.from(body.buffer, body.byteOffset, body.byteLength)).find(
      (b) => b.type === 'sidx',
    );
    if (!box) throw new Error('no sidx box in the index range');
    s = box.get(sidxEntry);
    // 8.16.3.3: first_offset counts from the first byte after the sidx box
    sidxEnd = range[0] + box.offset + box.originalSize;
  } catch (err) {
    fail(`the sidx at ${range[0]}-${range[1]} does not parse: ${(err as Error).message}`);
    return;
  }
  if (!s.timescale) {
    fail('the sidx timescale is 0');
    return;
  }
  const subs: Subsegment[] = [];
  let offset = sidxEnd + Number(s.firstOffset);
  let time = Number(s.earliestPresentationTime);
  for (const x of s.references) {
    subs.push({
      range: [offset, offset + x.referencedSize - 1],
      time,
      duration: x.subsegmentDuration,
      type: x.referenceType,
    });
    offset += x.referencedSize;
    time += x.subsegmentDuration;
  }
  // the first subsegment whose range the index gets wrong; the one before it ends wrongly too
  let firstBad = subs.length;
  const mediaEnd = endOfMedia(r, rep, subs[0]?.range[0] ?? sidxEnd);
  if (mediaEnd !== undefined && subs.length && offset !== mediaEnd) {
    const total = offset - (subs[0]?.range[0] ?? 0);
    fail(
      `the sidx references ${total} bytes from byte ${subs[0]!.range[0]}, ending at byte ${offset}; the media ends at byte ${mediaEnd} (${offset > mediaEnd ? `${offset - mediaEnd} bytes beyond` : `${mediaEnd - offset} bytes short`})`,
    );
    firstBad = subs.length - 1;
  }
  const probed = Math.min(subs.length, MAX_REFERENCE_PROBES);
  for (let k = 0; k < probed; k++) {
    const sub = subs[k]!;
    const found = await firstBox(input, url, sub.range[0]);
    if (input.aborted()) return;
    const allowed = sub.type === 1 ? ['sidx'] : MEDIA_START;
    if (allowed.some((t) => found === `"${t}"`)) continue;
    fail(
      `subsegment ${k + 1} (bytes ${sub.range[0]}-${sub.range[1]}) starts with ${found ?? 'nothing (no answer)'}, not a ${allowed.join('/')} box`,
    );
    firstBad = Math.min(firstBad, Math.max(0, k - 1));
    break;
  }
  checkDurations(input, s, subs, fail);
  const ts = s.timescale;
  const usable = subs.slice(0, firstBad);
  usable.forEach((x, k) => {
    // a reference to another sidx (hierarchical index) is not media; MEDIA_* checks need moofs
    if (x.type === 1) return;
    plan.segments.push({
      url,
      range: x.range,
      time: x.time,
      duration: x.duration,
      timescale: ts,
      start: (x.time - a.pto) / ts,
      firstOfPeriod: k === 0,
      lastOfPeriod: k === subs.length - 1,
    });
  });
}

/**
 * Where the referenced media must end: the file's end, or an earlier range the MPD names that
 * starts after the first subsegment (an Initialization placed after the media).
 */
function endOfMedia(r: FetchResult, rep: RepresentationModel, first: number): number | undefined {
  const a = rep.addressing;
  const size = fileSize(r);
  const init = a.kind === 'base' ? parseRange(a.initRange) : undefined;
  const next = init && init[0] >= first ? init[0] : undefined;
  if (size === undefined) return next;
  return next === undefined ? size : Math.min(size, next);
}

/** The quoted type of the box starting at `offset` (8-byte range request), else what is there. */
async function firstBox(input: SegmentBaseInput, url: string, offset: number): Promise<string | undefined> {
  const r = await input.get(url, 'media', [offset, offset + 7]);
  if (r.status !== 206 && r.status !== 200) return undefined;
  const bytes = r.status === 200 ? r.body.subarray(offset, offset + 8) : r.body;
  if (bytes.byteLength < 8) return undefined;
  // only the type matters: the size is the referenced range's business, checked by the sum
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, 8);
  const type = buf.toString('latin1', 4, 8);
  return /^[\x20-\x7e]{4}$/.test(type) ? `"${type}"` : `bytes ${buf.toString('hex')} (no box header)`;
}

/** The subsegment durations add up to the Period's duration (when the MPD gives one). */
function checkDurations(
  input: SegmentBaseInput,
  s: SidxFields,
  subs: readonly Subsegment[],
  fail: (message: string) => void,
): void {
  const end = periodEnd(input.mpd, input.period);
  if (end === undefined || !subs.length) return;
  const expected = end - (input.period.start ?? 0);
  const ticks = subs.reduce((n, x) => n + x.duration, 0);
  const seconds = ticks / s.timescale;
  if (Math.abs(seconds - expected) > DURATION_TOLERANCE_S)
    fail(
      `the sidx subsegment durations add up to ${ticks} ticks (${+seconds.toFixed(3)} s), the Period lasts ${+expected.toFixed(3)} s; tolerance ${DURATION_TOLERANCE_S} s`,
    );
}
