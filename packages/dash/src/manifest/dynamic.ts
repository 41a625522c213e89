/**
 * The values of a manifest that change from one request to the next (README §6, live manifest
 * throughput). Two live requests that differ only in their clock share almost every byte: only
 * publishTime, the SegmentTimelines, `$Number$` start numbers and URLs carrying `now` move. The
 * builder asks for each such value through a `Dynamic`, as a function of the request:
 *
 * - `immediateValues` evaluates it at once (every ordinary build);
 * - `Recorder` also keeps the function and puts a placeholder in the model, so one render gives a
 *   skeleton whose holes later requests fill without building or rendering again (memo.ts).
 *
 * Placeholders are `\0<hole>&\0` in text (the `&` shows afterwards whether the template escaped
 * the value, since escaping is per character) and a marked one-element array for a timeline,
 * which `timelineBody` (xml.ts) turns into `\0<hole>t<indent>\0`. NUL never occurs in XML.
 */
import type { ManifestTiming } from '../timing/presentation.js';
import type { TimelineS } from './model.js';

/** What a value may depend on: the request's timing, with a per-request memo. */
export interface WindowScope {
  timing: ManifestTiming;
  /** One computation shared by several values of a request (a timeline and its startNumber). */
  once<T>(key: object, compute: () => T): T;
}

export interface Dynamic<S extends WindowScope = WindowScope> {
  /** A text value (undefined: left out). */
  text<T extends string | undefined>(compute: (s: S) => T): T;
  /** The S elements of a SegmentTimeline. */
  timeline(compute: (s: S) => TimelineS[]): TimelineS[];
  /** A value the document's shape depends on (a count, a number): fixed for a skeleton. */
  shape<T>(compute: (s: S) => T): T;
  /** Gives up recording when the document's shape could depend on the clock in a way not captured. */
  require(memoizable: boolean, reason: string): void;
}

/** Thrown while recording: this request's document cannot be memoised (memo.ts falls back). */
export class NotMemoizable extends Error {}

/** Every value evaluated at once, for one scope. */
export function immediateValues<S extends WindowScope>(scope: S): Dynamic<S> {
  return new Immediate(scope);
}

/** Classes rather than object literals of closures: one is made per build. */
class Immediate<S extends WindowScope> implements Dynamic<S> {
  constructor(private readonly scope: S) {}

  text<T extends string | undefined>(compute: (s: S) => T): T {
    return compute(this.scope);
  }

  timeline(compute: (s: S) => TimelineS[]): TimelineS[] {
    return compute(this.scope);
  }

  shape<T>(compute: (s: S) => T): T {
    return compute(this.scope);
  }

  require(): void {}
}

/** A scope with only the timing (callers outside the single-Period builder). */
export function timingScope(timing: ManifestTiming): WindowScope {
  return new TimingScope(timing);
}

class TimingScope implements WindowScope {
  private readonly memo = new Map<object, unknown>();

  constructor(readonly timing: ManifestTiming) {}

  once<T>(key: object, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }
}

export type Hole<S> =
  | { kind: 'text'; compute: (s: S) => string | undefined }
  | { kind: 'timeline'; compute: (s: S) => TimelineS[] }
  | { kind: 'shape'; compute: (s: S) => unknown };

/** The value of each hole for one request, and the shape facts that pick a skeleton. */
export interface HoleValues {
  values: (string | TimelineS[] | undefined)[];
  /** JSON of per-hole facts: text present, timeline empty, shape values. */
  signature: string;
}

export const NUL = '\u0000';

const TIMELINE_HOLE = Symbol('timeline hole');

interface TimelineHole extends Array<TimelineS> {
  [TIMELINE_HOLE]: number;
}

/** The hole a recorded timeline stands for, or null for a real one. */
export function timelineHoleOf(tl: readonly TimelineS[]): number | null {
  const hole = (tl as Partial<TimelineHole>)[TIMELINE_HOLE];
  return hole === undefined ? null : hole;
}

/** Records the holes of one build (see the file comment). */
export class Recorder<S extends WindowScope> implements Dynamic<S> {
  readonly holes: Hole<S>[] = [];
  private readonly facts: unknown[] = [];
  private readonly values: (string | TimelineS[] | undefined)[] = [];

  constructor(private readonly scope: S) {}

  text<T extends string | undefined>(compute: (s: S) => T): T {
    const value = compute(this.scope);
    const hole = this.add({ kind: 'text', compute }, value, value !== undefined);
    return (value === undefined ? value : `${NUL}${hole}&${NUL}`) as T;
  }

  timeline(compute: (s: S) => TimelineS[]): TimelineS[] {
    const value = compute(this.scope);
    const hole = this.add({ kind: 'timeline', compute }, value, value.length > 0);
    if (value.length === 0) return [];
    // one element, so the template takes its non-empty branch and calls timelineBody
    const marked = [{ d: '' }] as TimelineS[] as TimelineHole;
    marked[TIMELINE_HOLE] = hole;
    return marked;
  }

  shape<T>(compute: (s: S) => T): T {
    const value = compute(this.scope);
    this.add({ kind: 'shape', compute }, undefined, value);
    return value;
  }

  require(memoizable: boolean, reason: string): void {
    if (!memoizable) throw new NotMemoizable(reason);
  }

  /** The values and signature of the recorded request. */
  recorded(): HoleValues {
    return { values: [...this.values], signature: JSON.stringify(this.facts) };
  }

  private add(hole: Hole<S>, value: string | TimelineS[] | undefined, fact: unknown): number {
    this.holes.push(hole);
    this.values.push(value);
    this.facts.push(fact);
    return this.holes.length - 1;
  }
}

/** Evaluates recorded holes for another request (the same facts as `Recorder.recorded`). */
export function evaluateHoles<S extends WindowScope>(holes: readonly Hole<S>[], scope: S): HoleValues {
  const values = new Array<string | TimelineS[] | undefined>(holes.length);
  const facts = new Array<unknown>(holes.length);
  for (let i = 0; i < holes.length; i++) {
    const hole = holes[i]!;
    if (hole.kind === 'text') {
      const v = hole.compute(scope);
      values[i] = v;
      facts[i] = v !== undefined;
    } else if (hole.kind === 'timeline') {
      const v = hole.compute(scope);
      values[i] = v;
      facts[i] = v.length > 0;
    } else {
      facts[i] = hole.compute(scope);
    }
  }
  return { values, signature: JSON.stringify(facts) };
}
