/**
 * Child-URL query strings (dash.md §4.4): the options whose usage includes the child URL and
 * whose value differs from the baseline (registry + stream defaults), in registry order, with
 * the resolved availabilityStartTime (and event end) pinned in live mode.
 */
import { formatDateTime } from './codec.js';
import { OPTION_PARAMS, formatOption, optionRow, type OptionParam, type Options } from './registry.js';
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
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

export function childQuery(
  options: Options,
  baseline: Options,
  usage: Usage | readonly Usage[],
  extras: ChildQueryExtras = {},
): string {
  const uses = typeof usage === 'string' ? [usage] : usage;
  const omit = new Set(extras.omit ?? []);
  const pairs: string[] = [];
  for (const p of OPTION_PARAMS) {
    if (NEVER_CARRIED.has(p) || omit.has(p)) continue;
    const row = optionRow(p);
    if (!uses.some((u) => row.usage.has(u))) continue;
    let text: string | null = null;
    const forced = extras.set?.[p];
    if (forced !== undefined) text = forced;
    else if (p === 'start' && extras.start !== undefined && extras.start !== null)
      text = formatDateTime(extras.start);
    else if (p === 'stop' && extras.stop !== undefined && extras.stop !== null)
      text = formatDateTime(extras.stop);
    else {
      const value = formatOption(p, options[p]);
      if (value !== formatOption(p, baseline[p])) text = value;
    }
    if (text !== null) pairs.push(`${p}=${encodeQueryValue(text)}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** Canonical query of every non-baseline option (for links and the test matrix). */
export function canonicalQuery(options: Options, baseline: Options): string {
  return childQuery(options, baseline, ['manifest', 'video', 'audio', 'text', 'time', 'html']);
}
