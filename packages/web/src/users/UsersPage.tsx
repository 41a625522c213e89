/**
 * `/users` (app.md §9.2, admins): every account with its e-mail, groups, must-change flag and last
 * login; links to add and edit; delete with a confirmation. The server refuses to delete the caller
 * or the last admin (§4.3) and the page shows its sentence.
 */
import { useState } from 'preact/hooks';
import { useResource } from '../resource.ts';
import { Page, PageTitle } from '../shell.tsx';
import { deleteUser, listUsers, type User } from './api.ts';
import './users.css';

export const userPath = (u: Pick<User, 'username'>): string => `/users/${encodeURIComponent(u.username)}`;

const when = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : 'never');

export function UsersPage() {
  const { value: users, error, mutate } = useResource(listUsers);
  const [confirming, setConfirming] = useState<User | null>(null);

  const remove = (u: User) => {
    setConfirming(null);
    return mutate(() => deleteUser(u.id));
  };

  return (
    <Page>
      <PageTitle title="Users" crumbs={[{ label: 'Home', href: '/' }]} />
      <p>
        <a href="/users/.add" role="button" id="add-user">
          Add user
        </a>
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {users === null && !error && <p aria-busy="true">Loading users…</p>}
      {users && (
        <div class="overflow-auto">
          <table class="users-table striped">
            <thead>
              <tr>
                <th scope="col">User name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Groups</th>
                <th scope="col">Must change password</th>
                <th scope="col">Last login</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-user={u.username}>
                  <td>
                    <a href={userPath(u)}>{u.username}</a>
                  </td>
                  <td>{u.email ?? '–'}</td>
                  <td>{u.groups.join(', ')}</td>
                  <td>{u.mustChange ? 'yes' : 'no'}</td>
                  <td>{when(u.lastLoginAt)}</td>
                  <td class="actions">
                    <a href={userPath(u)} class="secondary">
                      Edit
                    </a>{' '}
                    {confirming?.id === u.id ? (
                      <span class="confirm" role="group" aria-label={`Delete ${u.username}?`}>
                        Delete {u.username}?{' '}
                        <button type="button" class="small contrast" onClick={() => void remove(u)}>
                          Delete
                        </button>{' '}
                        <button
                          type="button"
                          class="small secondary outline"
                          onClick={() => setConfirming(null)}
                        >
                          Cancel
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        class="small secondary outline"
                        aria-label={`Delete ${u.username}`}
                        onClick={() => setConfirming(u)}
                      >
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
