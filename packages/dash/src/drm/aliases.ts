/**
 * dash-live's single-underscore licence-URL parameters (drm-events.md §3.3): accepted as aliases
 * of the registry options, overriding them when both are given; child URLs carry the canonical
 * double-underscore names because the value lands in the registry option.
 */
const ALIASES: Readonly<Record<string, string>> = {
  clearkey_la_url: 'clearkey__la_url',
  playready_la_url: 'playready__la_url',
  marlin_la_url: 'marlin__la_url',
};

/** The query entries with every alias replaced by its option (the alias wins). */
export function withDrmAliases(entries: Map<string, string>): Map<string, string> {
  for (const [alias, option] of Object.entries(ALIASES)) {
    const value = entries.get(alias);
    if (value === undefined) continue;
    entries.delete(alias);
    entries.set(option, value);
  }
  return entries;
}
