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

const INDEX = new Map<OptionParam, number>(OPTION_PARAMS.map((p, i) => [p, i]));
const START = INDEX.get('start')!;
const STOP = INDEX.get('stop')!;

export type ChildQueryFor = (usage: Usage | readonly Usage[], extras?: ChildQueryExtras) => string;

/**
 * `childQuery` for several usages of one (options, baseline) pair: the options that differ from
 * the baseline are found once, by one pass over the registry, not once per child URL; each
 * query then visits only those and the extras' parameters, in registry order.
 */
export function childQueries(options: Options, baseline: Options): ChildQueryFor {
  /** Registry indices whose value differs from the baseline, ascending, and their texts. */
  let differing: { indices: number[]; texts: Map<number, string> } | null = null;
  const differ = (): { indices: number[]; texts: Map<number, string> } => {
    if (differing) return differing;
    const indices: number[] = [];
    const texts = new Map<number, string>();
    for (let i = 0; i < OPTION_PARAMS.length; i++) {
      const p = OPTION_PARAMS[i]!;
      const value = options[p];
      const base = baseline[p];
      // the same value formats the same: only different values need formatting
      if (value === base) continue;
      const format = FORMATS[i]!;
      const text = format(value);
      if (text === format(base)) continue;
      indices.push(i);
      texts.set(i, text);
    }
    return (differing = { indices, texts });
  };
  return (usage, extras = {}) => {
    const carried = carriedFor(usage);
    const { indices, texts } = differ();
    const { omit, set } = extras;
    const start = extras.start ?? null;
    const stop = extras.stop ?? null;
    // every parameter that can be written: a differing one, a forced one, a pinned start or stop
    let visit = indices;
    if (set || start !== null || stop !== null) {
      const more = new Set(indices);
      if (set)
        for (const [p, v] of Object.entries(set)) if (v !== undefined) more.add(INDEX.get(p as OptionParam)!);
      if (start !== null) more.add(START);
      if (stop !== null) more.add(STOP);
      visit = [...more].sort((a, b) => a - b);
    }
    let query = '';
    for (const index of visit) {
      if (carried[index] !== 1) continue;
      const p = OPTION_PARAMS[index]!;
      if (omit?.includes(p)) continue;
      let text: string | undefined;
      const forced = set?.[p];
      if (forced !== undefined) text = forced;
      else if (index === START && start !== null) text = formatDateTime(start);
      else if (index === STOP && stop !== null) text = formatDateTime(stop);
      else text = texts.get(index);
      if (text !== undefined) query += `${query === '' ? '?' : '&'}${p}=${encodeQueryValue(text)}`;
    }
    return query;
  };
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
