/** The validator's bounded, address-checked fetcher (validator.md §6). */
export { createFetcher, retryAfterMs, DOCTYPE_REFUSED } from './fetcher.js';
export type { FetcherOptions, RunFetcher } from './fetcher.js';
export type { AddressRuleOptions, AddressRule, HopVerdict } from './policy.js';
export { createAddressRule } from './policy.js';
export type { AddressClass } from './address.js';
export { classifyAddress, canonicalAddress, isIpLiteral } from './address.js';
export { portAllowed } from './ports.js';
export { KIND_LIMITS, formatBytes } from './limits.js';
export type { KindLimits } from './limits.js';
export { AddressNotAllowedError } from './connect.js';
// The public types the fetcher works with (validator.md §2.1), for its users in the server.
export type {
  CodecInfo,
  FetchFailure,
  FetchKind,
  FetchRequest,
  FetchResult,
  Fetcher,
  LogLevel,
  Phase,
  Severity,
  IssueLocation,
  ValidateOptions,
  ValidationIssue,
  ValidationReport,
  ValidatorEvents,
} from '../types.js';
