import { useState } from 'preact/hooks';
import { api, errorText, query } from '../api';
import { Link } from '../link';
import { Dialog } from '../parts/dialog';
import { useSession } from '../session';
import type { Role, User } from '../types';
import { useLatest } from '../use-latest';
import { BaseModelsTab } from './admin-base';
import { GroupsTab } from './admin-groups';
import { NewUserForm } from './admin-new-user';
import { ErrorText } from '../parts/form-parts';

const TABS = [
  { tab: 'users', label: 'Users' },
  { tab: 'groups', label: 'Groups' },
  { tab: 'base', label: 'Base models' },
];

function UsersTab() {
  const { me } = useSession();
  const [text, setText] = useState('');
  const users = useLatest(`users:${text}`, (signal) =>
    api<{ items: User[]; total: number }>(`/api/users${query({ query: text })}`, { signal }),
  );
  const [error, setError] = useState<string>();
  const [deleting, setDeleting] = useState<User>();
  const change = async (work: Promise<unknown>) => {
    setError(undefined);
    try {
      await work;
      setDeleting(undefined);
      users.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  const setRole = (user: User, role: Role) => change(api(`/api/users/${user.id}`, { method: 'PATCH', body: { role } }));
  return (
    <>
      <NewUserForm onCreated={() => users.reload()} />
      <div class="field">
        <label for="user-search">Search users</label>
        <input
          id="user-search"
          type="search"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder="Name, email or username"
        />
      </div>
      <p class="summary" role="status">
        {users.data ? `${users.data.total} ${users.data.total === 1 ? 'user' : 'users'}` : 'Loading…'}
      </p>
      <ErrorText error={error} />
      <div class="table-wrap">
        <table aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(users.data?.items ?? []).map((user) => (
              <tr key={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.name}`}
                    value={user.role}
                    disabled={user.id === me.id}
                    onChange={(e) => void setRole(user, e.currentTarget.value as Role)}
                  >
                    <option value="pending">pending</option>
                    <option value="user">user</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td class="row-actions">
                  {user.role === 'pending' ? (
                    <button type="button" class="small primary" onClick={() => void setRole(user, 'user')}>
                      Approve {user.name}
                    </button>
                  ) : null}
                  {user.id !== me.id ? (
                    <button
                      type="button"
                      class="small danger"
                      aria-label={`Delete ${user.name}`}
                      onClick={() => setDeleting(user)}
                    >
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deleting ? (
        <Dialog title={`Delete ${deleting.name}?`} onClose={() => setDeleting(undefined)}>
          <p>The account {deleting.email} is deleted. Its models stay, owned by nobody. This cannot be undone.</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              onClick={() => void change(api(`/api/users/${deleting.id}`, { method: 'DELETE' }))}
            >
              Delete the account
            </button>
            <button type="button" onClick={() => setDeleting(undefined)}>
              Keep it
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}

/** Administration (admins only): users, groups and base models. */
export function AdminPage({ tab }: { tab?: string }) {
  const { me } = useSession();
  if (me.role !== 'admin')
    return (
      <section class="card narrow" aria-labelledby="admin-title">
        <h1 id="admin-title">Administrators only</h1>
        <p>This page is for the registry's administrators.</p>
      </section>
    );
  const current = TABS.some((t) => t.tab === tab) ? tab! : 'users';
  return (
    <section aria-labelledby="admin-title">
      <div class="page-head">
        <h1 id="admin-title">Admin</h1>
      </div>
      <nav class="tabs" aria-label="Admin sections">
        {TABS.map((t) => (
          <Link
            key={t.tab}
            to={{ p: 'admin', tab: t.tab === 'users' ? undefined : t.tab }}
            aria-current={current === t.tab ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {current === 'users' ? <UsersTab /> : current === 'groups' ? <GroupsTab /> : <BaseModelsTab />}
    </section>
  );
}
