/**
 * Validation of a multi-period stream body (drm-events.md §12.3): every failed rule is reported
 * at once, keyed by path (`name`, `periods[1].start`, `periods[0].tracks[2].role`). A valid body
 * becomes the stored definition with snapped starts and computed durations. Whether the name is
 * taken is the storage layer's question (409).
 */
import { language } from '../options/codec.js';
import { validateStreamDefaults } from '../options/parse.js';
import { issueMessage } from '../options/row.js';
import { timingReferenceOf, type StreamModel } from '../stream.js';
import type { MpsDefinition, MpsInput, MpsPeriodDefinition, MpsTrack } from './model.js';
import { normalizeRole, roleSuits, ROLES } from './roles.js';
import { snapStart, sourceLengthMs } from './slices.js';

export type FieldErrors = Record<string, string>;

export type MpsValidation =
  { kind: 'valid'; definition: MpsDefinition } | { kind: 'invalid'; fields: FieldErrors };

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{2,61}$/;
const PID = /^[A-Za-z0-9_.-]{1,62}$/;
const MAX_PERIODS = 100;
const MAX_TRACKS = 32;

/** §12.1 (and app.md §9.2: no leading `.`, so `.add` never clashes). */
export function nameError(name: string): string | null {
  return NAME.test(name)
    ? null
    : 'name must be 3 to 62 characters of letters, digits, "_", "." and "-", not starting with ".".';
}

export function titleError(title: string): string | null {
  const n = [...title.trim()].length;
  return n >= 3 && n <= 120 ? null : 'title must be 3 to 120 characters.';
}

/**
 * Seconds from a number or an `xs:duration` (`PT4S`, `PT1M2.5S`, `P0DT1H`), as dash-live's
 * editor sent; null when neither.
 */
export function parseSeconds(value: number | string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return Number(d) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(s);
}

/** Validates a body against the source streams (`lookup` by directory). */
export function validateMps(
  input: MpsInput,
  lookup: (directory: string) => StreamModel | null,
): MpsValidation {
  const fields: FieldErrors = {};
  const name = input.name.trim();
  const title = input.title.trim();
  const ne = nameError(name);
  if (ne) fields.name = ne;
  const te = titleError(title);
  if (te) fields.title = te;
  const options = input.options ?? {};
  for (const issue of validateStreamDefaults(options)) fields[`options.${issue.param}`] = issueMessage(issue);
  if (input.periods.length < 1 || input.periods.length > MAX_PERIODS)
    fields.periods = `periods must hold 1 to ${MAX_PERIODS} Periods.`;
  const pids = new Set<string>();
  const periods: MpsPeriodDefinition[] = [];
  input.periods.slice(0, MAX_PERIODS).forEach((p, i) => {
    const at = `periods[${i}]`;
    const pid = p.pid.trim();
    if (!PID.test(pid))
      fields[`${at}.pid`] = 'pid must be 1 to 62 characters of letters, digits, "_", "." and "-".';
    else if (pids.has(pid))
      fields[`${at}.pid`] = `pid ${pid} is used by an earlier Period; pids must be unique.`;
    pids.add(pid);
    const period = validatePeriod(p, at, lookup, fields);
    if (period) periods.push({ ...period, pid });
  });
  if (Object.keys(fields).length > 0) return { kind: 'invalid', fields };
  return { kind: 'valid', definition: { name, title, options, periods } };
}

function validatePeriod(
  p: MpsInput['periods'][number],
  at: string,
  lookup: (directory: string) => StreamModel | null,
  fields: FieldErrors,
): Omit<MpsPeriodDefinition, 'pid'> | null {
  const stream = lookup(p.stream);
  const ref = stream ? timingReferenceOf(stream) : null;
  if (!stream) {
    fields[`${at}.stream`] = `stream ${p.stream} does not exist.`;
    return null;
  }
  if (!ref) {
    fields[`${at}.stream`] = `stream ${p.stream} has no timing reference; set one on its page.`;
    return null;
  }
  const lengthMs = sourceLengthMs(ref.index);
  const startSeconds = parseSeconds(p.start);
  const snapped = startSeconds === null ? null : snapStart(ref.index, Math.round(startSeconds * 1000));
  if (!snapped) {
    fields[`${at}.start`] =
      `start must be seconds (or an xs:duration) from 0 to before the end of ${p.stream} (${lengthMs / 1000} s).`;
  }
  let durationMs: number | null = null;
  const durationSeconds = p.duration === null ? 0 : parseSeconds(p.duration);
  if (durationSeconds === null || durationSeconds < 0) {
    fields[`${at}.duration`] =
      'duration must be seconds (or an xs:duration) above 0, or null for the rest of the source.';
  } else if (snapped) {
    durationMs = durationSeconds === 0 ? lengthMs - snapped.ms : Math.round(durationSeconds * 1000);
    if (durationMs <= 0 || snapped.ms + durationMs > lengthMs) {
      fields[`${at}.duration`] =
        `duration must keep the Period inside ${p.stream}: at most ${(lengthMs - snapped.ms) / 1000} s from the snapped start ${snapped.ms / 1000} s.`;
      durationMs = null;
    }
  }
  const tracks = validateTracks(p.tracks, `${at}.tracks`, stream, fields);
  if (!snapped || durationMs === null || !tracks) return null;
  return { stream: stream.directory, startMs: snapped.ms, durationMs, tracks };
}

function validateTracks(
  input: MpsInput['periods'][number]['tracks'],
  at: string,
  stream: StreamModel,
  fields: FieldErrors,
): MpsTrack[] | null {
  if (input.length < 1 || input.length > MAX_TRACKS) {
    fields[at] = `tracks must hold 1 to ${MAX_TRACKS} tracks.`;
    return null;
  }
  const seen = new Set<number>();
  let videos = 0;
  let ok = true;
  const tracks: MpsTrack[] = [];
  input.forEach((t, i) => {
    const here = `${at}[${i}]`;
    const file = stream.files.find((f) => f.index.trackId === t.trackId);
    if (!file) {
      fields[`${here}.trackId`] = `track ${t.trackId} is not a track of ${stream.directory}.`;
      ok = false;
      return;
    }
    if (seen.has(t.trackId)) {
      fields[`${here}.trackId`] = `track ${t.trackId} is chosen twice in this Period.`;
      ok = false;
    }
    seen.add(t.trackId);
    const type = file.index.contentType;
    if (type === 'video' && ++videos > 1) {
      fields[`${here}.trackId`] = 'a Period may have at most one video track.';
      ok = false;
    }
    const role = normalizeRole(t.role);
    if (!role) {
      fields[`${here}.role`] = `role must be one of ${ROLES.join(', ')}.`;
      ok = false;
    } else if (!roleSuits(role, type)) {
      fields[`${here}.role`] = `role ${role} does not suit a ${type} track.`;
      ok = false;
    }
    const lang = t.lang === undefined || t.lang === null || t.lang.trim() === '' ? null : t.lang.trim();
    if (lang !== null && !language.parse(lang).ok) {
      fields[`${here}.lang`] = 'lang must be a BCP-47 language tag such as en or en-GB, or null.';
      ok = false;
    }
    if (role) tracks.push({ trackId: t.trackId, role, lang, encrypted: t.encrypted ?? false });
  });
  return ok ? tracks : null;
}
