/**
 * H.265 slice-segment-header sizes for `cbcs` (drm-events.md §8.6): the protected run of a VCL
 * NAL unit starts after its `slice_segment_header()` (ITU-T H.265 §7.3.6.1), read from the RBSP
 * with emulation-prevention bytes removed, with the SPS (§7.3.2.2) and PPS (§7.3.2.3) it refers
 * to. Parameter sets come from the hvcC arrays and from VPS/SPS/PPS NAL units met in samples in
 * decode order (`hev1` carries them in band); the VPS adds nothing the slice header reads.
 *
 * Multi-layer, 3D and screen-content extensions change the slice header syntax and are not read:
 * their slices (and any slice with nuh_layer_id > 0) are reported as unparsed, so they stay clear.
 */
import { Bits, rbsp, storedLength } from './rbsp.js';
import type { NalCodec } from './subsamples.js';

const VPS_NUT = 32;
const SPS_NUT = 33;
const PPS_NUT = 34;
/** BLA_W_LP … RSV_IRAP_VCL23: no_output_of_prior_pics_flag is present (§7.3.6.1). */
const IRAP_FIRST = 16;
const IRAP_LAST = 23;
const IDR_W_RADL = 19;
const IDR_N_LP = 20;
/** The slice header of a 4K WPP picture with a header extension fits well inside this. */
const MAX_HEADER_PAYLOAD = 4096;

const SLICE_B = 0;
const SLICE_P = 1;

/** One short-term reference picture set, as derived by §7.4.8 (7-61 … 7-72). */
interface StRps {
  /** DeltaPocS0 then DeltaPocS1 values and whether each is used by the current picture. */
  negative: { delta: number; used: boolean }[];
  positive: { delta: number; used: boolean }[];
}

interface Sps {
  chromaArrayType: number;
  separateColourPlane: boolean;
  log2MaxPocLsb: number;
  picSizeInCtbsY: number;
  sampleAdaptiveOffset: boolean;
  stRps: StRps[];
  longTermRefsPresent: boolean;
  /** used_by_curr_pic_lt_sps_flag of each SPS long-term candidate. */
  ltUsedSps: boolean[];
  temporalMvp: boolean;
  /** Why its slices cannot be measured (an extension that changes the slice header), or null. */
  unsupported: string | null;
}

interface Pps {
  sps: number;
  dependentSliceSegments: boolean;
  outputFlagPresent: boolean;
  numExtraSliceHeaderBits: number;
  cabacInitPresent: boolean;
  numRefIdxL0Default: number;
  numRefIdxL1Default: number;
  sliceChromaQpOffsetsPresent: boolean;
  weightedPred: boolean;
  weightedBipred: boolean;
  entryPoints: boolean;
  loopFilterAcrossSlices: boolean;
  deblockingOverrideEnabled: boolean;
  deblockingDisabled: boolean;
  listsModificationPresent: boolean;
  sliceHeaderExtensionPresent: boolean;
  chromaQpOffsetList: boolean;
  unsupported: string | null;
}

const ceilLog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

/** profile_tier_level(1, maxNumSubLayersMinus1) (§7.3.3): fixed-size fields, skipped. */
function skipProfileTierLevel(r: Bits, maxSubLayersMinus1: number): void {
  r.u(32);
  r.u(32);
  r.u(32); // general profile (88 bits) and general_level_idc (8 bits)
  const profile: boolean[] = [];
  const level: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profile.push(r.flag());
    level.push(r.flag());
  }
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) r.u(2);
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profile[i]) {
      r.u(32);
      r.u(32);
      r.u(24); // sub-layer profile (88 bits)
    }
    if (level[i]) r.u(8);
  }
}

/** scaling_list_data() (§7.3.4): only its length matters here. */
function skipScalingListData(r: Bits): void {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (!r.flag()) {
        r.ue(); // scaling_list_pred_matrix_id_delta
        continue;
      }
      const coefNum = Math.min(64, 1 << (4 + (sizeId << 1)));
      if (sizeId > 1) r.se();
      for (let i = 0; i < coefNum; i++) r.se();
    }
  }
}

/**
 * st_ref_pic_set(stRpsIdx) (§7.3.7) and its derivation (§7.4.8): `sets` are the SPS's sets
 * before this one; `count` is num_short_term_ref_pic_sets (the slice header's own set has
 * stRpsIdx = count and may name its reference with delta_idx_minus1).
 */
function stRefPicSet(r: Bits, idx: number, count: number, sets: readonly StRps[]): StRps {
  const interPrediction = idx !== 0 && r.flag();
  if (!interPrediction) {
    const negatives = r.ue();
    const positives = r.ue();
    if (negatives > 16 || positives > 16) throw new RangeError('too many short-term pictures');
    const negative: StRps['negative'] = [];
    const positive: StRps['positive'] = [];
    let poc = 0;
    for (let i = 0; i < negatives; i++) {
      poc -= r.ue() + 1;
      negative.push({ delta: poc, used: r.flag() });
    }
    poc = 0;
    for (let i = 0; i < positives; i++) {
      poc += r.ue() + 1;
      positive.push({ delta: poc, used: r.flag() });
    }
    return { negative, positive };
  }
  const deltaIdx = idx === count ? r.ue() + 1 : 1;
  const ref = sets[idx - deltaIdx];
  if (!ref) throw new RangeError('short-term set predicted from a missing set');
  const sign = r.u(1);
  const deltaRps = (1 - 2 * sign) * (r.ue() + 1);
  const refCount = ref.negative.length + ref.positive.length;
  const used: boolean[] = [];
  const useDelta: boolean[] = [];
  for (let j = 0; j <= refCount; j++) {
    const u = r.flag();
    used.push(u);
    useDelta.push(u || r.flag());
  }
  // (7-61), (7-62): the reference set's pictures shifted by deltaRps, split by sign
  const negative: StRps['negative'] = [];
  const positive: StRps['positive'] = [];
  const nNeg = ref.negative.length;
  for (let j = ref.positive.length - 1; j >= 0; j--) {
    const d = ref.positive[j]!.delta + deltaRps;
    if (d < 0 && useDelta[nNeg + j]) negative.push({ delta: d, used: used[nNeg + j]! });
  }
  if (deltaRps < 0 && useDelta[refCount]) negative.push({ delta: deltaRps, used: used[refCount]! });
  for (let j = 0; j < nNeg; j++) {
    const d = ref.negative[j]!.delta + deltaRps;
    if (d < 0 && useDelta[j]) negative.push({ delta: d, used: used[j]! });
  }
  for (let j = nNeg - 1; j >= 0; j--) {
    const d = ref.negative[j]!.delta + deltaRps;
    if (d > 0 && useDelta[j]) positive.push({ delta: d, used: used[j]! });
  }
  if (deltaRps > 0 && useDelta[refCount]) positive.push({ delta: deltaRps, used: used[refCount]! });
  for (let j = 0; j < ref.positive.length; j++) {
    const d = ref.positive[j]!.delta + deltaRps;
    if (d > 0 && useDelta[nNeg + j]) positive.push({ delta: d, used: used[nNeg + j]! });
  }
  return { negative, positive };
}

/** sub_layer_hrd_parameters() (§E.2.3). */
function skipSubLayerHrd(r: Bits, cpbCount: number, subPic: boolean): void {
  for (let i = 0; i < cpbCount; i++) {
    r.ue();
    r.ue();
    if (subPic) {
      r.ue();
      r.ue();
    }
    r.u(1);
  }
}

/** hrd_parameters(1, maxNumSubLayersMinus1) (§E.2.2). */
function skipHrd(r: Bits, maxSubLayersMinus1: number): void {
  const nal = r.flag();
  const vcl = r.flag();
  let subPic = false;
  if (nal || vcl) {
    subPic = r.flag();
    if (subPic) r.u(8 + 5 + 1 + 5);
    r.u(8); // bit_rate_scale, cpb_size_scale
    if (subPic) r.u(4);
    r.u(15);
  }
  for (let i = 0; i <= maxSubLayersMinus1; i++) {
    const fixedGeneral = r.flag();
    const fixedWithinCvs = fixedGeneral || r.flag();
    let lowDelay = false;
    if (fixedWithinCvs) r.ue();
    else lowDelay = r.flag();
    const cpbCount = lowDelay ? 1 : r.ue() + 1;
    if (nal) skipSubLayerHrd(r, cpbCount, subPic);
    if (vcl) skipSubLayerHrd(r, cpbCount, subPic);
  }
}

/** vui_parameters() (§E.2.1), read only to reach the SPS extension flags behind it. */
function skipVui(r: Bits, maxSubLayersMinus1: number): void {
  if (r.flag() && r.u(8) === 255) r.u(32); // aspect ratio, SAR
  if (r.flag()) r.u(1); // overscan
  if (r.flag()) {
    r.u(4); // video_format, video_full_range_flag
    if (r.flag()) r.u(24); // colour description
  }
  if (r.flag()) {
    r.ue();
    r.ue();
  }
  r.u(3); // neutral_chroma_indication, field_seq, frame_field_info_present
  if (r.flag()) for (let i = 0; i < 4; i++) r.ue(); // default display window
  if (r.flag()) {
    r.u(32);
    r.u(32);
    if (r.flag()) r.ue();
    if (r.flag()) skipHrd(r, maxSubLayersMinus1);
  }
  if (r.flag()) {
    r.u(3);
    for (let i = 0; i < 5; i++) r.ue();
  }
}

function parseSps(r: Bits): [number, Sps] {
  r.u(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  r.u(1);
  skipProfileTierLevel(r, maxSubLayersMinus1);
  const id = r.ue();
  if (id > 15) throw new RangeError('bad sps_seq_parameter_set_id');
  const chromaFormat = r.ue();
  const separateColourPlane = chromaFormat === 3 && r.flag();
  const width = r.ue();
  const height = r.ue();
  if (r.flag()) for (let i = 0; i < 4; i++) r.ue(); // conformance window
  r.ue();
  r.ue(); // bit depths
  const log2MaxPocLsb = r.ue() + 4;
  if (log2MaxPocLsb > 16) throw new RangeError('bad log2_max_pic_order_cnt_lsb_minus4');
  const orderingAll = r.flag();
  for (let i = orderingAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.ue();
    r.ue();
    r.ue();
  }
  const minCbLog2 = r.ue() + 3;
  const ctbLog2 = minCbLog2 + r.ue();
  if (ctbLog2 > 6) throw new RangeError('bad CTB size');
  for (let i = 0; i < 4; i++) r.ue(); // transform block sizes and hierarchy depths
  if (r.flag() && r.flag()) skipScalingListData(r);
  r.u(1); // amp_enabled_flag
  const sampleAdaptiveOffset = r.flag();
  if (r.flag()) {
    r.u(8); // PCM bit depths
    r.ue();
    r.ue();
    r.u(1);
  }
  const numStRps = r.ue();
  if (numStRps > 64) throw new RangeError('bad num_short_term_ref_pic_sets');
  const stRps: StRps[] = [];
  for (let i = 0; i < numStRps; i++) stRps.push(stRefPicSet(r, i, numStRps, stRps));
  const longTermRefsPresent = r.flag();
  const ltUsedSps: boolean[] = [];
  if (longTermRefsPresent) {
    const n = r.ue();
    if (n > 32) throw new RangeError('bad num_long_term_ref_pics_sps');
    for (let i = 0; i < n; i++) {
      r.u(log2MaxPocLsb);
      ltUsedSps.push(r.flag());
    }
  }
  const temporalMvp = r.flag();
  r.u(1); // strong_intra_smoothing_enabled_flag
  if (r.flag()) skipVui(r, maxSubLayersMinus1);
  let unsupported: string | null = null;
  if (r.flag()) {
    const [, multilayer, threeD, scc] = [r.flag(), r.flag(), r.flag(), r.flag()];
    if (multilayer || threeD || scc) unsupported = 'SPS multi-layer, 3D or screen-content extension';
  }
  const ctb = 1 << ctbLog2;
  return [
    id,
    {
      chromaArrayType: separateColourPlane ? 0 : chromaFormat,
      separateColourPlane,
      log2MaxPocLsb,
      picSizeInCtbsY: Math.ceil(width / ctb) * Math.ceil(height / ctb),
      sampleAdaptiveOffset,
      stRps,
      longTermRefsPresent,
      ltUsedSps,
      temporalMvp,
      unsupported,
    },
  ];
}

function parsePps(r: Bits): [number, Pps] {
  const id = r.ue();
  const sps = r.ue();
  if (id > 63 || sps > 15) throw new RangeError('bad PPS or SPS id');
  const dependentSliceSegments = r.flag();
  const outputFlagPresent = r.flag();
  const numExtraSliceHeaderBits = r.u(3);
  r.u(1); // sign_data_hiding_enabled_flag
  const cabacInitPresent = r.flag();
  const numRefIdxL0Default = r.ue() + 1;
  const numRefIdxL1Default = r.ue() + 1;
  r.se(); // init_qp_minus26
  r.u(1); // constrained_intra_pred_flag
  const transformSkip = r.flag();
  if (r.flag()) r.ue(); // cu_qp_delta_enabled_flag, diff_cu_qp_delta_depth
  r.se();
  r.se(); // pps_cb/cr_qp_offset
  const sliceChromaQpOffsetsPresent = r.flag();
  const weightedPred = r.flag();
  const weightedBipred = r.flag();
  r.u(1); // transquant_bypass_enabled_flag
  const tiles = r.flag();
  const entropySync = r.flag();
  if (tiles) {
    const columns = r.ue();
    const rows = r.ue();
    if (!r.flag()) for (let i = 0; i < columns + rows; i++) r.ue(); // explicit spacing
    r.u(1); // loop_filter_across_tiles_enabled_flag
  }
  const loopFilterAcrossSlices = r.flag();
  let deblockingOverrideEnabled = false;
  let deblockingDisabled = false;
  if (r.flag()) {
    deblockingOverrideEnabled = r.flag();
    deblockingDisabled = r.flag();
    if (!deblockingDisabled) {
      r.se();
      r.se();
    }
  }
  if (r.flag()) skipScalingListData(r);
  const listsModificationPresent = r.flag();
  r.ue(); // log2_parallel_merge_level_minus2
  const sliceHeaderExtensionPresent = r.flag();
  let chromaQpOffsetList = false;
  let unsupported: string | null = null;
  if (r.flag()) {
    const [range, multilayer, threeD, scc] = [r.flag(), r.flag(), r.flag(), r.flag()];
    r.u(4);
    if (multilayer || threeD || scc) unsupported = 'PPS multi-layer, 3D or screen-content extension';
    else if (range) {
      // pps_range_extension() (§7.3.2.3.2): chroma_qp_offset_list_enabled_flag reaches the slice
      if (transformSkip) r.ue();
      r.u(1); // cross_component_prediction_enabled_flag
      chromaQpOffsetList = r.flag();
    }
  }
  return [
    id,
    {
      sps,
      dependentSliceSegments,
      outputFlagPresent,
      numExtraSliceHeaderBits,
      cabacInitPresent,
      numRefIdxL0Default,
      numRefIdxL1Default,
      sliceChromaQpOffsetsPresent,
      weightedPred,
      weightedBipred,
      entryPoints: tiles || entropySync,
      loopFilterAcrossSlices,
      deblockingOverrideEnabled,
      deblockingDisabled,
      listsModificationPresent,
      sliceHeaderExtensionPresent,
      chromaQpOffsetList,
      unsupported,
    },
  ];
}

/** pred_weight_table() (§7.3.6.3) for a single-layer picture without the current picture as reference. */
function skipPredWeightTable(r: Bits, chromaArrayType: number, lists: number[]): void {
  r.ue(); // luma_log2_weight_denom
  if (chromaArrayType !== 0) r.se();
  for (const n of lists) {
    const luma: boolean[] = [];
    const chroma: boolean[] = [];
    for (let i = 0; i < n; i++) luma.push(r.flag());
    for (let i = 0; i < n; i++) chroma.push(chromaArrayType !== 0 && r.flag());
    for (let i = 0; i < n; i++) {
      if (luma[i]) {
        r.se();
        r.se();
      }
      if (chroma[i]) for (let j = 0; j < 4; j++) r.se();
    }
  }
}

/** The measured header. */
export interface H265SliceHeaderSize {
  /** RBSP bits of slice_segment_header() before its byte_alignment(), NAL header excluded. */
  bits: number;
  /** Stored bytes from the NAL header to the end of byte_alignment() (§8.6). */
  bytes: number;
}

/** Parameter sets in decode order, and slice-segment-header sizes of the NAL units that use them. */
export class H265SliceHeaders {
  readonly codec: NalCodec = 'hevc';
  private readonly sps = new Map<number, Sps>();
  private readonly pps = new Map<number, Pps>();
  /** Why the last `headerBytes` call gave null, for the §8.6 warning. */
  failure: string | null = null;

  /** Remembers a VPS, SPS or PPS NAL unit (2-byte header included); ignores anything else. */
  parameterSet(nal: Uint8Array): void {
    const type = ((nal[0] ?? 0) >> 1) & 0x3f;
    const layer = (((nal[0] ?? 0) & 1) << 5) | ((nal[1] ?? 0) >> 3);
    // parameter sets of other layers belong to multi-layer streams, whose slices are not read
    if (layer !== 0 || (type !== SPS_NUT && type !== PPS_NUT && type !== VPS_NUT)) return;
    try {
      const r = new Bits(rbsp(nal.subarray(2)));
      if (type === SPS_NUT) {
        const [id, s] = parseSps(r);
        this.sps.set(id, s);
      } else if (type === PPS_NUT) {
        const [id, p] = parsePps(r);
        this.pps.set(id, p);
      }
    } catch {
      // an unreadable parameter set leaves the slices that use it clear (§8.6)
    }
  }

  /**
   * Stored bytes of a slice segment NAL unit (2-byte header included) up to the end of its
   * slice segment header, or null when it cannot be parsed (`failure` says why).
   */
  headerBytes(nal: Uint8Array): number | null {
    return this.measure(nal)?.bytes ?? null;
  }

  measure(nal: Uint8Array): H265SliceHeaderSize | null {
    this.failure = null;
    try {
      return this.parseSliceSegmentHeader(nal);
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
      return null;
    }
  }

  private parseSliceSegmentHeader(nal: Uint8Array): H265SliceHeaderSize {
    if (nal.length < 3) throw new RangeError('NAL unit too short');
    const type = (nal[0]! >> 1) & 0x3f;
    const layer = ((nal[0]! & 1) << 5) | (nal[1]! >> 3);
    if (type > 21 || (type > 9 && type < 16)) throw new RangeError(`NAL unit type ${type} is not a slice`);
    if (layer !== 0) throw new RangeError(`nuh_layer_id ${layer} (multi-layer) is not read`);
    const payload = nal.subarray(2);
    const r = new Bits(rbsp(payload.subarray(0, Math.min(payload.length, MAX_HEADER_PAYLOAD))));
    const first = r.flag();
    if (type >= IRAP_FIRST && type <= IRAP_LAST) r.u(1); // no_output_of_prior_pics_flag
    const ppsId = r.ue();
    const pps = this.pps.get(ppsId);
    if (!pps) throw new RangeError(`unknown PPS ${ppsId}`);
    const sps = this.sps.get(pps.sps);
    if (!sps) throw new RangeError(`PPS ${ppsId} refers to unknown SPS ${pps.sps}`);
    const unsupported = sps.unsupported ?? pps.unsupported;
    if (unsupported) throw new RangeError(unsupported);
    let dependent = false;
    if (!first) {
      if (pps.dependentSliceSegments) dependent = r.flag();
      r.u(ceilLog2(sps.picSizeInCtbsY)); // slice_segment_address
    }
    if (!dependent) this.independentFields(r, type, sps, pps);
    if (pps.entryPoints) {
      const offsets = r.ue();
      if (offsets > 0) {
        const len = r.ue() + 1;
        if (len > 32) throw new RangeError('bad offset_len_minus1');
        for (let i = 0; i < offsets; i++) r.u(len);
      }
    }
    if (pps.sliceHeaderExtensionPresent) {
      const n = r.ue();
      if (n > 256) throw new RangeError('bad slice_segment_header_extension_length');
      for (let i = 0; i < n; i++) r.u(8);
    }
    const bits = r.consumed;
    // byte_alignment(): a one bit, then zero bits to the byte boundary; other bits mean a misread
    if (r.u(1) !== 1) throw new RangeError('alignment_bit_equal_to_one is 0');
    while (r.consumed % 8 !== 0) if (r.u(1) !== 0) throw new RangeError('alignment_bit_equal_to_zero is 1');
    return { bits, bytes: 2 + storedLength(payload, r.consumed / 8) };
  }

  /** The part of §7.3.6.1 under `if( !dependent_slice_segment_flag )`. */
  private independentFields(r: Bits, type: number, sps: Sps, pps: Pps): void {
    r.u(pps.numExtraSliceHeaderBits); // slice_reserved_flag[]
    const sliceType = r.ue();
    if (sliceType > 2) throw new RangeError(`bad slice_type ${sliceType}`);
    if (pps.outputFlagPresent) r.u(1);
    if (sps.separateColourPlane) r.u(2);
    let temporalMvp = false;
    let numPicTotalCurr = 0;
    if (type !== IDR_W_RADL && type !== IDR_N_LP) {
      r.u(sps.log2MaxPocLsb); // slice_pic_order_cnt_lsb
      let rps: StRps | undefined;
      const count = sps.stRps.length;
      if (!r.flag()) rps = stRefPicSet(r, count, count, sps.stRps);
      else rps = sps.stRps[count > 1 ? r.u(ceilLog2(count)) : 0];
      if (!rps) throw new RangeError('short_term_ref_pic_set_idx names no SPS set');
      numPicTotalCurr = [...rps.negative, ...rps.positive].filter((p) => p.used).length;
      if (sps.longTermRefsPresent) {
        const numLtSps = sps.ltUsedSps.length;
        const fromSps = numLtSps > 0 ? r.ue() : 0;
        if (fromSps > numLtSps) throw new RangeError('bad num_long_term_sps');
        const coded = r.ue();
        if (fromSps + coded > 32) throw new RangeError('bad num_long_term_pics');
        for (let i = 0; i < fromSps + coded; i++) {
          let used: boolean;
          if (i < fromSps) used = sps.ltUsedSps[numLtSps > 1 ? r.u(ceilLog2(numLtSps)) : 0] ?? false;
          else {
            r.u(sps.log2MaxPocLsb); // poc_lsb_lt
            used = r.flag();
          }
          if (used) numPicTotalCurr++;
          if (r.flag()) r.ue(); // delta_poc_msb_present_flag, delta_poc_msb_cycle_lt
        }
      }
      if (sps.temporalMvp) temporalMvp = r.flag();
    }
    let sao = false;
    if (sps.sampleAdaptiveOffset) {
      sao = r.flag();
      if (sps.chromaArrayType !== 0) sao = r.flag() || sao;
    }
    if (sliceType === SLICE_P || sliceType === SLICE_B) {
      const B = sliceType === SLICE_B;
      let l0 = pps.numRefIdxL0Default;
      let l1 = pps.numRefIdxL1Default;
      if (r.flag()) {
        l0 = r.ue() + 1;
        if (B) l1 = r.ue() + 1;
      }
      if (l0 > 15 || l1 > 15) throw new RangeError('bad num_ref_idx_active_minus1');
      if (pps.listsModificationPresent && numPicTotalCurr > 1) {
        // ref_pic_lists_modification() (§7.3.6.2)
        const entryBits = ceilLog2(numPicTotalCurr);
        if (r.flag()) r.u(entryBits * l0);
        if (B && r.flag()) r.u(entryBits * l1);
      }
      if (B) r.u(1); // mvd_l1_zero_flag
      if (pps.cabacInitPresent) r.u(1);
      if (temporalMvp) {
        const fromL0 = B ? r.flag() : true;
        if ((fromL0 && l0 > 1) || (!fromL0 && l1 > 1)) r.ue(); // collocated_ref_idx
      }
      if ((pps.weightedPred && !B) || (pps.weightedBipred && B))
        skipPredWeightTable(r, sps.chromaArrayType, B ? [l0, l1] : [l0]);
      r.ue(); // five_minus_max_num_merge_cand
    }
    r.se(); // slice_qp_delta
    if (pps.sliceChromaQpOffsetsPresent) {
      r.se();
      r.se();
    }
    if (pps.chromaQpOffsetList) r.u(1); // cu_chroma_qp_offset_enabled_flag
    let deblockingDisabled = pps.deblockingDisabled;
    if (pps.deblockingOverrideEnabled && r.flag()) {
      deblockingDisabled = r.flag();
      if (!deblockingDisabled) {
        r.se();
        r.se();
      }
    }
    if (pps.loopFilterAcrossSlices && (sao || !deblockingDisabled)) r.u(1);
  }
}
