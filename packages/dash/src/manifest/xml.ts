/** XML text helpers for templates: every attribute and text value is escaped (§6.1). */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** ` name="value"`, or nothing when the value is undefined or null. */
export function attr(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : ` ${name}="${escapeXml(value)}"`;
}
