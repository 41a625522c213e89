/**
 * Re-fragments the demo's AAC track on the 2 s grid of its MPD (dash.md §5.4, app.md §11 "Demo
 * content"). ffmpeg's mov muxer cuts a fragment once `-frag_duration` is reached counted from the
 * fragment's own start, so every AAC fragment is 94 frames (96256 ticks at 48 kHz) and the tfdt
 * of fragment k drifts 256 × k ticks from the k × 96000 that `$Number$` addressing promises.
 * Here ffmpeg writes the track as one fragment, and each fragment k is cut at the first frame
 * boundary at or after k × 2 s counted from the track's start (94, 94, 94, 93 frames, repeating):
 * every fragment then starts less than one AAC frame after its nominal time, and the loop's last
 * fragment takes what is left (the loop is 2812.5 frames, app.md §11 accepts that).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildChunks, readChunkSource, type ChunkSource } from '@loopcast/bmff';

export interface TopBox {
  type: string;
  bytes: Buffer;
}

export function topLevelBoxes(file: Buffer): TopBox[] {
  const boxes: TopBox[] = [];
  for (let at = 0; at + 8 <= file.length;) {
    let size = file.readUInt32BE(at);
    if (size === 1) size = Number(file.readBigUInt64BE(at + 8));
    else if (size === 0) size = file.length - at;
    if (size < 8 || at + size > file.length) throw new Error(`bad box size ${size} at byte ${at}`);
    boxes.push({ type: file.toString('latin1', at + 4, at + 8), bytes: file.subarray(at, at + size) });
    at += size;
  }
  return boxes;
}

/**
 * Sample counts per fragment: fragment k ends at the first sample boundary at or after
 * (k + 1) × `target` ticks from the start of the track.
 */
export function gridCounts(durations: readonly number[], target: number): number[] {
  const counts: number[] = [];
  let elapsed = 0;
  let inFragment = 0;
  for (const d of durations) {
    elapsed += d;
    inFragment++;
    if (elapsed >= (counts.length + 1) * target) {
      counts.push(inFragment);
      inFragment = 0;
    }
  }
  if (inFragment > 0) counts.push(inFragment);
  return counts;
}

/** Offset of the mfhd sequence number in a chunk header: moof header (8), mfhd header + flags (12). */
const MFHD_SEQUENCE_AT = 8 + 12;

/**
 * Rewrites `file` (ftyp, moov, one moof + mdat, as ffmpeg writes it with a fragment duration
 * longer than the track) in place as fragments of `target` ticks on the track's grid. Sequence
 * numbers count from 1 (ISO/IEC 14496-12 §8.8.5: increasing in fragment order). Returns the
 * number of fragments.
 */
export async function refragmentOnGrid(file: string, target: number): Promise<number> {
  const boxes = topLevelBoxes(await readFile(file));
  const moofAt = boxes.findIndex((b) => b.type === 'moof');
  if (moofAt < 0 || boxes.filter((b) => b.type === 'moof').length !== 1)
    throw new Error(`${file}: expected exactly one fragment from ffmpeg`);
  const header = boxes.slice(0, moofAt);
  if (!header.some((b) => b.type === 'moov')) throw new Error(`${file}: no moov before the fragment`);
  // readChunkSource rejects anything but an mdat right after the moof; trailing boxes (there are
  // none with skip_trailer) would be kept after the last fragment.
  const src: ChunkSource = readChunkSource(boxes.slice(moofAt).map((b) => b.bytes));
  if (src.decodeTime !== 0n) throw new Error(`${file}: the fragment starts at tfdt ${src.decodeTime}`);
  const chunks = buildChunks(src, gridCounts(src.durations, target));
  const out: Buffer[] = header.map((b) => b.bytes);
  for (const [k, chunk] of chunks.entries()) {
    const [moof, ...rest] = chunk.buffers;
    if (!moof || moof.toString('latin1', 4, 8) !== 'moof' || moof.toString('latin1', 12, 16) !== 'mfhd')
      throw new Error(`${file}: fragment ${k + 1} does not start with moof/mfhd`);
    const numbered = Buffer.from(moof);
    numbered.writeUInt32BE(k + 1, MFHD_SEQUENCE_AT);
    out.push(numbered, ...rest);
  }
  await writeFile(file, Buffer.concat(out));
  return chunks.length;
}
