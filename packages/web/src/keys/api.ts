/** The key-store calls of the UI (app.md §4.5): list, read, add, edit and delete content keys. */
import { send } from '../account/api.ts';
import { getJson } from '../streams/api.ts';
export { failureText } from '../account/api.ts';

export type KeyAlg = 'AESCTR' | 'AESCBC';

export interface ContentKey {
  kid: string;
  /** Only for media users (app.md §3.8). */
  key?: string;
  computed: boolean;
  alg: KeyAlg;
  origin: 'manual' | 'indexed' | 'upload' | 'stream';
  fileIds: number[];
  streams: string[];
}

export const listKeys = () => getJson<ContentKey[]>('/api/keys');
export const getKey = (kid: string) => getJson<ContentKey>(`/api/keys/${encodeURIComponent(kid)}`);
export const addKey = (body: { kid: string; key?: string; alg?: KeyAlg }) =>
  send<ContentKey>('POST', '/api/keys', body);
export const updateKey = (kid: string, body: { key?: string | null; alg?: KeyAlg }) =>
  send<ContentKey>('PATCH', `/api/keys/${encodeURIComponent(kid)}`, body);
export const deleteKey = (kid: string) => send<void>('DELETE', `/api/keys/${encodeURIComponent(kid)}`, {});

/** 8-4-4-4-12 form of 32 hex digits (not byte-swapped, drm-events.md §1). */
export const uuidOf = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
