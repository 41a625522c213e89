/**
 * Memoised manifest documents (README §6, live manifest throughput). A live MPD is a pure
 * function of (stream, template, mode, options, origin, clock); requests that differ only in
 * their clock share every byte except the values dynamic.ts names. The first two such requests
 * are built and rendered as usual, and the second is built once more with placeholders (a
 * `Recorder`) into a skeleton; later requests evaluate the recorded functions and fill the
 * skeleton's holes, with no model and no template run. The answer is byte for byte the plain
 * one:
 *
 * - the key holds everything the skeleton may depend on: the stream model (by identity, models
 *   are immutable), template, mode, origin, every option but `now` (as registry text), and the
 *   timing fields that stay put between updates (kind, AST, MUP, TSBD, ATO, event end);
 * - while recording, the other timing fields, `now`, the request clock and URL throw when read
 *   outside a recorded function, so nothing keyed-out can reach the skeleton unseen;
 * - each skeleton is for one signature (which optional values are present, which timelines are
 *   empty, counts), so the template's branches are the ones it took;
 * - a new skeleton is kept only when filling it for the request that made it gives exactly the
 *   plain render; otherwise the key is remembered as not memoisable.
 *
 * Documents (least recently used out first) and skeletons per document are bounded, so no URL
 * grows memory. Automatic Periods are not memoised (their number moves with the clock); nor
 * are MPD events (the recording reads the window, so it gives up).
 */
import { optionValues } from '../options/child-url.js';
import { OPTION_PARAMS, optionRow, registryDefaults } from '../options/registry.js';
import type { StreamModel } from '../stream.js';
import type { TemplateEntry } from '../templates/registry.js';
import type { ManifestTiming } from '../timing/presentation.js';
import {
  buildManifestModel,
  checkLimits,
  manifestModel,
  manifestStart,
  type BuiltManifest,
  type LimitValues,
  type ManifestRefusal,
  type ManifestRequest,
} from './build.js';
import {
  NUL,
  NotMemoizable,
  Recorder,
  evaluateHoles,
  timelineHoleOf,
  type Hole,
  type HoleValues,
} from './dynamic.js';
import type { AdaptationSetModel, TimelineS } from './model.js';
import { renderManifest } from './render.js';
import { RequestScope } from './request-scope.js';
import { escapeXml, timelineBody } from './xml.js';

export interface ManifestAnswer extends BuiltManifest {
  xml: string;
  contentType: 'application/dash+xml';
}

/** Documents kept, over all streams; and skeletons per document (one per signature). */
const MAX_ENTRIES = 64;
const MAX_SKELETONS = 4;

type Slot = { kind: 'raw' | 'escaped'; hole: number } | { kind: 'timeline'; hole: number; pre: string };

interface Skeleton {
  /** Text around the slots: parts.length = slots.length + 1. */
  parts: string[];
  slots: Slot[];
  /** The recorded sets, for the limit checks (build.ts `checkLimits`). */
  sets: AdaptationSetModel[];
}

interface Entry {
  holes: Hole<RequestScope>[];
  skeletons: Map<string, Skeleton>;
  warnings: string[];
}

/**
 * By key: an entry; SEEN, asked for once (a skeleton is made at the second request, so a URL
 * asked for once, e.g. with `start=now` and its own `now`, costs no recording); null, not
 * memoisable (the plain path serves it).
 */
const SEEN = 'seen';
const ENTRIES = new Map<string, Entry | typeof SEEN | null>();

export function buildManifestMemoized(req: ManifestRequest): ManifestAnswer | ManifestRefusal {
  const start = manifestStart(req);
  if (start.kind !== 'start') return start;
  const { timing } = start;
  // automatic Periods list a clock-dependent number of Periods (§7.15)
  if (req.resolved.options.periods !== null) return plainAnswer(req);
  const values = optionValues(req.resolved.options);
  const key = memoKey(req, timing, values);
  const entry = ENTRIES.get(key);
  if (entry === null) return plainAnswer(req);
  if (entry === undefined) {
    keep(key, SEEN);
    return plainAnswer(req);
  }
  const scope = new RequestScope(req, timing, values);
  if (entry !== SEEN) {
    keep(key, entry); // most recently used last
    let holes: HoleValues;
    try {
      holes = evaluateHoles(entry.holes, scope);
    } catch {
      // a recorded function that does not fit this request (it should not happen): plain path
      return plainAnswer(req);
    }
    const skeleton = entry.skeletons.get(holes.signature);
    if (skeleton) {
      const refusal = checkLimits(skeleton.sets, req, timing, new FilledValues(holes.values));
      if (refusal) return refusal;
      const xml = fill(skeleton, holes.values);
      return new MemoAnswer(req, timing, scope.cacheControl(), entry.warnings, xml);
    }
  }
  const answer = plainAnswer(req);
  if (answer.kind === 'manifest') {
    const known = entry === SEEN ? undefined : entry;
    keep(key, record(known, req, start.ref, timing, scope, answer.xml));
  }
  return answer;
}

/** Stores a key's state as the most recently used, dropping the least recently used beyond the bound. */
function keep(key: string, state: Entry | typeof SEEN | null): void {
  ENTRIES.delete(key);
  ENTRIES.set(key, state);
  while (ENTRIES.size > MAX_ENTRIES) ENTRIES.delete(ENTRIES.keys().next().value!);
}

function plainAnswer(req: ManifestRequest): ManifestAnswer | ManifestRefusal {
  const built = buildManifestModel(req);
  if (built.kind !== 'manifest') return built;
  return { ...built, xml: renderManifest(built.model), contentType: 'application/dash+xml' };
}

/** A filled skeleton; its model, rarely asked for, is built on demand (the same function). */
class MemoAnswer implements ManifestAnswer {
  readonly kind = 'manifest';
  readonly contentType = 'application/dash+xml';
  readonly warnings?: string[];

  constructor(
    private readonly req: ManifestRequest,
    readonly timing: ManifestTiming,
    readonly cacheControl: string,
    warnings: string[],
    readonly xml: string,
  ) {
    if (warnings.length > 0) this.warnings = warnings;
  }

  get model(): BuiltManifest['model'] {
    const built = buildManifestModel(this.req);
    if (built.kind !== 'manifest') throw new Error('a memoised manifest rebuilt as a refusal');
    return built.model;
  }
}

/**
 * A skeleton for this request's signature, checked against `xml`, added to `entry` (or to a new
 * entry); null when the document cannot be memoised.
 */
function record(
  entry: Entry | undefined,
  req: ManifestRequest,
  ref: Parameters<typeof manifestModel>[1],
  timing: ManifestTiming,
  scope: RequestScope,
  xml: string,
): Entry | null {
  try {
    const recorder = new Recorder(scope);
    const built = manifestModel(recordingRequest(req), ref, recordingTiming(timing), recorder, () => null);
    if (built.kind !== 'model') throw new NotMemoizable(`recorded as ${built.kind}`);
    const recorded = recorder.recorded();
    const holes = entry?.holes ?? recorder.holes;
    const values = entry ? evaluateHoles(holes, scope) : recorded;
    if (holes.length !== recorder.holes.length || values.signature !== recorded.signature)
      throw new NotMemoizable('a different document shape under one key');
    const skeleton = parseSkeleton(renderManifest(built.model), holes, built.sets);
    if (!skeleton || fill(skeleton, values.values) !== xml)
      throw new NotMemoizable('the skeleton does not give the plain document');
    const kept = entry ?? { holes, skeletons: new Map<string, Skeleton>(), warnings: built.warnings };
    if (kept.skeletons.size >= MAX_SKELETONS) return null; // too many shapes: not worth keeping
    kept.skeletons.set(recorded.signature, skeleton);
    return kept;
  } catch {
    // NotMemoizable, or an error reading a keyed-out value: the plain path serves this key
    return null;
  }
}

/** The skeleton's text split at its placeholders (dynamic.ts), or null when it does not parse. */
function parseSkeleton(
  text: string,
  holes: readonly Hole<RequestScope>[],
  sets: AdaptationSetModel[],
): Skeleton | null {
  const pieces = text.split(NUL);
  if (pieces.length % 2 === 0) return null;
  const parts: string[] = [];
  const slots: Slot[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 0) {
      parts.push(pieces[i]!);
      continue;
    }
    const m = /^(\d+)(?:(&amp;)|(&)|t([^]*))$/.exec(pieces[i]!);
    if (!m) return null;
    const hole = Number(m[1]);
    const expected = m[4] !== undefined ? 'timeline' : 'text';
    if (holes[hole]?.kind !== expected) return null;
    slots.push(
      m[4] !== undefined
        ? { kind: 'timeline', hole, pre: m[4] }
        : { kind: m[2] !== undefined ? 'escaped' : 'raw', hole },
    );
  }
  return { parts, slots, sets };
}

function fill(skeleton: Skeleton, values: HoleValues['values']): string {
  const { parts, slots } = skeleton;
  // a query is written escaped several times (initialization, media, thumbnails)
  let escaped: (string | undefined)[] | null = null;
  let out = parts[0]!;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const value = values[slot.hole];
    if (slot.kind === 'timeline') out += timelineBody(value as TimelineS[], slot.pre);
    else if (slot.kind === 'raw') out += value as string;
    else out += (escaped ??= [])[slot.hole] ??= escapeXml(value);
    out += parts[i + 1]!;
  }
  return out;
}

/** The limit checks' view of a recorded set: placeholders read as this request's values. */
class FilledValues implements LimitValues {
  constructor(private readonly values: HoleValues['values']) {}

  timeline(tl: TimelineS[]): TimelineS[] {
    const hole = timelineHoleOf(tl);
    return hole === null ? tl : (this.values[hole] as TimelineS[]);
  }

  startNumber(text: string): string {
    const m = /^\0(\d+)&\0$/.exec(text);
    return m ? (this.values[Number(m[1])] as string) : text;
  }
}

/** Stream models and template entries by identity (models are immutable: a change makes a new one). */
const IDS = new WeakMap<StreamModel | TemplateEntry, number>();
let nextId = 0;

function idOf(o: StreamModel | TemplateEntry): number {
  let id = IDS.get(o);
  if (id === undefined) IDS.set(o, (id = nextId++));
  return id;
}

/** Registry defaults, in registry order: options equal to them (by identity) need no text. */
const DEFAULT_VALUES = optionValues(registryDefaults());
const NOW = OPTION_PARAMS.indexOf('now');
const FORMATS = OPTION_PARAMS.map((p) => {
  const codec = optionRow(p).codec;
  return (value: unknown): string => codec.format(value);
});

/** Timing fields a skeleton may depend on (the others change with every publish instant). */
const KEYED_TIMING: Record<ManifestTiming['kind'], readonly string[]> = {
  live: ['kind', 'astMs', 'mupSeconds', 'tsbdSeconds', 'atoMs', 'end'],
  ended: ['kind', 'astMs', 'publishMs', 'end'],
  static: ['kind'],
};

/**
 * The memo key: stream model and template entry (by identity), mode, origin, the keyed timing
 * fields (their number fixed by the kind that comes first) and every option but `now` that is
 * not its registry default, as `index="text";` in the registry's canonical text (which child
 * URLs already rely on to carry a value exactly). Free text only appears JSON-quoted, so two
 * requests get one key only when all of these are equal.
 */
function memoKey(req: ManifestRequest, timing: ManifestTiming, values: readonly unknown[]): string {
  let key = `${idOf(req.stream)} ${idOf(req.template)} ${req.mode} ${JSON.stringify(req.origin)}`;
  const t = timing as unknown as Record<string, unknown>;
  for (const field of KEYED_TIMING[timing.kind]) {
    const v = t[field];
    key += typeof v === 'number' ? ` ${v}` : ` ${JSON.stringify(v)}`;
  }
  key += ' ';
  for (let i = 0; i < values.length; i++) {
    if (i === NOW || values[i] === DEFAULT_VALUES[i]) continue;
    key += `${i}=${JSON.stringify(FORMATS[i]!(values[i]))};`;
  }
  return key;
}

/** The timing a recording sees: keyed fields only, any other read abandons the recording. */
function recordingTiming(timing: ManifestTiming): ManifestTiming {
  const keyed = new Set(KEYED_TIMING[timing.kind]);
  const out = {};
  for (const [field, value] of Object.entries(timing) as [string, unknown][]) {
    Object.defineProperty(out, field, {
      enumerable: true,
      get: () => {
        if (!keyed.has(field)) throw new NotMemoizable(`timing.${field} read while recording`);
        return value;
      },
    });
  }
  return out as ManifestTiming;
}

/** The request a recording sees: no clock, no request URL, no `now` option, no baseline. */
function recordingRequest(req: ManifestRequest): ManifestRequest {
  const options = new Proxy(req.resolved.options, {
    get(target, p, receiver) {
      if (p === 'now') throw new NotMemoizable('options.now read while recording');
      const value: unknown = Reflect.get(target, p, receiver);
      return value;
    },
  });
  const closed = (what: string) => () => {
    throw new NotMemoizable(`${what} read while recording`);
  };
  const resolved = Object.defineProperty({ options }, 'baseline', {
    enumerable: true,
    get: closed('baseline'),
  });
  return Object.defineProperties(
    { stream: req.stream, template: req.template, mode: req.mode, origin: req.origin, resolved },
    {
      nowMs: { enumerable: true, get: closed('nowMs') },
      requestUrl: { enumerable: true, get: closed('requestUrl') },
    },
  ) as ManifestRequest;
}

/** For tests: forget every memoised document. */
export function clearManifestMemo(): void {
  ENTRIES.clear();
}

/** For tests: how many documents are memoised (not counting keys seen once or not memoisable). */
export function memoizedDocuments(): number {
  let n = 0;
  for (const e of ENTRIES.values()) if (e !== null && e !== SEEN) n++;
  return n;
}
