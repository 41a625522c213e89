/**
 * The validator's public types (validator.md §2.1, §3.1, §3.2). The checks are pure functions over
 * parsed inputs; the `Fetcher` is injected by the server (address rule on) or the CLI (off), so unit
 * tests feed recorded responses and a fixed clock.
 */

export interface ValidateOptions {
  /** http(s) URL; the CLI also accepts a local file path. */
  url: string;
  /** Seconds to follow a live stream, or seconds of media per Period of a static one (0 = all); §2.3. */
  duration: number;
  /** The stream must be encrypted (§4.7, `CP_EXPECTED`). */
  encrypted: boolean;
  /** Fetch media segments; init segments are always checked. */
  media: boolean;
  /** Parallel fetches, 1–32. */
  concurrency: number;
  /** XSD validation of every manifest when set (§4.1). */
  schemaPath?: string;
  signal?: AbortSignal;
}

export type Phase = 'manifest' | 'clock' | 'init' | 'media' | 'waiting' | 'refresh' | 'patch' | 'done';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the CLI and the websocket listen to. */
export interface ValidatorEvents {
  progress(p: { done: number; total: number; phase: Phase; text: string }): void;
  log(entry: { level: LogLevel; text: string; at: string }): void;
  manifest(m: { url: string; refresh: number; publishTime: string | null; text: string }): void;
  codecs(items: CodecInfo[]): void;
  issue(issue: ValidationIssue): void;
}

export type FetchKind = 'manifest' | 'patch' | 'init' | 'media' | 'time';

export interface FetchRequest {
  url: string;
  method: 'GET' | 'HEAD';
  /** Inclusive byte range. */
  range?: [number, number];
  kind: FetchKind;
  signal: AbortSignal;
}

export type FetchFailure = 'timeout' | 'too-large' | 'address-not-allowed' | 'network' | 'redirects';

export interface FetchResult {
  /** After redirects; BaseURL resolution uses it. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  attempts: number;
  elapsedMs: number;
  /** Set when no usable response arrived; `status` is then 0. */
  failure?: FetchFailure;
  /** Human-readable detail of the failure, naming the limit or address involved. */
  failureDetail?: string;
}

/** §6: the server's fetcher enforces the address rule, the CLI's does not. */
export interface Fetcher {
  fetch(req: FetchRequest): Promise<FetchResult>;
}

export type Severity = 'error' | 'warning' | 'info';

export type IssueLocation =
  | { kind: 'manifest'; url: string; line: number; column: number; endLine: number }
  | {
      kind: 'segment';
      url: string;
      range?: string;
      periodId: string;
      representationId: string;
      init: boolean;
      number?: number;
      time?: number;
      box?: string;
      offset?: number;
    }
  | { kind: 'patch'; url: string; line?: number; endLine?: number }
  | { kind: 'url'; url: string };

export interface ValidationIssue {
  severity: Severity;
  /** The rule's code (§4), e.g. `MEDIA_TFDT`. */
  code: string;
  /** One sentence with the values found and expected. */
  message: string;
  /** e.g. "ISO/IEC 23009-1 5.3.5.2", "ISO/IEC 14496-12 8.8.12", "SCTE 35". */
  clause?: string;
  location: IssueLocation;
  /** Element path, e.g. /MPD/Period[@id='p0']/AdaptationSet[@id='1']. */
  path?: string;
  /** 0 for the first manifest, then 1, 2, … */
  refresh: number;
  /** How often this issue (code, location, message) occurred in the run, when more than once. */
  count?: number;
}

export interface CodecInfo {
  periodId: string;
  adaptationSetId: string | null;
  representationId: string;
  contentType: string;
  mimeType: string;
  codecs: string;
  /** Decoded RFC 6381 string: "H.264 High profile, level 4.0". */
  description: string;
  width?: number;
  height?: number;
  frameRate?: string;
  sampleRate?: number;
  channels?: number;
  bandwidth: number;
  encrypted: boolean;
  scheme?: string;
  kids: string[];
}

export interface ValidationReport {
  reportVersion: 1;
  url: string;
  startedAt: string;
  finishedAt: string;
  aborted: boolean;
  options: { duration: number; encrypted: boolean; media: boolean; concurrency: number };
  /** null when the MPD never parsed. */
  type: 'static' | 'dynamic' | null;
  /** Server clock − local clock. */
  clockOffsetMs: number | null;
  summary: {
    errors: number;
    warnings: number;
    infos: number;
    manifests: number;
    patches: number;
    initSegments: number;
    mediaSegments: number;
    bytes: number;
  };
  codecs: CodecInfo[];
  /** Manifest issues by refresh and line, then segments by period, adaptation set, representation, number. */
  issues: ValidationIssue[];
}
