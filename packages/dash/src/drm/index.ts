/** DRM signalling, keys and the ClearKey licence exchange (drm-events.md §2–§7). */
export { KeyMaterial, KeyMaterialError, normaliseKeyText } from './key-material.js';
export { deriveTestKey, keyChecksum, onTheFlyKid, testKeyHex, PLAYREADY_TEST_SEED } from './test-key.js';
export { SYSTEM_IDS, uuidUrn, type KeySetEntry } from './systems.js';
export { psshBox, commonPssh } from './pssh.js';
export {
  widevinePssh,
  widevinePsshData,
  decodeWidevinePsshData,
  WidevineDataError,
  type WidevinePsshFields,
  type WidevineUnknownField,
} from './widevine.js';
export {
  choosePlayReady,
  expandLaUrl,
  playReadyObject,
  playReadyPssh,
  wrmHeader,
  PLAYREADY_TEST_LA_URL,
  parsePlayReadyObject,
  type PlayReadyRecord,
  type HeaderVersion,
  type PlayReadyVersion,
} from './playready.js';
export {
  protectionOf,
  servedFiles,
  canEncryptOnTheFly,
  type Protection,
  type EncryptionScheme,
} from './served.js';
export {
  drmBlock,
  keySetOf,
  initPsshBoxes,
  clearKeyLicenceUrl,
  type ContentProtectionModel,
  type XmlChild,
} from './signalling.js';
export {
  parseLicenceRequest,
  licenceResponse,
  CLEARKEY_MAX_BODY,
  type LicenceRequest,
  type LicenceResponse,
  type LicenceIssue,
} from './licence.js';
export { segmentDrm, type SegmentDrm } from './segment-drm.js';
