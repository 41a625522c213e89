/**
 * app.md §11 step 8: every output is fragmented, has at least two fragments, each video fragment
 * starts with a sync sample, and every fragment but the last lasts the target within one frame.
 */
import { readFile } from 'node:fs/promises';
import { readChunkSource } from '@loopcast/bmff';
import { topLevelBoxes } from './refragment.js';

/** ISO/IEC 14496-12 §8.8.3.1: sample_is_non_sync_sample. */
const NON_SYNC = 0x00010000;

export class VerifyError extends Error {}

/**
 * @param target fragment duration in ticks of the track's timescale
 * @param frame one frame (video) or one coded audio frame in ticks: the allowed difference
 */
export async function verifyOutput(
  file: string,
  opts: { video: boolean; target: number; frame: number },
): Promise<number> {
  const fail = (why: string): never => {
    throw new VerifyError(`${file}: ${why}`);
  };
  const boxes = topLevelBoxes(await readFile(file));
  if (!boxes.some((b) => b.type === 'moov')) fail('no moov');
  const moofs = boxes.flatMap((b, i) => (b.type === 'moof' ? [i] : []));
  if (moofs.length < 2) fail(`${moofs.length} fragments, expected at least 2`);
  for (const [k, at] of moofs.entries()) {
    const mdat = boxes[at + 1];
    if (mdat?.type !== 'mdat') fail(`fragment ${k + 1} has no mdat after its moof`);
    const src = readChunkSource([boxes[at]!.bytes, mdat!.bytes]);
    if (opts.video) {
      const flags =
        src.trun.firstSampleFlags ?? src.trun.samples[0]?.flags ?? src.tfhd.defaultSampleFlags ?? 0;
      if (flags & NON_SYNC) fail(`fragment ${k + 1} does not start with a sync sample`);
    }
    const duration = src.durations.reduce((a, b) => a + b, 0);
    if (k < moofs.length - 1 && Math.abs(duration - opts.target) > opts.frame)
      fail(`fragment ${k + 1} lasts ${duration} ticks, target ${opts.target} ± ${opts.frame}`);
  }
  return moofs.length;
}
