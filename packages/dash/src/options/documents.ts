/** `/api/cgiOptions` and `/api/manifests` (dash.md §3.6), generated from the two registries. */
import { TEMPLATES, TEMPLATE_NAMES } from '../templates/registry.js';
import { OPTION_PARAMS, optionRow } from './registry.js';
import type { Usage } from './row.js';

export interface CgiOptionEntry {
  name: string;
  shortName: string;
  param: string;
  title: string;
  featured: boolean;
  description: string;
  syntax: string;
  /** `[description, "param=value"]` per choice. */
  options: [string, string][];
  usage: Usage[];
  default: string;
  group: string;
}

export function cgiOptionsDocument(): CgiOptionEntry[] {
  return OPTION_PARAMS.map((p) => {
    const row = optionRow(p);
    return {
      name: row.fullName,
      shortName: row.shortName,
      param: row.param,
      title: row.title,
      featured: row.featured,
      description: row.description,
      syntax: row.syntax,
      options: (row.choices ?? []).map((c): [string, string] => [c.description, `${row.param}=${c.value}`]),
      usage: [...row.usage],
      default: row.codec.format(row.default),
      group: row.group,
    };
  });
}

export interface ManifestEntry {
  name: string;
  title: string;
  features: string[];
  restrictions: Record<string, string[]>;
}

export function manifestsDocument(): Record<string, ManifestEntry> {
  const out: Record<string, ManifestEntry> = {};
  for (const name of TEMPLATE_NAMES) {
    const t = TEMPLATES[name];
    const restrictions: Record<string, string[]> = {};
    if (name !== 'hand_made') restrictions.mode = [...t.modes];
    for (const [k, v] of Object.entries(t.restrictions)) restrictions[k] = [...v];
    out[`${name}.mpd`] = { name, title: t.title, features: [...t.features], restrictions };
  }
  return out;
}
