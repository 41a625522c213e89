/**
 * The stored media index: what the indexer extracts from one whole fragmented MP4 file
 * (spec dash.md §5.2). Stored verbatim beside the file with `version`; streaming never
 * re-parses the whole file.
 */

/** Bumped whenever the indexer's output changes, so stored indexes are rebuilt at start. */
export const MEDIA_INDEX_VERSION = 1;

export interface IndexedSegment {
  /** Byte offset of the segment in the file. */
  pos: number;
  /** Byte length of the segment. */
  size: number;
  /** Sum of the segment's sample durations in timescale ticks; absent for the init segment. */
  duration?: number;
  /** The first tfdt of the segment; null when it has none; absent for the init segment. */
  decodeTime?: number | null;
}

export interface MediaIndex {
  version: number;
  contentType: 'video' | 'audio' | 'text';
  /** Sample entry fourcc; the original format (frma) for encv/enca. */
  sampleEntry: string;
  /** RFC 6381 codec string. */
  codecs: string;
  mimeType: 'video/mp4' | 'audio/mp4' | 'application/mp4';
  timescale: number;
  trackId: number;
  /** elng tag, else the mdhd code; null for "und". */
  language: string | null;
  /** S0: mfhd sequence number of the first fragment. */
  startNumber: number;
  /** t0: tfdt of the first fragment (0 when it has none). */
  startTime: number;
  /** M: sum of all media segment durations, in ticks. */
  mediaDuration: number;
  /** Nominal: floor(start[N] / (N − 1)), ignoring a short last one. */
  segmentDuration: number;
  /** The duration every sample shares, in ticks; null when they differ. */
  sampleDuration: number | null;
  /** [0] is the init segment (no duration); then N ≥ 2 media segments. */
  segments: IndexedSegment[];
  bitrate: number;
  maxBitrate: number;
  video?: { width: number; height: number; frameRate: string; sar: string; nalLengthSize?: number };
  audio?: { sampleRate: number; channels: number };
  text?: { format: 'stpp' | 'wvtt'; mimeType?: string };
  encryption?: { scheme: string; defaultKid: string; ivSize: number; kids: string[] };
}
