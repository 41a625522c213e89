/**
 * `/change-password` (app.md §3.2, §3.3): the current password and a new one typed twice. The first
 * admin and accounts created by an admin land here before anything else works. A visitor who is
 * not logged in is sent to `/login`.
 */
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { ApiRequestError, getSession, nextPath, send, type SessionInfo } from './api.ts';

export function ChangePasswordPage() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useReadyMarker(session !== null);

  useEffect(() => {
    getSession()
      .then((info) => {
        if (!info.user) location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
        else setSession(info);
      })
      .catch(() => setError({ message: 'The server could not be reached.' }));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (next !== again) {
      setError({ message: 'The two new passwords differ.', field: 'again' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await send<SessionInfo>('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
      location.assign(nextPath(location.search));
    } catch (err) {
      setError(
        err instanceof ApiRequestError
          ? { message: err.failure.message, ...(err.failure.field ? { field: err.failure.field } : {}) }
          : { message: 'The server could not be reached.' },
      );
      setBusy(false);
    }
  };

  const invalid = (field: string) => (error?.field === field ? true : undefined);
  return (
    <Page>
      <PageTitle title="Change password" />
      {session?.mustChange && <p>Choose a new password before you continue.</p>}
      <form class="account-form" onSubmit={(e) => void submit(e)}>
        {session?.user && (
          <input type="hidden" name="username" autocomplete="username" value={session.user.username} />
        )}
        <label>
          Current password
          <input
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            required
            aria-invalid={invalid('currentPassword')}
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <label>
          New password
          <input
            name="newPassword"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            maxLength={256}
            aria-invalid={invalid('newPassword')}
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
          <small>8–256 characters, not your user name.</small>
        </label>
        <label>
          New password again
          <input
            name="again"
            type="password"
            autocomplete="new-password"
            required
            aria-invalid={invalid('again')}
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" aria-busy={busy} disabled={busy || !session}>
          Change password
        </button>
      </form>
    </Page>
  );
}
