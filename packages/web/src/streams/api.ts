/**
 * The streams and media-file calls of the UI (app.md §4.2, §4.4): reads, JSON changes carrying the
 * CSRF token, and uploads through XMLHttpRequest so the page can show upload progress (§5.2).
 */
import {
  ApiRequestError,
  getSession,
  responseFailure,
  type ApiFailure,
  type SessionInfo,
} from '../account/api.ts';
import type { MediaFile, Stream } from '../server-types.ts';

export type { MediaFile, Stream };

export interface SegmentRow {
  index: number;
  start: number | null;
  startSeconds: number | null;
  duration: number | null;
  durationSeconds: number | null;
  pos: number;
  size: number;
}

export interface BoxNode {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
  fields: Record<string, unknown>;
  children?: BoxNode[];
  truncated?: boolean;
  error?: string;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!res.ok) throw new ApiRequestError(await responseFailure(res));
  return (await res.json()) as T;
}

let session: Promise<SessionInfo> | null = null;

/** The session (who is logged in, the CSRF token), fetched once per page. */
export function currentSession(): Promise<SessionInfo> {
  session ??= getSession();
  return session;
}

/** A state-changing JSON request with the CSRF header (app.md §3.5). */
export async function change<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
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
  if (!res.ok) throw new ApiRequestError(await responseFailure(res));
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const streamUrl = (directory: string): string => `/api/streams/${encodeURIComponent(directory)}`;

export interface Upload<T = MediaFile> {
  /** Resolves with the server's answer, or rejects with its error. */
  done: Promise<T>;
  cancel(): void;
}

/**
 * POSTs one file as multipart (one part named `file`) to `url`. `onProgress` follows the bytes
 * sent; once they are all sent the server stores (and for media, indexes) the file before it
 * answers (§5.2).
 */
export function uploadMultipart<T>(
  url: string,
  file: File,
  csrfToken: string,
  onProgress: (sent: number, total: number) => void,
): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const body = xhr.response as T | { error?: ApiFailure } | null;
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        const failure = (body as { error?: ApiFailure } | null)?.error;
        reject(
          new ApiRequestError(
            failure ?? {
              status: xhr.status,
              code: 'internal',
              message: `The server answered ${xhr.status}.`,
            },
          ),
        );
      }
    };
    xhr.onerror = () =>
      reject(
        new ApiRequestError({ status: 0, code: 'network', message: 'The upload failed (network error).' }),
      );
    xhr.onabort = () =>
      reject(new ApiRequestError({ status: 0, code: 'cancelled', message: 'The upload was cancelled.' }));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { done, cancel: () => xhr.abort() };
}

export function formatSeconds(s: number | null): string {
  if (s === null) return '';
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  return `${m}:${String(total % 60).padStart(2, '0')}`;
}

export function formatBitrate(b: number | null): string {
  if (b === null) return '';
  return b >= 1e6 ? `${(b / 1e6).toFixed(2)} Mbit/s` : `${Math.round(b / 1000)} kbit/s`;
}
