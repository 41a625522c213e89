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
  let id = REPRESENTATION_IDS.get(fileName);
  if (id === undefined) {
    const base = fileName.replace(/^.*\//, '');
    const dot = base.lastIndexOf('.');
    id = (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
    // a manifest asks for the same few names many times; the bound keeps odd input harmless
    if (REPRESENTATION_IDS.size >= 4096) REPRESENTATION_IDS.clear();
    REPRESENTATION_IDS.set(fileName, id);
  }
  return id;
}

const REPRESENTATION_IDS = new Map<string, string>();

/** Timing references by stream model (models are immutable: a change makes a new one). */
const TIMING_REFERENCES = new WeakMap<StreamModel, StreamFile | null>();

/** The timing reference file, or null when the stream cannot be streamed (409). */
export function timingReferenceOf(stream: StreamModel): StreamFile | null {
  let ref = TIMING_REFERENCES.get(stream);
  if (ref === undefined) {
    const name = stream.timingReference;
    const id = name === null ? null : representationIdOf(name);
    ref = id === null ? null : (stream.files.find((f) => representationIdOf(f.name) === id) ?? null);
    TIMING_REFERENCES.set(stream, ref);
  }
  return ref;
}

export function findRepresentation(stream: StreamModel, rep: string): StreamFile | null {
  const id = rep.toLowerCase();
  return stream.files.find((f) => representationIdOf(f.name) === id) ?? null;
}
