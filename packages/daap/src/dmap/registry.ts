// Lookups derived from the one registry in content-codes.ts (daap.md §3.1). Nothing here adds
// facts; it only indexes the rows.

import { CONTENT_CODES, type ContentCode, type ItemFieldName } from './content-codes.js';
import { widthOf, type DmapType } from './types.js';

const byCode = new Map<string, ContentCode>();
const byName = new Map<string, ContentCode>();
for (const c of CONTENT_CODES) byCode.set(c.code, c);
// Listed codes win a name lookup over unlisted ones that repeat a name (§3.1).
for (const pass of [true, false]) {
  for (const c of CONTENT_CODES) {
    if (c.listed !== pass) continue;
    for (const n of [c.name, ...c.aliases]) if (!byName.has(n)) byName.set(n, c);
  }
}

export function codeInfo(code: string): ContentCode | undefined {
  return byCode.get(code);
}

/** Look a code up by canonical dotted name or alias. */
export function codeByName(name: string): ContentCode | undefined {
  return byName.get(name);
}

/** The wire type of a code the encoder may write; throws for unknown or decode-only codes. */
export function emitType(code: string): DmapType {
  const c = byCode.get(code);
  if (!c || c.type === 'decode-only') throw new RangeError(`DMAP code not sendable: ${code}`);
  return c.type;
}

export function emitWidth(code: string): 1 | 2 | 4 | 8 | 'n' {
  return widthOf(emitType(code));
}

/** Item-field codes in canonical order (§5.1; mikd and miid are written first by the encoder). */
export const ITEM_FIELD_CODES: readonly ContentCode[] = Object.freeze(
  CONTENT_CODES.filter((c) => c.field !== undefined && c.type !== 'decode-only').sort(
    (a, b) => (a.order ?? 0) - (b.order ?? 0),
  ),
);

const fieldToCodes = new Map<ItemFieldName, ContentCode[]>();
for (const c of ITEM_FIELD_CODES) {
  if (c.field === undefined) continue;
  const list = fieldToCodes.get(c.field) ?? [];
  list.push(c);
  fieldToCodes.set(c.field, list);
}

export function codesForField(field: ItemFieldName): readonly ContentCode[] {
  return fieldToCodes.get(field) ?? [];
}

export function listedCodes(): readonly ContentCode[] {
  return CONTENT_CODES.filter((c) => c.listed).sort((a, b) =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
  );
}

export { CONTENT_CODES };
export type { ContentCode, ItemFieldName };
