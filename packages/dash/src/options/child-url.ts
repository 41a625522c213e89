/**
 * Child-URL query strings (dash.md §4.4): the options whose usage includes the child URL and
 * whose value differs from the baseline (registry + stream defaults), in registry order, with
 * the resolved availabilityStartTime (and event end) pinned in live mode.
 */
import { formatDateTime } from './codec.js';
import { OPTION_PARAMS, optionRow, type OptionParam, type Options } from './registry.js';
import type { Usage } from './row.js';

/** Never carried: the path holds the mode; relative start/stop live on in `start`/`stop`. */
const NEVER_CARRIED: ReadonlySet<OptionParam> = new Set(['mode', 'startrel', 'stoprel']);

export interface ChildQueryExtras {
  /** Pinned availabilityStartTime (epoch ms), live mode. */
  start?: number | null;
  /** Pinned end instant (epoch ms) of a live event. */
  stop?: number | null;
  /** Values to write whatever the comparison says (e.g. `update`). */
  set?: Partial<Record<OptionParam, string>>;
  omit?: readonly OptionParam[];
}

/** Percent-encoding of `encodeURIComponent`, keeping `:` and `,`. */
const UNRESERVED = /^[\w.!~*'()\-:,]*$/;

export function encodeQueryValue(value: string): string {
  // encodeURIComponent leaves these characters as they are (and `:` `,` are kept anyway)
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/**
 * Which parameters each usage list carries, as flags by index in OPTION_PARAMS: computed once,
 * since a live manifest asks for five child queries per request and the registry has ~90 rows.
 */
const CARRIED = new Map<string, Uint8Array>();

function carriedFor(usage: Usage | readonly Usage[]): Uint8Array {
  const key = typeof usage === 'string' ? usage : usage.join(',');
  let flags = CARRIED.get(key);
  if (!flags) {
    const uses: readonly Usage[] = typeof usage === 'string' ? [usage] : usage;
    flags = Uint8Array.from(OPTION_PARAMS, (param) =>
      !NEVER_CARRIED.has(param) && uses.some((u) => optionRow(param).usage.has(u)) ? 1 : 0,
    );
    CARRIED.set(key, flags);
  }
  return flags;
}

const FORMATS = OPTION_PARAMS.map((p) => {
  const codec = optionRow(p).codec;
  return (value: unknown): string => codec.format(value);
});

/** The registry's parameter list, bound once (read in loops on every request). */
const PARAMS: readonly OptionParam[] = OPTION_PARAMS;
const INDEX = new Map<OptionParam, number>(PARAMS.map((p, i) => [p, i]));
const START = INDEX.get('start')!;
const STOP = INDEX.get('stop')!;

/**
 * The values of an options object in registry order. Options objects are registry-ordered
 * (resolveOptions copies the defaults, then assigns), so one `Object.values` call replaces ~90
 * lookups by name (each slow when the name varies, as in a loop over the registry); an object
 * with its keys in another order is read by name.
 */
export function optionValues(options: Options): readonly unknown[] {
  const keys = Object.keys(options);
  let ordered = keys.length === PARAMS.length;
  for (let i = 0; ordered && i < keys.length; i++) ordered = keys[i] === PARAMS[i];
  return ordered ? Object.values(options) : PARAMS.map((p) => options[p]);
}

/** An ascending list of indices with `index` in it (a copy when it was missing). */
function withIndex(list: readonly number[], index: number): number[] {
  let at = 0;
  while (at < list.length && list[at]! < index) at++;
  if (list[at] === index) return list as number[];
  return [...list.slice(0, at), index, ...list.slice(at)];
}

export type ChildQueryFor = (usage: Usage | readonly Usage[], extras?: ChildQueryExtras) => string;

/**
 * `childQuery` for several usages of one (options, baseline) pair: the options that differ from
 * the baseline are found once, by one pass over the registry, not once per child URL; each
 * query then visits only those and the extras' parameters, in registry order.
 */
export function childQueries(
  options: Options,
  baseline: Options,
  /** `optionValues(options)`, when the caller has read them already. */
  values?: readonly unknown[],
): ChildQueryFor {
  const queries = new ChildQueries(options, baseline, values);
  return (usage, extras = {}) => queries.query(usage, extras);
}

/** A class rather than closures: a live manifest makes one per request. */
class ChildQueries {
  /** Registry indices whose value differs from the baseline, ascending, and their texts. */
  private indices: number[] | null = null;
  private readonly texts = new Map<number, string>();

  constructor(
    private readonly options: Options,
    private readonly baseline: Options,
    private readonly values: readonly unknown[] | undefined,
  ) {}

  private differing(): number[] {
    if (this.indices) return this.indices;
    const indices: number[] = [];
    const values = this.values ?? optionValues(this.options);
    const bases = optionValues(this.baseline);
    for (let i = 0; i < PARAMS.length; i++) {
      const value = values[i];
      const base = bases[i];
      // the same value formats the same: only different values need formatting
      if (value === base) continue;
      const format = FORMATS[i]!;
      const text = format(value);
      if (text === format(base)) continue;
      indices.push(i);
      this.texts.set(i, text);
    }
    return (this.indices = indices);
  }

  query(usage: Usage | readonly Usage[], extras: ChildQueryExtras): string {
    const carried = carriedFor(usage);
    const indices = this.differing();
    const { omit, set } = extras;
    const start = extras.start ?? null;
    const stop = extras.stop ?? null;
    // every parameter that can be written: a differing one, a forced one, a pinned start or stop
    let visit = indices;
    if (set)
      for (const [p, v] of Object.entries(set))
        if (v !== undefined) visit = withIndex(visit, INDEX.get(p as OptionParam)!);
    if (start !== null) visit = withIndex(visit, START);
    if (stop !== null) visit = withIndex(visit, STOP);
    let query = '';
    for (const index of visit) {
      if (carried[index] !== 1) continue;
      const p = PARAMS[index]!;
      if (omit?.includes(p)) continue;
      let text: string | undefined;
      const forced = set?.[p];
      if (forced !== undefined) text = forced;
      else if (index === START && start !== null) text = formatDateTime(start);
      else if (index === STOP && stop !== null) text = formatDateTime(stop);
      else text = this.texts.get(index);
      if (text !== undefined) query += `${query === '' ? '?' : '&'}${p}=${encodeQueryValue(text)}`;
    }
    return query;
  }
}

export function childQuery(
  options: Options,
  baseline: Options,
  usage: Usage | readonly Usage[],
  extras: ChildQueryExtras = {},
): string {
  return childQueries(options, baseline)(usage, extras);
}

/** Canonical query of every non-baseline option (for links and the test matrix). */
export function canonicalQuery(options: Options, baseline: Options): string {
  return childQuery(options, baseline, ['manifest', 'video', 'audio', 'text', 'time', 'html']);
}
