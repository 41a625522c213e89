/**
 * `/login` (app.md §3.4, §9.2): user name and password. An account that must change its password
 * goes to `/change-password` first (§3.3); otherwise to `?next=` (same-site paths only) or home.
 */
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { ApiRequestError, getSession, nextPath, send, type SessionInfo } from './api.ts';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ready, setReady] = useState(false);
  useReadyMarker(ready);

  useEffect(() => {
    // Fetching the session sets the cookie whose CSRF token protects the login itself (§3.5).
    getSession()
      .catch(() => undefined)
      .finally(() => setReady(true));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await send<SessionInfo>('POST', '/api/auth/login', { username, password });
      const next = nextPath(location.search);
      location.assign(info.mustChange ? `/change-password?next=${encodeURIComponent(next)}` : next);
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.failure.message : 'The server could not be reached.');
      setBusy(false);
    }
  };

  return (
    <Page>
      <PageTitle title="Log in" />
      <form class="account-form" onSubmit={(e) => void submit(e)}>
        <label>
          User name
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" aria-busy={busy} disabled={busy || !ready}>
          Log in
        </button>
      </form>
    </Page>
  );
}
