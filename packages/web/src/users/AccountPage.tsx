/**
 * `/account` (app.md §9.2): the caller's e-mail, a link to change the password, the caller's
 * tokens (listed without secrets, revocable; media users create upload tokens, shown once) and
 * "log out everywhere" (every login and token of the account ends, §3.4, §3.7).
 */
import { useEffect, useState } from 'preact/hooks';
import { getSession, send, type SessionInfo } from '../account/api.ts';
import { useResource } from '../resource.ts';
import { Page, PageTitle } from '../shell.tsx';
import { getJson } from '../streams/api.ts';
import { failureText, handleAuthFailure, loginPath } from './api.ts';
import './users.css';

interface TokenInfo {
  id: number;
  kind: 'access' | 'upload';
  prefix: string;
  description: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

const when = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : 'never');

const listTokens = (): Promise<TokenInfo[]> => getJson<TokenInfo[]>('/api/tokens');

export function AccountPage() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  // fetched once the session shows someone is logged in
  const { value: tokens, error, setError, reload } = useResource(listTokens, { onMount: false });
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  useEffect(() => {
    getSession()
      .then((info) => {
        if (!info.user) {
          location.assign(loginPath());
          return;
        }
        setSession(info);
        setEmail(info.user.email ?? '');
        return reload();
      })
      .catch((e: unknown) => setError(failureText(e).message));
  }, []);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setMessage(null);
    try {
      await what();
      setMessage(done);
    } catch (e) {
      try {
        handleAuthFailure(e);
      } catch (err) {
        setError(failureText(err).message);
      }
    }
  };
  const saveEmail = (event: Event) => {
    event.preventDefault();
    void act(
      () => send('PATCH', '/api/auth/account', { email: email.trim() === '' ? null : email }),
      'E-mail saved.',
    );
  };
  const createToken = () =>
    act(async () => {
      const res = await send<{ token: string }>('POST', '/api/tokens', {
        kind: 'upload',
        description: 'account page',
      });
      setCreated(res.token);
      await reload();
    }, 'Upload token created; it is shown once below.');
  const revoke = (t: TokenInfo) =>
    act(async () => {
      await send('DELETE', `/api/tokens/${t.id}`, {});
      await reload();
    }, `Token ${t.prefix}… revoked.`);
  const everywhere = () =>
    act(async () => {
      await send('POST', '/api/auth/logout', { everywhere: true });
      location.assign('/login');
    }, 'Logged out everywhere.');

  const user = session?.user;
  return (
    <Page>
      <PageTitle title="Account" crumbs={[{ label: 'Home', href: '/' }]} />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {user && (
        <>
          <p>
            Logged in as <strong>{user.username}</strong> ({user.groups.join(', ')}).{' '}
            <a href="/change-password">Change password</a>
          </p>
          <form class="user-form" onSubmit={saveEmail}>
            <label>
              E-mail <small>(optional)</small>
              <input
                name="email"
                type="email"
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            </label>
            <button type="submit">Save e-mail</button>
          </form>
          <h2>Tokens</h2>
          {session.permissions.media && (
            <p>
              <button
                type="button"
                class="secondary"
                id="create-upload-token"
                onClick={() => void createToken()}
              >
                Create upload token
              </button>
            </p>
          )}
          {created && (
            <div data-testid="new-token">
              <p>This token is shown once; copy it now.</p>
              <pre>
                <code>{`npx loopcast upload --host ${location.origin} --token ${created} streams.json`}</code>
              </pre>
            </div>
          )}
          {tokens && tokens.length === 0 && <p>No tokens.</p>}
          {tokens && tokens.length > 0 && (
            <div class="overflow-auto">
              <table class="users-table striped">
                <thead>
                  <tr>
                    <th scope="col">Token</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Description</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id} data-token={t.id}>
                      <td>
                        <code>{t.prefix}…</code>
                      </td>
                      <td>{t.kind}</td>
                      <td>{t.description || '–'}</td>
                      <td>{when(t.createdAt)}</td>
                      <td>{when(t.expiresAt)}</td>
                      <td>{when(t.lastUsedAt)}</td>
                      <td class="actions">
                        <button type="button" class="small secondary outline" onClick={() => void revoke(t)}>
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Everywhere</h2>
          <p>Ends every login of this account on every device and revokes all of its tokens.</p>
          <button type="button" class="contrast" id="logout-everywhere" onClick={() => void everywhere()}>
            Log out everywhere
          </button>
        </>
      )}
    </Page>
  );
}
