/** What the core receives for a stream (dash.md §5.1); the server builds it from storage. */
import type { MediaIndex } from '@loopcast/bmff';

export interface StreamFile {
  name: string;
  blobKey: string;
  index: MediaIndex;
}

export interface StreamModel {
  directory: string;
  title: string;
  /** Name of one indexed file of the stream. */
  timingReference: string | null;
  /** Per-stream default options, full names, families nested (§4.5). */
  defaults: Record<string, unknown>;
  marlinLaUrl: string | null;
  playreadyLaUrl: string | null;
  otfKid: string;
  keys: Record<string, { key: string; alg: 'AESCTR' | 'AESCBC'; computed: boolean }>;
  /** Usable files, by bitrate. */
  files: StreamFile[];
  /** Changes with any change to the stream, files or keys. */
  version: number;
}

/** The Representation id of a file: its lower-cased stem (`bbb_v6.mp4` → `bbb_v6`). §2 */
export function representationIdOf(fileName: string): string {
  const base = fileName.replace(/^.*\//, '');
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
}

/** The timing reference file, or null when the stream cannot be streamed (409). */
export function timingReferenceOf(stream: StreamModel): StreamFile | null {
  if (stream.timingReference === null) return null;
  const id = representationIdOf(stream.timingReference);
  return stream.files.find((f) => representationIdOf(f.name) === id) ?? null;
}

export function findRepresentation(stream: StreamModel, rep: string): StreamFile | null {
  const id = rep.toLowerCase();
  return stream.files.find((f) => representationIdOf(f.name) === id) ?? null;
}
