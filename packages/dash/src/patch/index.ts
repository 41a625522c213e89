/** MPD patch (drm-events.md §11). */
export {
  buildPatch,
  patchBetween,
  type PatchAnswer,
  type PatchRefusal,
  type PatchRequest,
  type PatchSource,
} from './route.js';
export { diffMpds, patchDocument, parseXml, canonical, type PatchOperation } from './diff.js';
export { formatPublish, parsePublish, patchLocation, patchQueryOmits, patchTtl } from './location.js';
