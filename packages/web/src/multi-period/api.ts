/**
 * The multi-period calls of the UI (app.md §4.6, drm-events.md §12.2): list, read, save whole,
 * delete, the name/title check and the role table. A 400 keeps its `fields` map (keyed by path,
 * `periods[1].start`) so the editor can put each message under its field.
 */
import { currentSession, getJson } from '../streams/api.ts';

export interface MpsSummary {
  name: string;
  title: string;
  durationSeconds: number;
  periodCount: number;
}

export interface MpsTrack {
  trackId: number;
  contentType?: 'video' | 'audio' | 'text';
  codecs?: string;
  role: string;
  lang: string | null;
  encrypted: boolean;
  encryptedFiles?: boolean;
}

export interface MpsPeriod {
  pid: string;
  stream: string;
  /** Seconds, or text such as `PT4S` while editing. */
  start: number | string;
  duration: number | string | null;
  tracks: MpsTrack[];
}

export interface MpsModel {
  name: string;
  title: string;
  options: Record<string, unknown>;
  durationSeconds: number;
  periods: MpsPeriod[];
  createdAt: string;
  updatedAt: string;
}

export type ContentRoles = Record<string, string[]>;

export class MpsSaveError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string>,
  ) {
    super(message);
  }
}

export const mpsUrl = (name: string): string => `/api/multi-period-streams/${encodeURIComponent(name)}`;

export const listMps = (): Promise<MpsSummary[]> => getJson<MpsSummary[]>('/api/multi-period-streams');
export const getMps = (name: string): Promise<MpsModel> => getJson<MpsModel>(mpsUrl(name));
export const contentRoles = (): Promise<ContentRoles> => getJson<ContentRoles>('/api/ContentRoles.json');

async function request<T>(method: 'POST' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const { csrfToken } = await currentSession();
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: {
      'x-csrf-token': csrfToken,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  let error: { message?: string; field?: string; fields?: Record<string, string> } = {};
  try {
    error = ((await res.json()) as { error?: typeof error }).error ?? {};
  } catch {
    /* not JSON */
  }
  const fields = error.fields ?? (error.field ? { [error.field]: error.message ?? '' } : {});
  throw new MpsSaveError(error.message ?? `The server answered ${res.status}.`, res.status, fields);
}

/** Create (`current` null) or replace whole; the answer carries the snapped starts. */
export const saveMps = (current: string | null, body: unknown): Promise<MpsModel> =>
  request<MpsModel>('POST', current === null ? '/api/multi-period-streams' : mpsUrl(current), body);

export const deleteMps = (name: string): Promise<void> => request<void>('DELETE', mpsUrl(name));

export const checkNameTitle = (body: {
  name?: string;
  title?: string;
  id?: string;
}): Promise<{ errors: { name?: string; title?: string } }> =>
  request('POST', '/api/multi-period-streams.validate', body);
