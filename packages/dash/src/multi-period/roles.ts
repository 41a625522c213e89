/**
 * The 15 DASH roles of multi-period tracks and the content types each suits (drm-events.md §12.9,
 * ISO/IEC 23009-1 §5.8.5.5). One registry: `/api/ContentRoles.json`, validation and the editor's
 * role select all read it.
 */

export type ContentType = 'video' | 'audio' | 'text' | 'application';

const V: ContentType = 'video';
const A: ContentType = 'audio';
const T: ContentType = 'text';
const X: ContentType = 'application';

/** Role → content types, in the order of §12.9 (keys) and video, audio, text, application (values). */
export const CONTENT_ROLES = {
  main: [V, A, T, X],
  alternate: [V, A, T, X],
  supplementary: [V, A, T, X],
  caption: [V, T],
  subtitle: [V, T],
  commentary: [A, T],
  dub: [A, T],
  description: [A, T],
  sign: [V],
  metadata: [T, X],
  'enhanced-audio-intelligibility': [A],
  emergency: [V, A, T, X],
  'forced-subtitle': [T],
  easyreader: [V, T],
  karaoke: [V, A, T, X],
} as const satisfies Record<string, readonly ContentType[]>;

export type Role = keyof typeof CONTENT_ROLES;

export const ROLES = Object.keys(CONTENT_ROLES) as Role[];

/**
 * A role name as sent by a client: the DASH value, or dash-live's underscore spelling in any case
 * (`FORCED_SUBTITLE`, §12.2); null when it is none of the 15.
 */
export function normalizeRole(text: string): Role | null {
  const name = text.trim().toLowerCase().replace(/_/g, '-');
  return (ROLES as string[]).includes(name) ? (name as Role) : null;
}

export function roleSuits(role: Role, contentType: 'video' | 'audio' | 'text'): boolean {
  return (CONTENT_ROLES[role] as readonly ContentType[]).includes(contentType);
}
