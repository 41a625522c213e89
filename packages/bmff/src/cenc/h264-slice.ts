/**
 * H.264 slice-header sizes for `cbcs` (drm-events.md §8.6): the protected run of a VCL NAL unit
 * starts after its slice header (ITU-T H.264 §7.3.3), parsed with the SPS and PPS it refers to
 * (§7.3.2.1, §7.3.2.2) from the RBSP with emulation-prevention bytes removed. Parameter sets come
 * from avcC and from SPS/PPS NAL units met in samples in decode order.
 */

import { Bits, rbsp, storedLength } from './rbsp.js';
import type { NalCodec } from './subsamples.js';

interface Sps {
  chromaArrayType: number;
  separateColourPlane: boolean;
  log2MaxFrameNum: number;
  frameMbsOnly: boolean;
  pocType: number;
  log2MaxPocLsb: number;
  deltaPicOrderAlwaysZero: boolean;
  picSizeInMapUnits: number;
}

interface Pps {
  sps: number;
  entropyCodingMode: boolean;
  bottomFieldPicOrderInFramePresent: boolean;
  numSliceGroupsMinus1: number;
  sliceGroupMapType: number;
  sliceGroupChangeRateMinus1: number;
  numRefIdxL0DefaultMinus1: number;
  numRefIdxL1DefaultMinus1: number;
  weightedPred: boolean;
  weightedBipredIdc: number;
  deblockingFilterControlPresent: boolean;
  redundantPicCntPresent: boolean;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

function parseSps(r: Bits): [number, Sps] {
  const profile = r.u(8);
  r.u(16); // constraint flags, level
  const id = r.ue();
  let chromaFormat = 1;
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profile)) {
    chromaFormat = r.ue();
    if (chromaFormat === 3) separateColourPlane = r.u(1) === 1;
    r.ue();
    r.ue();
    r.u(1);
    if (r.u(1))
      for (let i = 0; i < (chromaFormat !== 3 ? 8 : 12); i++) if (r.u(1)) skipScalingList(r, i < 6 ? 16 : 64);
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  let deltaPicOrderAlwaysZero = false;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType === 1) {
    deltaPicOrderAlwaysZero = r.u(1) === 1;
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.u(1);
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1) === 1;
  return [
    id,
    {
      chromaArrayType: separateColourPlane ? 0 : chromaFormat,
      separateColourPlane,
      log2MaxFrameNum,
      frameMbsOnly,
      pocType,
      log2MaxPocLsb,
      deltaPicOrderAlwaysZero,
      picSizeInMapUnits: widthMbs * heightMapUnits,
    },
  ];
}

function parsePps(r: Bits, spsMap: Map<number, Sps>): [number, Pps] {
  const id = r.ue();
  const sps = r.ue();
  const entropyCodingMode = r.u(1) === 1;
  const bottomFieldPicOrderInFramePresent = r.u(1) === 1;
  const numSliceGroupsMinus1 = r.ue();
  let sliceGroupMapType = 0;
  let sliceGroupChangeRateMinus1 = 0;
  if (numSliceGroupsMinus1 > 0) {
    sliceGroupMapType = r.ue();
    if (sliceGroupMapType === 0) for (let i = 0; i <= numSliceGroupsMinus1; i++) r.ue();
    else if (sliceGroupMapType === 2)
      for (let i = 0; i < numSliceGroupsMinus1; i++) {
        r.ue();
        r.ue();
      }
    else if (sliceGroupMapType >= 3 && sliceGroupMapType <= 5) {
      r.u(1);
      sliceGroupChangeRateMinus1 = r.ue();
    } else if (sliceGroupMapType === 6) {
      const n = r.ue() + 1;
      const bits = Math.ceil(Math.log2(numSliceGroupsMinus1 + 1));
      for (let i = 0; i < n; i++) r.u(bits);
    }
  }
  if (!spsMap.has(sps)) throw new RangeError(`PPS refers to unknown SPS ${sps}`);
  const numRefIdxL0DefaultMinus1 = r.ue();
  const numRefIdxL1DefaultMinus1 = r.ue();
  const weightedPred = r.u(1) === 1;
  const weightedBipredIdc = r.u(2);
  r.se();
  r.se();
  r.se();
  const deblockingFilterControlPresent = r.u(1) === 1;
  r.u(1);
  const redundantPicCntPresent = r.u(1) === 1;
  return [
    id,
    {
      sps,
      entropyCodingMode,
      bottomFieldPicOrderInFramePresent,
      numSliceGroupsMinus1,
      sliceGroupMapType,
      sliceGroupChangeRateMinus1,
      numRefIdxL0DefaultMinus1,
      numRefIdxL1DefaultMinus1,
      weightedPred,
      weightedBipredIdc,
      deblockingFilterControlPresent,
      redundantPicCntPresent,
    },
  ];
}

function refPicListModification(r: Bits): void {
  if (!r.u(1)) return;
  for (;;) {
    const idc = r.ue();
    if (idc === 3) return;
    if (idc > 5) throw new RangeError('bad modification_of_pic_nums_idc');
    r.ue();
  }
}

function predWeightTable(r: Bits, chromaArrayType: number, l0: number, l1: number | null): void {
  r.ue();
  if (chromaArrayType !== 0) r.ue();
  for (const n of l1 === null ? [l0] : [l0, l1]) {
    for (let i = 0; i < n; i++) {
      if (r.u(1)) {
        r.se();
        r.se();
      }
      if (chromaArrayType !== 0 && r.u(1)) for (let j = 0; j < 4; j++) r.se();
    }
  }
}

function decRefPicMarking(r: Bits, idr: boolean): void {
  if (idr) {
    r.u(2);
    return;
  }
  if (!r.u(1)) return;
  for (;;) {
    const op = r.ue();
    if (op === 0) return;
    if (op > 6) throw new RangeError('bad memory_management_control_operation');
    if (op === 1 || op === 3) r.ue();
    if (op === 2) r.ue();
    if (op === 3 || op === 6) r.ue();
    if (op === 4) r.ue();
  }
}

/** Parameter sets in decode order, and slice-header sizes of the NAL units that use them. */
export class H264SliceHeaders {
  readonly codec: NalCodec = 'avc';
  private readonly sps = new Map<number, Sps>();
  private readonly pps = new Map<number, Pps>();

  /** Remembers an SPS or PPS NAL unit (header byte included); ignores anything else. */
  parameterSet(nal: Uint8Array): void {
    const type = (nal[0] ?? 0) & 0x1f;
    try {
      if (type === 7) {
        const [id, s] = parseSps(new Bits(rbsp(nal.subarray(1))));
        this.sps.set(id, s);
      } else if (type === 8) {
        const [id, p] = parsePps(new Bits(rbsp(nal.subarray(1))), this.sps);
        this.pps.set(id, p);
      }
    } catch {
      // an unreadable parameter set leaves the slices that use it clear (§8.6)
    }
  }

  /**
   * Stored bytes of a slice NAL unit (header byte included) up to the end of its slice header,
   * or null when it cannot be parsed.
   */
  headerBytes(nal: Uint8Array): number | null {
    const header = nal[0] ?? 0;
    const nalRefIdc = (header >> 5) & 3;
    const type = header & 0x1f;
    if (type < 1 || type > 5) return null;
    const payload = nal.subarray(1);
    try {
      const r = new Bits(rbsp(payload.subarray(0, Math.min(payload.length, 512))));
      r.ue(); // first_mb_in_slice
      const sliceType = r.ue() % 5;
      const pps = this.pps.get(r.ue());
      const sps = pps && this.sps.get(pps.sps);
      if (!pps || !sps) return null;
      const P = sliceType === 0;
      const B = sliceType === 1;
      const SP = sliceType === 3;
      const SI = sliceType === 4;
      const I = sliceType === 2;
      if (sps.separateColourPlane) r.u(2);
      r.u(sps.log2MaxFrameNum);
      let field = false;
      if (!sps.frameMbsOnly) {
        field = r.u(1) === 1;
        if (field) r.u(1);
      }
      if (type === 5) r.ue();
      if (sps.pocType === 0) {
        r.u(sps.log2MaxPocLsb);
        if (pps.bottomFieldPicOrderInFramePresent && !field) r.se();
      }
      if (sps.pocType === 1 && !sps.deltaPicOrderAlwaysZero) {
        r.se();
        if (pps.bottomFieldPicOrderInFramePresent && !field) r.se();
      }
      if (pps.redundantPicCntPresent) r.ue();
      if (B) r.u(1);
      let l0 = pps.numRefIdxL0DefaultMinus1 + 1;
      let l1 = pps.numRefIdxL1DefaultMinus1 + 1;
      if (P || SP || B) {
        if (r.u(1)) {
          l0 = r.ue() + 1;
          if (B) l1 = r.ue() + 1;
        }
      }
      if (!I && !SI) refPicListModification(r);
      if (B) refPicListModification(r);
      if ((pps.weightedPred && (P || SP)) || (pps.weightedBipredIdc === 1 && B))
        predWeightTable(r, sps.chromaArrayType, l0, B ? l1 : null);
      if (nalRefIdc !== 0) decRefPicMarking(r, type === 5);
      if (pps.entropyCodingMode && !I && !SI) r.ue();
      r.se(); // slice_qp_delta
      if (SP || SI) {
        if (SP) r.u(1);
        r.se();
      }
      if (pps.deblockingFilterControlPresent) {
        if (r.ue() !== 1) {
          r.se();
          r.se();
        }
      }
      if (pps.numSliceGroupsMinus1 > 0 && pps.sliceGroupMapType >= 3 && pps.sliceGroupMapType <= 5) {
        const rate = pps.sliceGroupChangeRateMinus1 + 1;
        r.u(Math.ceil(Math.log2(sps.picSizeInMapUnits / rate + 1)));
      }
      return 1 + storedLength(payload, Math.ceil(r.consumed / 8));
    } catch {
      return null;
    }
  }
}
