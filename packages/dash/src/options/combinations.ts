/**
 * The test matrix (dash.md §4.7): canonical query strings for "every variant" of a template,
 * from the registry choices of the options it supports, after restrictions and resets.
 */
import type { Mode, TemplateEntry } from '../templates/registry.js';
import { canonicalQuery } from './child-url.js';
import { resolveOptions } from './parse.js';
import { OPTION_PARAMS, optionRow, type OptionParam } from './registry.js';

const EXCLUDED: ReadonlySet<string> = new Set([
  'abr',
  'bugs',
  'leeway',
  'mode',
  'mup',
  'time',
  'thumbnails',
  'merr',
  'verr',
  'aerr',
  'terr',
  'failures',
  'statuscode',
  'vcorrupt',
  'frames',
  'baseurls',
  'outage',
  'outage__code',
  'outage__hang',
  'outage__slow',
  'delay',
  'rate',
  'segtimelineloss',
  'stop',
  'startrel',
  'stoprel',
  'periods',
  'continuous',
  'drm',
]);
const SIMPLIFIED_DROP: ReadonlySet<string> = new Set([
  'start',
  'base',
  'drift',
  'patch',
  'playready__la_url',
  'playready__piff',
  'playready__version',
  'playready__header',
]);
const NOT_OUTSIDE_LIVE: ReadonlySet<string> = new Set(['drift', 'mup', 'depth']);

export interface CombinationOptions {
  simplified?: boolean;
  /** Option parameters to vary; overrides the exclusions. */
  only?: readonly string[];
}

function choiceValues(p: OptionParam): string[] {
  return (optionRow(p).choices ?? []).map((c) => c.value).filter((v) => v !== '' && v !== 'none');
}

function drmAxis(mode: Mode): string[] {
  const locs = ['pro', 'cenc', 'moov', 'cenc-pro', 'moov-pro', 'cenc-moov'].filter(
    (l) => mode !== 'odvod' || !l.includes('moov'),
  );
  const out = ['none'];
  for (const s of ['all', 'clearkey', 'marlin', 'playready', 'widevine']) {
    out.push(s, ...locs.map((l) => `${s}-${l}`));
  }
  out.push('all,widevine');
  return out;
}

export function* supportedCombinations(
  template: TemplateEntry,
  mode: Mode,
  opts: CombinationOptions = {},
): Generator<string> {
  const axes: [OptionParam, string[]][] = [];
  for (const p of OPTION_PARAMS) {
    const row = optionRow(p);
    if (opts.only) {
      if (!opts.only.includes(p)) continue;
    } else {
      const supported = template.features.has(row.fullName) || p in template.restrictions;
      if (!supported || EXCLUDED.has(p)) continue;
      if (opts.simplified && SIMPLIFIED_DROP.has(p)) continue;
    }
    if (mode !== 'live' && NOT_OUTSIDE_LIVE.has(p)) continue;
    const values = choiceValues(p);
    if (values.length > 0) axes.push([p, values]);
  }
  const drmRestricted = template.restrictions.drm?.length === 1 && template.restrictions.drm[0] === 'none';
  if (!drmRestricted && template.features.has('drmSelection') && (!opts.only || opts.only.includes('drm'))) {
    axes.push(['drm', drmAxis(mode)]);
  }
  const seen = new Set<string>();
  const counters = axes.map(() => 0);
  for (;;) {
    const query: Record<string, string> = {};
    axes.forEach(([p, values], i) => (query[p] = values[counters[i]!]!));
    const r = resolveOptions({ query, mode, kind: 'manifest', template });
    if (r.issues.length === 0) {
      const q = canonicalQuery(r.options, r.baseline);
      if (!seen.has(q)) {
        seen.add(q);
        yield q;
      }
    }
    let i = 0;
    while (i < axes.length) {
      counters[i]!++;
      if (counters[i]! < axes[i]![1].length) break;
      counters[i] = 0;
      i++;
    }
    if (i === axes.length) return;
  }
}
