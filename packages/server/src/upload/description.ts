/**
 * The upload description format (spec app.md §10.4): dash-live's JSON files unchanged — v2 with
 * streams that list their files, v1 with one top-level `files` list matched to streams by prefix —
 * read into one shape with paths resolved against the description's folder. Unknown properties
 * are reported as warnings, never errors.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface KeyEntry {
  kid: string;
  key?: string;
  computed?: boolean;
  alg?: 'AESCTR' | 'AESCBC';
}

export interface StreamEntry {
  directory: string;
  title: string;
  marlin_la_url?: string;
  playready_la_url?: string;
  /** Absolute paths. */
  files: string[];
  timing_ref?: string;
  defaults?: Record<string, unknown>;
  otf_kid?: string;
}

export interface Description {
  keys: KeyEntry[];
  streams: StreamEntry[];
  warnings: string[];
}

const KEY_PROPS = new Set(['kid', 'key', 'computed', 'alg']);
const STREAM_PROPS = new Set([
  'directory',
  'title',
  'marlin_la_url',
  'playready_la_url',
  'files',
  'timing_ref',
  'defaults',
  'otf_kid',
  'prefix',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function unknownProps(
  where: string,
  obj: Record<string, unknown>,
  known: Set<string>,
  warnings: string[],
): void {
  for (const k of Object.keys(obj))
    if (!known.has(k)) warnings.push(`${where}: unknown property ${k} ignored`);
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || !v) throw new Error(`${what} must be a non-empty string`);
  return v;
};

/** Reads one description; throws with the file name and the first problem. */
export function readDescription(path: string): Description {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  const base = dirname(resolve(path));
  const warnings: string[] = [];
  try {
    if (!isObject(raw)) throw new Error('expected a JSON object');
    unknownProps(path, raw, new Set(['keys', 'streams', 'files']), warnings);
    const keys: KeyEntry[] = [];
    for (const [i, k] of (Array.isArray(raw.keys) ? raw.keys : []).entries()) {
      if (!isObject(k)) throw new Error(`keys[${i}] must be an object`);
      unknownProps(`${path} keys[${i}]`, k, KEY_PROPS, warnings);
      keys.push({
        kid: str(k.kid, `keys[${i}].kid`).replace(/-/g, '').toLowerCase(),
        ...(typeof k.key === 'string' && k.key ? { key: k.key.toLowerCase() } : {}),
        ...(k.computed === true ? { computed: true } : {}),
        ...(k.alg === 'AESCBC' || k.alg === 'AESCTR' ? { alg: k.alg } : {}),
      });
    }
    if (!Array.isArray(raw.streams)) throw new Error('streams must be a list');
    const streams: StreamEntry[] = raw.streams.map((s, i) => {
      if (!isObject(s)) throw new Error(`streams[${i}] must be an object`);
      unknownProps(`${path} streams[${i}]`, s, STREAM_PROPS, warnings);
      const directory = typeof s.directory === 'string' ? s.directory : str(s.prefix, `streams[${i}].prefix`);
      return {
        directory,
        title: str(s.title, `streams[${i}].title`),
        ...(typeof s.marlin_la_url === 'string' && s.marlin_la_url ? { marlin_la_url: s.marlin_la_url } : {}),
        ...(typeof s.playready_la_url === 'string' && s.playready_la_url
          ? { playready_la_url: s.playready_la_url }
          : {}),
        files: Array.isArray(s.files)
          ? s.files.map((f, j) => resolve(base, str(f, `streams[${i}].files[${j}]`)))
          : [],
        ...(typeof s.timing_ref === 'string' && s.timing_ref ? { timing_ref: basename(s.timing_ref) } : {}),
        ...(isObject(s.defaults) ? { defaults: s.defaults } : {}),
        ...(typeof s.otf_kid === 'string' && s.otf_kid ? { otf_kid: s.otf_kid.toLowerCase() } : {}),
      };
    });
    // v1: one top-level list, each file going to the stream whose prefix its name starts with.
    if (Array.isArray(raw.files)) {
      for (const [j, f] of raw.files.entries()) {
        const file = resolve(base, str(f, `files[${j}]`));
        const name = basename(file);
        const stream = streams.find((s) => name.startsWith(s.directory));
        if (!stream) throw new Error(`file ${name} matches no stream prefix`);
        stream.files.push(file);
      }
    }
    return { keys, streams, warnings };
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
}
