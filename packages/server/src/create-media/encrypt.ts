/**
 * Encrypted twins `…_enc.mp4` (app.md §11 step 7), written by the code that encrypts on the fly
 * (drm-events.md §8): `tenc` in moov, `senc`/`saiz`/`saio` in every traf, no pssh.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { cencTrackOf, encryptFragment, encryptInit, parseBoxes, trun, type CencScheme } from '@loopcast/bmff';
import { topLevelBoxes } from './refragment.js';

export interface TwinKey {
  /** 32 hex each. */
  kid: string;
  key: string;
}

/** Sample count of a moof (every trun of its first traf), for the running cenc IV. */
function sampleCount(moof: Buffer): number {
  const traf = parseBoxes(moof)[0]?.child('traf');
  return (traf?.children ?? [])
    .filter((b) => b.type === 'trun')
    .reduce((n, b) => n + b.get(trun).sampleCount, 0);
}

export async function writeEncryptedTwin(
  file: string,
  out: string,
  scheme: CencScheme,
  key: TwinKey,
): Promise<void> {
  const boxes = topLevelBoxes(await readFile(file));
  const firstMoof = boxes.findIndex((b) => b.type === 'moof');
  if (firstMoof < 0) throw new Error(`${file}: not fragmented`);
  const init = Buffer.concat(boxes.slice(0, firstMoof).map((b) => b.bytes));
  const track = cencTrackOf(init);
  // cbcs: one random constant IV for the file; cenc: a random first IV, then one per sample
  const constantIv = scheme === 'cbcs' ? randomBytes(16) : undefined;
  let ivBase = randomBytes(8).readBigUInt64BE(0);
  const out_: Buffer[] = [encryptInit(init, { scheme, kid: key.kid, ...(constantIv ? { constantIv } : {}) })];
  for (let i = firstMoof; i < boxes.length; i++) {
    const box = boxes[i]!;
    if (box.type !== 'moof') {
      if (box.type !== 'mdat') out_.push(box.bytes);
      continue;
    }
    const mdat = boxes[i + 1];
    if (mdat?.type !== 'mdat') throw new Error(`${file}: moof without its mdat`);
    out_.push(
      encryptFragment(Buffer.concat([box.bytes, mdat.bytes]), {
        scheme,
        key: Buffer.from(key.key, 'hex'),
        ...(constantIv ? { constantIv } : { ivBase }),
        track,
      }),
    );
    ivBase = (ivBase + BigInt(sampleCount(box.bytes))) % (1n << 64n);
  }
  await writeFile(out, Buffer.concat(out_));
}
