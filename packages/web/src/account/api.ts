/**
 * The account calls of the UI (app.md §3.4, §3.5, §4.3): the session (which also hands out the
 * CSRF token for the cookie), and JSON requests that carry it in `X-CSRF-Token`. The browser holds
 * no bearer token; the login lives in an HttpOnly cookie.
 */
export interface SessionUser {
  id: number;
  username: string;
  email: string | null;
  groups: ('admin' | 'media' | 'user')[];
  mustChange: boolean;
}

export interface SessionInfo {
  user: SessionUser | null;
  permissions: { media: boolean; admin: boolean };
  mustChange: boolean;
  csrfToken: string;
}

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  field?: string;
}

export class ApiRequestError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

let csrfToken = '';

/** The error envelope of a failed answer (app.md §1), or a sentence naming its status. */
export async function responseFailure(res: Response): Promise<ApiFailure> {
  try {
    const body = (await res.json()) as { error?: ApiFailure };
    if (body.error) return body.error;
  } catch {
    /* not JSON */
  }
  return { status: res.status, code: 'internal', message: `The server answered ${res.status}.` };
}

export async function getSession(): Promise<SessionInfo> {
  const res = await fetch('/api/auth/session', { credentials: 'same-origin' });
  if (!res.ok) throw new ApiRequestError(await responseFailure(res));
  const info = (await res.json()) as SessionInfo;
  csrfToken = info.csrfToken;
  return info;
}

/** A state-changing JSON request; a SessionInfo answer refreshes the CSRF token (it changes at login). */
export async function send<T>(method: 'POST' | 'PATCH' | 'DELETE', url: string, body: unknown): Promise<T> {
  if (!csrfToken) await getSession();
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new ApiRequestError(await responseFailure(res));
  if (res.status === 204) return undefined as T;
  const data = (await res.json()) as T;
  const token = (data as { csrfToken?: unknown }).csrfToken;
  if (typeof token === 'string' && token) csrfToken = token;
  return data;
}

/** Only same-site paths are followed after a login, never another origin (open redirect). */
export function nextPath(search: string, fallback = '/'): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

/** A failure's sentence and the field it names, for showing next to the form. */
export function failureText(err: unknown): { message: string; field?: string } {
  if (err instanceof ApiRequestError) return { message: err.failure.message, field: err.failure.field };
  return { message: 'The server could not be reached.' };
}
