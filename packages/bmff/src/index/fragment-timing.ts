/**
 * Duration, decode time and sample count of one media segment from its moof boxes. A
 * sample's duration is its trun value, else the tfhd default, else the trex default
 * (ISO/IEC 14496-12 §8.8.7, §8.8.8).
 */
import type { Box } from '../box.js';
import { mfhd } from '../boxes/mfhd.js';
import { tfdt } from '../boxes/tfdt.js';
import { tfhd } from '../boxes/tfhd.js';
import { trun } from '../boxes/trun.js';
import { BmffError } from '../errors.js';
import type { TrackInfo } from './track-info.js';

export interface FragmentTiming {
  sequenceNumber: number;
  duration: number;
  decodeTime: number | null;
  sampleCount: number;
  /** The duration all samples share, null when they differ (or when there are none). */
  sampleDuration: number | null;
}

export function fragmentTiming(moofs: readonly Box[], track: TrackInfo): FragmentTiming {
  let sequenceNumber: number | undefined;
  let decodeTime: number | null = null;
  let duration = 0;
  let sampleCount = 0;
  let shared: number | null | undefined;
  for (const moof of moofs) {
    const mf = moof.child('mfhd');
    if (sequenceNumber === undefined) sequenceNumber = mf ? mf.get(mfhd).sequenceNumber : 0;
    for (const traf of moof.all('traf')) {
      const h = traf.child('tfhd')?.get(tfhd);
      if (!h) throw new BmffError('parse', 'traf without tfhd', traf.offset);
      if (h.trackId !== track.trackId)
        throw new BmffError('several-tracks', `fragment of track ${h.trackId}`, traf.offset);
      const dt = traf.child('tfdt');
      if (dt && decodeTime === null) decodeTime = Number(dt.get(tfdt).baseMediaDecodeTime);
      const def = h.defaultSampleDuration ?? track.trex?.defaultSampleDuration ?? 0;
      for (const run of traf.all('trun')) {
        const r = run.get(trun);
        if (r.samples.length === 0) {
          // no per-sample records: every sample has the default duration
          duration += def * r.sampleCount;
          sampleCount += r.sampleCount;
          if (r.sampleCount > 0) shared = shared === undefined || shared === def ? def : null;
          continue;
        }
        for (const s of r.samples) {
          const d = s.duration ?? def;
          duration += d;
          shared = shared === undefined || shared === d ? d : null;
        }
        sampleCount += r.samples.length;
      }
    }
  }
  return {
    sequenceNumber: sequenceNumber ?? 0,
    duration,
    decodeTime,
    sampleCount,
    sampleDuration: shared ?? null,
  };
}
