/** Multi-period streams (drm-events.md §12): model, validation, manifests, segments and paths. */
export type {
  MpsDefinition,
  MpsInput,
  MpsModel,
  MpsPeriod,
  MpsPeriodDefinition,
  MpsPeriodInput,
  MpsTrack,
  MpsTrackInput,
  MultiPeriodStream,
} from './model.js';
export { CONTENT_ROLES, ROLES, normalizeRole, roleSuits, type ContentType, type Role } from './roles.js';
export {
  validateMps,
  nameError,
  titleError,
  parseSeconds,
  type FieldErrors,
  type MpsValidation,
} from './validate.js';
export { snapStart, sourceLengthMs, trackSlice, type TrackSlice, type SliceSegment } from './slices.js';
export { trackFiles, periodFile } from './tracks.js';
export { resolveMpsOptions } from './options.js';
export {
  playlistLengthMs,
  liveInstances,
  vodInstances,
  instanceById,
  type PeriodInstance,
} from './playlist.js';
export { buildMpsManifest, buildMpsManifestModel, type MpsManifestRequest } from './manifest.js';
export { planMpsSegment, type MpsSegmentPlan } from './segments.js';
export { keepSamplesFrom, samplesFrom, type SampleCut } from './trim.js';
export { parseMpsPath, type MpsPath } from './paths.js';
export { buildMpsPatch, mpsPatchLocation } from './patch.js';
