/**
 * Init segment rewrite for live streams (spec dash.md §9.2): mvex/mehd removed (a live stream
 * has no fixed duration), pssh boxes appended to moov (the moov DRM location), track id
 * changed. Everything not touched is copied byte for byte; sizes of moov and mvex are fixed.
 */
import { Box, parseBoxes } from './box.js';
import { trex } from './boxes/movie-extends.js';
import { mvhd } from './boxes/movie-header.js';
import { pssh as psshEntry, type PsshFields } from './boxes/pssh.js';
import { tkhd } from './boxes/track-header.js';
import { BmffError } from './errors.js';
import { serializeBoxes } from './writer.js';
import { dropMehd, insertPssh } from './edit.js';

export interface InitPlan {
  /** Remove moov/mvex/mehd. Default true. */
  dropMehd?: boolean;
  /** pssh boxes to append to moov: serialised boxes or typed fields. */
  pssh?: readonly (Buffer | PsshFields)[];
  /** New track id for tkhd and trex (and mvhd.next_track_ID when needed). */
  trackId?: number;
}

export function rewriteInit(init: Buffer, plan: InitPlan = {}): Buffer {
  const boxes = parseBoxes(init);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) throw new BmffError('parse', 'init segment has no moov');
  if (plan.dropMehd !== false) dropMehd(moov);
  for (const p of plan.pssh ?? []) insertPssh(moov, Buffer.isBuffer(p) ? p : Box.create(psshEntry, p));
  if (plan.trackId !== undefined) {
    const id = plan.trackId;
    for (const trak of moov.all('trak')) trak.child('tkhd')?.update(tkhd, (f) => void (f.trackId = id));
    for (const t of moov.child('mvex')?.all('trex') ?? []) t.update(trex, (f) => void (f.trackId = id));
    const mh = moov.child('mvhd');
    if (mh && mh.get(mvhd).nextTrackId <= id) mh.update(mvhd, (f) => void (f.nextTrackId = id + 1));
  }
  return serializeBoxes(boxes);
}
