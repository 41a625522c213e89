/** XML text helpers for templates: every attribute and text value is escaped (§6.1). */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;

export function escapeXml(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  // Most values (numbers, ids, durations) have nothing to escape: test before replacing.
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? c) : text;
}

/** ` name="value"`, or nothing when the value is undefined or null. */
export function attr(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : ` ${name}="${escapeXml(value)}"`;
}
