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

interface Carried {
  param: OptionParam;
  /** Index in OPTION_PARAMS. */
  index: number;
}

/**
 * The carried parameters of each usage list, in registry order: computed once, since a live
 * manifest asks for five child queries per request and the registry has ~90 rows.
 */
const CARRIED = new Map<string, readonly Carried[]>();

function carriedFor(uses: readonly Usage[]): readonly Carried[] {
  const key = uses.join(',');
  let list = CARRIED.get(key);
  if (!list) {
    list = OPTION_PARAMS.flatMap((param, index) =>
      !NEVER_CARRIED.has(param) && uses.some((u) => optionRow(param).usage.has(u)) ? [{ param, index }] : [],
    );
    CARRIED.set(key, list);
  }
  return list;
}

const FORMATS = OPTION_PARAMS.map((p) => {
  const codec = optionRow(p).codec;
  return (value: unknown): string => codec.format(value);
});

export type ChildQueryFor = (usage: Usage | readonly Usage[], extras?: ChildQueryExtras) => string;

/**
 * `childQuery` for several usages of one (options, baseline) pair: the options that differ from
 * the baseline are found once, by one pass over the registry, not once per child URL.
 */
export function childQueries(options: Options, baseline: Options): ChildQueryFor {
  let differing: (string | null)[] | null = null;
  const differ = (): (string | null)[] =>
    (differing ??= OPTION_PARAMS.map((p, i) => {
      const value = options[p];
      const base = baseline[p];
      // the same value formats the same: only different values need formatting
      if (value === base) return null;
      const format = FORMATS[i]!;
      const text = format(value);
      return text === format(base) ? null : text;
    }));
  return (usage, extras = {}) => {
    const carried = carriedFor(typeof usage === 'string' ? [usage] : usage);
    const texts = differ();
    const omit = extras.omit;
    const set = extras.set;
    let query = '';
    for (const { param: p, index } of carried) {
      if (omit?.includes(p)) continue;
      let text: string | null;
      const forced = set?.[p];
      if (forced !== undefined) text = forced;
      else if (p === 'start' && extras.start !== undefined && extras.start !== null)
        text = formatDateTime(extras.start);
      else if (p === 'stop' && extras.stop !== undefined && extras.stop !== null)
        text = formatDateTime(extras.stop);
      else text = texts[index]!;
      if (text !== null) query += `${query === '' ? '?' : '&'}${p}=${encodeQueryValue(text)}`;
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
