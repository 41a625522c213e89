/**
 * The user-management calls of the UI (app.md §4.3): admins list, create, change and delete
 * accounts. Changes go through `send`, which carries the CSRF token (§3.5); a 401 sends the browser
 * to the login page (§9.1).
 */
import { ApiRequestError, send } from '../account/api.ts';
export { failureText } from '../account/api.ts';
import { getJson } from '../streams/api.ts';

export type Group = 'admin' | 'media' | 'user';
export const GROUPS: readonly Group[] = ['admin', 'media', 'user'];

export interface User {
  id: number;
  username: string;
  email: string | null;
  groups: Group[];
  mustChange: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface UserChanges {
  username?: string;
  email?: string | null;
  password?: string;
  groups?: Group[];
  mustChange?: boolean;
}

export const loginPath = (): string =>
  `/login?next=${encodeURIComponent(location.pathname + location.search)}`;

/** Sends the browser to the login page on 401, and rethrows everything else. */
export function handleAuthFailure(err: unknown): never {
  if (err instanceof ApiRequestError && err.failure.status === 401) location.assign(loginPath());
  throw err;
}

export const listUsers = (): Promise<User[]> => getJson<User[]>('/api/users');

export const createUser = (body: UserChanges & { username: string; password: string; groups: Group[] }) =>
  send<User>('POST', '/api/users', body).catch(handleAuthFailure);

export const updateUser = (id: number, body: UserChanges) =>
  send<User>('PATCH', `/api/users/${id}`, body).catch(handleAuthFailure);

export const deleteUser = (id: number) =>
  send<void>('DELETE', `/api/users/${id}`, {}).catch(handleAuthFailure);
