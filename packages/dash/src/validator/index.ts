/** The DASH validator (validator.md): `validate()`, its check registry, report text form and types. */
export type * from './types.js';
export { validate } from './run.js';
export { CHECKS, checksMarkdown, type CheckCode, type CheckRow } from './registry.js';
export { reportText, sortIssues, type TextOptions } from './report.js';
export { describeCodecs } from './codecs.js';
export { xsdAvailable } from './xsd.js';
export {
  captureStream,
  planCapture,
  CaptureError,
  DEFAULT_SAVE_MAX_SEGMENTS,
  type CapturePlan,
  type CaptureSink,
  type CaptureTrack,
  type CaptureOptions,
} from './capture.js';
