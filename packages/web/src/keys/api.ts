/** The key-store calls of the UI (app.md §4.5): list, read, add, edit and delete content keys. */
import { ApiRequestError, send, type ApiFailure } from '../account/api.ts';

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

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) {
    let failure: ApiFailure = {
      status: res.status,
      code: 'internal',
      message: `The server answered ${res.status}.`,
    };
    try {
      failure = ((await res.json()) as { error: ApiFailure }).error;
    } catch {
      /* not JSON */
    }
    throw new ApiRequestError(failure);
  }
  return (await res.json()) as T;
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

export function failureOf(err: unknown): { message: string; field?: string } {
  if (err instanceof ApiRequestError) return { message: err.failure.message, field: err.failure.field };
  return { message: 'The server could not be reached.' };
}
