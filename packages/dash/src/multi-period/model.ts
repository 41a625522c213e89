/**
 * Multi-period streams (drm-events.md §12.1): an ordered playlist of Periods, each a slice of an
 * existing stream with chosen tracks. The stored definition names source streams by directory;
 * the core works on the resolved form, where each Period holds its source's `StreamModel`.
 */
import type { StreamModel } from '../stream.js';
import type { Role } from './roles.js';

export interface MpsTrack {
  trackId: number;
  role: Role;
  /** Overrides the files' language in the MPD; null keeps theirs. */
  lang: string | null;
  /** With `drm` set, only tracks marked encrypted are served encrypted (§12.1). */
  encrypted: boolean;
}

/** A Period as stored: offsets in whole milliseconds, the start already snapped (§12.3). */
export interface MpsPeriodDefinition {
  pid: string;
  /** Source stream directory. */
  stream: string;
  startMs: number;
  durationMs: number;
  tracks: MpsTrack[];
}

export interface MpsDefinition {
  name: string;
  title: string;
  /** Full option names, non-default values, applied as the stream defaults of every request. */
  options: Record<string, unknown>;
  periods: MpsPeriodDefinition[];
}

/** A Period with its source loaded. */
export interface MpsPeriod extends Omit<MpsPeriodDefinition, 'stream'> {
  stream: StreamModel;
}

export interface MultiPeriodStream extends Omit<MpsDefinition, 'periods'> {
  periods: MpsPeriod[];
}

/** The JSON API's input body (§12.2); durations in seconds or `xs:duration` text. */
export interface MpsTrackInput {
  trackId: number;
  role: string;
  lang?: string | null;
  encrypted?: boolean;
}

export interface MpsPeriodInput {
  pid: string;
  stream: string;
  start: number | string;
  duration: number | string | null;
  tracks: MpsTrackInput[];
}

export interface MpsInput {
  name: string;
  title: string;
  options?: Record<string, unknown>;
  periods: MpsPeriodInput[];
}

/** The JSON API's answer (§12.2). */
export interface MpsModel {
  name: string;
  title: string;
  options: Record<string, unknown>;
  durationSeconds: number;
  periods: {
    pid: string;
    stream: string;
    start: number;
    duration: number;
    tracks: {
      trackId: number;
      contentType: 'video' | 'audio' | 'text';
      codecs: string;
      role: Role;
      lang: string | null;
      encrypted: boolean;
      encryptedFiles: boolean;
    }[];
  }[];
  createdAt: string;
  updatedAt: string;
}
