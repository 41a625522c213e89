/**
 * The `megabyte` stream of the segment benchmark: one H.264 file whose 2 s fragments are about 1 MB
 * each (ffmpeg, constant 4 Mbit/s with filler so every fragment has nearly the same size), added
 * to loopcast as its own timing reference. The demo's video segments are ~190 KB, too small to
 * stand for the 1 MB segment of the goal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaIndex } from '@loopcast/bmff';
import { addMediaFileFromPath } from '../../packages/server/src/media/add-media-file.js';
import type { RunningServer } from '../../packages/server/src/server.js';
import { createStream, setTimingReference } from '../../packages/server/src/media/streams.js';
import { startGroup } from './processes.js';

/** Stream directories are 3–30 letters and digits (app.md §2). */
export const MB_STREAM = 'megabyte';
export const MB_REPRESENTATION = 'mb_v1';
const FRAGMENT_SECONDS = 2;
const FRAGMENTS = 6;
/** 4,000 kbit/s × 2 s = 1,000,000 bytes per fragment. */
const KBPS = 4000;

/** Writes `<dir>/mb_v1.mp4`: 6 fragments of 2 s, ~1 MB each. Takes well under a second. */
export async function makeMegabyteFragmentFile(dir: string): Promise<string> {
  const out = join(dir, `${MB_REPRESENTATION}.mp4`);
  const fps = 25;
  const proc = startGroup('ffmpeg', 'ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=640x360:rate=${fps}`,
    '-t',
    String(FRAGMENT_SECONDS * FRAGMENTS),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
    '-g',
    String(FRAGMENT_SECONDS * fps),
    '-keyint_min',
    String(FRAGMENT_SECONDS * fps),
    '-sc_threshold',
    '0',
    // CBR with filler data: a test card compresses to almost nothing otherwise.
    '-b:v',
    `${KBPS}k`,
    '-minrate',
    `${KBPS}k`,
    '-maxrate',
    `${KBPS}k`,
    '-bufsize',
    `${KBPS / 2}k`,
    '-x264-params',
    'nal-hrd=cbr',
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    '-f',
    'mp4',
    out,
  ]);
  const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
  await proc.stop();
  if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}): ${proc.output()}`);
  return out;
}

export interface MegabyteStream {
  index: MediaIndex;
  /** The stored file, to compare served `mdat`s with. */
  fileBytes: Buffer;
}

/** Adds the `megabyte` stream with the file as its only representation and timing reference. */
export async function addMegabyteStream(server: RunningServer, file: string): Promise<MegabyteStream> {
  const { db } = server.context.database;
  const stream = await createStream(db, { directory: MB_STREAM, title: 'segment benchmark, 1 MB fragments' });
  const added = await addMediaFileFromPath({ db, blobs: server.context.blobs }, stream, file);
  if (added.errors.length || !added.index)
    throw new Error(`${file}: ${added.errors.map((e) => `${e.reason} ${e.details}`).join(', ')}`);
  await setTimingReference(db, stream.id, added.id);
  return { index: added.index, fileBytes: readFileSync(file) };
}

export interface ChosenSegment {
  /** Segment number n. */
  number: number;
  /** k − 1: index into the media fragments (segments[k] of the index). */
  fragment: number;
  loop: number;
  /** Decode time the served tfdt must carry: t0 + o(l) + start[k] (dash.md §7.6). */
  decodeTime: bigint;
  /** Size of the stored fragment. */
  storedSize: number;
}

/**
 * A live segment that is available throughout [nowMs, nowMs + spanMs] with `start=year`
 * (dash.md §7.3, §7.9): about 20 s behind the live edge at nowMs, far from the 1800 s default
 * time-shift depth at the end; among a few candidates, the one closest to 1,000,000 bytes.
 */
export function chooseLiveSegment(index: MediaIndex, nowMs: number): ChosenSegment {
  const clock = new Date(nowMs);
  const ast = Date.UTC(clock.getUTCFullYear(), 0, 1);
  if (nowMs - ast < 2 * 86_400_000) throw new Error('pick a bench instant at least two days into the year');
  const media = index.segments.slice(1);
  const count = media.length;
  const durationMs = (index.mediaDuration * 1000) / index.timescale / count;
  const edge = index.startNumber + Math.floor((nowMs - ast - 20_000) / durationMs) - 1;
  let best: ChosenSegment | null = null;
  for (let n = edge - count; n <= edge; n++) {
    const i = n - index.startNumber;
    const loop = Math.floor(i / count);
    const fragment = i % count;
    let start = 0;
    for (let j = 0; j < fragment; j++) start += media[j]!.duration ?? 0;
    const candidate: ChosenSegment = {
      number: n,
      fragment,
      loop,
      decodeTime: BigInt(index.startTime) + BigInt(loop) * BigInt(index.mediaDuration) + BigInt(start),
      storedSize: media[fragment]!.size,
    };
    if (!best || Math.abs(candidate.storedSize - 1e6) < Math.abs(best.storedSize - 1e6)) best = candidate;
  }
  return best!;
}
