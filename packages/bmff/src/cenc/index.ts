/** On-the-fly CENC encryption (drm-events.md §8): init and fragment rewriting, IVs, sub-samples. */
export {
  encryptInit,
  cencTrackOf,
  type CencScheme,
  type CencTrack,
  type InitEncryption,
} from './encrypt-init.js';
export { encryptFragment, type FragmentEncryption } from './encrypt-fragment.js';
export { cencFragmentIvBase, cencSampleIv, cbcsConstantIv } from './ivs.js';
export {
  cencVideoSubsamples,
  cbcsVideoSubsamples,
  type NalCodec,
  type SliceHeaderParser,
} from './subsamples.js';
export { H264SliceHeaders } from './h264-slice.js';
export { H265SliceHeaders, type H265SliceHeaderSize } from './h265-slice.js';
