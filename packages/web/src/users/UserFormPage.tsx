/**
 * `/users/.add` and `/users/{username}` (app.md §9.2, admins): user name, e-mail, password, groups
 * and must-change. Adding starts with must-change ticked (§3.3); editing sends only what changed
 * and a new password only when one is typed (a reset: the user's logins and tokens end, §3.4,
 * §3.7). Delete asks for confirmation. The server's 400/409 sentences are shown next to the field
 * they name (the last admin cannot be demoted or removed).
 */
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import {
  GROUPS,
  createUser,
  deleteUser,
  failureText,
  listUsers,
  updateUser,
  type Group,
  type User,
} from './api.ts';
import './users.css';

interface Draft {
  username: string;
  email: string;
  password: string;
  groups: Group[];
  mustChange: boolean;
}

const EMPTY: Draft = { username: '', email: '', password: '', groups: ['user'], mustChange: true };

const draftOf = (u: User): Draft => ({
  username: u.username,
  email: u.email ?? '',
  password: '',
  groups: u.groups,
  mustChange: u.mustChange,
});

/** `match[1]` is the user name of `/users/{username}`; absent for `/users/.add`. */
export function UserFormPage({ match }: { match: RegExpExecArray }) {
  const wanted = match[1] === undefined ? null : decodeURIComponent(match[1]);
  const adding = wanted === null;
  const [user, setUser] = useState<User | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [loaded, setLoaded] = useState(adding);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useReadyMarker(loaded || error !== null);

  useEffect(() => {
    if (adding) return;
    listUsers()
      .then((users) => {
        const found = users.find((u) => u.username.toLowerCase() === wanted.toLowerCase());
        if (!found) setError({ message: `There is no user named ${wanted}.` });
        else {
          setUser(found);
          setDraft(draftOf(found));
        }
        setLoaded(true);
      })
      .catch((e: unknown) => setError(failureText(e)));
  }, []);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggleGroup = (g: Group, on: boolean) =>
    set(
      'groups',
      on ? GROUPS.filter((x) => x === g || draft.groups.includes(x)) : draft.groups.filter((x) => x !== g),
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      if (adding) {
        await createUser({
          username: draft.username,
          email: draft.email.trim() === '' ? null : draft.email,
          password: draft.password,
          groups: draft.groups,
          mustChange: draft.mustChange,
        });
        location.assign('/users');
        return;
      }
      if (!user) return;
      const changes: Record<string, unknown> = {};
      if (draft.username !== user.username) changes.username = draft.username;
      const email = draft.email.trim() === '' ? null : draft.email;
      if (email !== user.email) changes.email = email;
      if (draft.password !== '') changes.password = draft.password;
      if (draft.groups.join() !== user.groups.join()) changes.groups = draft.groups;
      if (draft.mustChange !== user.mustChange) changes.mustChange = draft.mustChange;
      const updated = await updateUser(user.id, changes);
      setUser(updated);
      setDraft(draftOf(updated));
      setSaved(changes.password !== undefined ? 'Saved; the password was reset.' : 'Saved.');
      if (updated.username !== wanted)
        history.replaceState(null, '', `/users/${encodeURIComponent(updated.username)}`);
    } catch (e) {
      setError(failureText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!user) return;
    setConfirmDelete(false);
    try {
      await deleteUser(user.id);
      location.assign('/users');
    } catch (e) {
      setError(failureText(e));
    }
  };

  const fieldError = (field: string) =>
    error?.field === field ? (
      <small class="field-error" id={`${field}-error`}>
        {error.message}
      </small>
    ) : null;
  const title = adding ? 'Add user' : (user?.username ?? wanted);

  return (
    <Page>
      <PageTitle
        title={title}
        crumbs={[
          { label: 'Home', href: '/' },
          { label: 'Users', href: '/users' },
        ]}
      />
      {!loaded && !error && <p aria-busy="true">Loading…</p>}
      {(adding || user) && (
        <form class="user-form" onSubmit={(e) => void submit(e)}>
          <label>
            User name
            <input
              name="username"
              required
              maxLength={32}
              pattern="[A-Za-z0-9][A-Za-z0-9._@\-]*"
              autocomplete="off"
              value={draft.username}
              aria-invalid={error?.field === 'username' ? true : undefined}
              onInput={(e) => set('username', e.currentTarget.value)}
            />
            {fieldError('username')}
          </label>
          <label>
            E-mail <small>(optional)</small>
            <input
              name="email"
              type="email"
              autocomplete="off"
              value={draft.email}
              aria-invalid={error?.field === 'email' ? true : undefined}
              onInput={(e) => set('email', e.currentTarget.value)}
            />
            {fieldError('email')}
          </label>
          <label>
            {adding ? 'Password' : 'New password (leave empty to keep the current one)'}
            <input
              name="password"
              type="password"
              autocomplete="new-password"
              required={adding}
              minLength={8}
              value={draft.password}
              aria-invalid={error?.field === 'password' ? true : undefined}
              onInput={(e) => set('password', e.currentTarget.value)}
            />
            {fieldError('password')}
          </label>
          <fieldset>
            <legend>Groups</legend>
            {GROUPS.map((g) => (
              <label key={g}>
                <input
                  type="checkbox"
                  name={`group-${g}`}
                  checked={draft.groups.includes(g)}
                  onChange={(e) => toggleGroup(g, e.currentTarget.checked)}
                />
                {g}
              </label>
            ))}
            {fieldError('groups')}
          </fieldset>
          <label>
            <input
              type="checkbox"
              role="switch"
              name="mustChange"
              checked={draft.mustChange}
              onChange={(e) => set('mustChange', e.currentTarget.checked)}
            />
            Must change the password at the next login
          </label>
          {error && !error.field && (
            <p class="form-error" role="alert">
              {error.message}
            </p>
          )}
          {saved && <p role="status">{saved}</p>}
          <div class="form-actions">
            <button type="submit" aria-busy={busy} disabled={busy}>
              {adding ? 'Create user' : 'Save'}
            </button>
            <a href="/users" role="button" class="secondary outline">
              Cancel
            </a>
          </div>
          {user &&
            (confirmDelete ? (
              <p role="group" aria-label="Confirm deletion">
                Delete {user.username} and all of their tokens?{' '}
                <button type="button" class="small contrast" onClick={() => void remove()}>
                  Delete
                </button>{' '}
                <button type="button" class="small secondary outline" onClick={() => setConfirmDelete(false)}>
                  Cancel
                </button>
              </p>
            ) : (
              <p>
                <button type="button" class="small secondary outline" onClick={() => setConfirmDelete(true)}>
                  Delete this user
                </button>
              </p>
            ))}
        </form>
      )}
      {!adding && !user && error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
    </Page>
  );
}
