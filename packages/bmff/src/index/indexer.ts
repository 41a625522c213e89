/**
 * The indexer: one pass over a whole fragmented MP4 that reads only box headers, the moov and
 * each moof (never mdat payloads), producing the stored MediaIndex (spec dash.md §5.2).
 */
import type { FileHandle } from 'node:fs/promises';
import type { Box } from '../box.js';
import { audioSampleRate, describeTrack, type TrackInfo } from './track-info.js';
import { fragmentTiming, type FragmentTiming } from './fragment-timing.js';
import { BmffError } from '../errors.js';
import { FileSource, scanBuffer, type BoxLocation } from '../reader.js';
import { Box as BoxClass } from '../box.js';
import { readBoxHeader } from '../header.js';
import { MEDIA_INDEX_VERSION, type IndexedSegment, type MediaIndex } from './media-index.js';
import { splitSegments } from './segments.js';

/** Indexes a file held in memory. */
export function indexBuffer(buf: Buffer): MediaIndex {
  return guard(() => indexBufferUnguarded(buf));
}

/** indexBuffer without turning stray exceptions into BmffError (for the fuzzer, which must
 * see them). */
export function indexBufferUnguarded(buf: Buffer): MediaIndex {
  const top = scanBuffer(buf);
  const load = (loc: BoxLocation): Box =>
    BoxClass.fromBytes(buf, loc.pos, readBoxHeader(buf, loc.pos, buf.length), 0);
  return build(top, load, (locs) => locs.map(load));
}

/** Indexes a file from an open handle, reading headers, moov and moofs only. */
export async function indexFileHandle(fh: FileHandle): Promise<MediaIndex> {
  return guardAsync(async () => {
    const src = await FileSource.fromHandle(fh);
    return indexSource(src);
  });
}

/** Indexes a file by path. */
export async function indexFile(path: string): Promise<MediaIndex> {
  return guardAsync(async () => {
    const { source, close } = await FileSource.open(path);
    try {
      return await indexSource(source);
    } finally {
      await close();
    }
  });
}

async function indexSource(src: FileSource): Promise<MediaIndex> {
  const top = await src.scan(new Set(['moov', 'moof']));
  const moovLoc = top.find((b) => b.type === 'moov');
  const moov = moovLoc ? await src.load(moovLoc) : undefined;
  const moofs = new Map<number, Box>();
  for (const b of top) if (b.type === 'moof') moofs.set(b.pos, await src.load(b));
  return build(
    top,
    () => moov!,
    (locs) => locs.map((l) => moofs.get(l.pos)!),
    moov,
  );
}

function build(
  top: BoxLocation[],
  loadMoov: (loc: BoxLocation) => Box,
  loadMoofs: (locs: BoxLocation[]) => Box[],
  preloadedMoov?: Box,
): MediaIndex {
  const moovLoc = top.find((b) => b.type === 'moov');
  if (!moovLoc) throw new BmffError('not-fragmented', 'no moov box: not an MP4 initialization');
  const moov = preloadedMoov ?? loadMoov(moovLoc);
  if (!moov.child('mvex') || !top.some((b) => b.type === 'moof')) {
    throw new BmffError('not-fragmented', 'the file is not fragmented (no mvex/moof)');
  }
  const track: TrackInfo = describeTrack(moov);
  const { init, media } = splitSegments(top);
  if (media.length < 2)
    throw new BmffError('few-fragments', `${media.length} media segment(s); at least 2 are needed`);
  const timings: FragmentTiming[] = media.map((g) =>
    fragmentTiming(loadMoofs(g.boxes.filter((b) => b.type === 'moof')), track),
  );
  const segments: IndexedSegment[] = [{ pos: init.pos, size: init.size }];
  let mediaDuration = 0;
  let sampleDuration: number | null | undefined;
  media.forEach((g, k) => {
    const t = timings[k]!;
    segments.push({ pos: g.pos, size: g.size, duration: t.duration, decodeTime: t.decodeTime });
    mediaDuration += t.duration;
    if (sampleDuration !== null) {
      if (t.sampleDuration === null || (sampleDuration !== undefined && sampleDuration !== t.sampleDuration))
        sampleDuration = null;
      else sampleDuration = t.sampleDuration;
    }
  });
  const n = media.length;
  const first = timings[0]!;
  const startOfLast = mediaDuration - timings[n - 1]!.duration;
  const segmentDuration = Math.floor(startOfLast / (n - 1));
  const last = media[n - 1]!;
  const totalBytes = last.pos + last.size - init.pos;
  const largest = Math.max(...media.map((g) => g.size));
  const ts = track.timescale;
  if (!(mediaDuration > 0) || !(segmentDuration > 0))
    throw new BmffError('parse', 'fragments have no duration');
  const index: MediaIndex = {
    version: MEDIA_INDEX_VERSION,
    contentType: track.contentType,
    sampleEntry: track.sampleEntry,
    codecs: track.codecs,
    mimeType:
      track.contentType === 'video'
        ? 'video/mp4'
        : track.contentType === 'audio'
          ? 'audio/mp4'
          : 'application/mp4',
    timescale: ts,
    trackId: track.trackId,
    language: track.language,
    startNumber: first.sequenceNumber,
    startTime: first.decodeTime ?? 0,
    mediaDuration,
    segmentDuration,
    sampleDuration: sampleDuration ?? null,
    segments,
    bitrate: Math.round((8 * ts * totalBytes) / mediaDuration),
    maxBitrate: Math.round((8 * ts * largest) / segmentDuration),
  };
  if (track.video) {
    index.video = { ...track.video, frameRate: frameRate(ts * first.sampleCount, first.duration) };
    if (index.video.nalLengthSize === undefined) delete index.video.nalLengthSize;
  }
  if (track.audio) index.audio = { sampleRate: audioSampleRate(track), channels: track.audio.channels };
  if (track.text) index.text = track.text;
  if (track.encryption) index.encryption = track.encryption;
  return index;
}

/** timescale × samples ÷ duration as a reduced fraction: "24", "30000/1001". */
function frameRate(num: number, den: number): string {
  if (den <= 0) return '0';
  const g = gcd(num, den);
  const a = num / g;
  const b = den / g;
  return b === 1 ? String(a) : `${a}/${b}`;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

/** Only BmffError leaves the indexer: anything else thrown by a malformed file becomes one. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toBmffError(e);
  }
}

async function guardAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toBmffError(e);
  }
}

function toBmffError(e: unknown): BmffError {
  return e instanceof BmffError
    ? e
    : new BmffError('parse', `malformed file: ${(e as Error)?.message ?? String(e)}`);
}
