import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { Field, ErrorText } from '../parts/form-parts';
import { UserPicker } from '../parts/user-picker';
import type { User } from '../types';
import { useLatest } from '../use-latest';

interface Group {
  id: string;
  name: string;
  description: string;
  member_count: number;
  user_ids?: string[];
}

/** One group's members: names, remove, and add by searching people (the shared UserPicker). */
function Members({ group, onChanged }: { group: Group; onChanged: () => void }) {
  const [error, setError] = useState<string>();
  const members = useLatest(`members:${group.id}:${(group.user_ids ?? []).join()}`, (signal) =>
    Promise.all((group.user_ids ?? []).map((id) => api<User>(`/api/users/${id}/info`, { signal }))),
  );
  const run = (work: Promise<unknown>) => work.then(onChanged, (caught: unknown) => setError(errorText(caught)));
  return (
    <div class="members">
      <ul class="grants" aria-label={`Members of ${group.name}`}>
        {(members.data ?? []).map((user) => (
          <li key={user.id}>
            <span>
              {user.name} <span class="hint">{user.email}</span>
            </span>
            <button
              type="button"
              class="small"
              aria-label={`Remove ${user.name} from ${group.name}`}
              onClick={() => void run(api(`/api/groups/${group.id}/members/${user.id}`, { method: 'DELETE' }))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <UserPicker
        id={`add-member-${group.id}`}
        label={`Add a member to ${group.name}`}
        verb="Add"
        results="People found"
        exclude={group.user_ids ?? []}
        clearOnPick
        onPick={(user) =>
          void run(api(`/api/groups/${group.id}/members`, { method: 'POST', body: { user_ids: [user.id] } }))
        }
      />
      <ErrorText error={error} />
    </div>
  );
}

export function GroupsTab() {
  const groups = useLatest('admin-groups', (signal) => api<Group[]>('/api/groups', { signal }));
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const create = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api('/api/groups', { method: 'POST', body: { name } });
      setName('');
      groups.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <>
      <form class="card editor" onSubmit={(e) => void create(e)} aria-label="Create a group">
        <Field id="group-name" label="New group name" error={error}>
          <input
            id="group-name"
            value={name}
            required
            maxLength={256}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            Create group
          </button>
        </div>
      </form>
      {(groups.data ?? []).map((group) => (
        <section key={group.id} class="card group" aria-label={`Group ${group.name}`}>
          <h2>
            {group.name} <span class="hint">({group.member_count} members)</span>
          </h2>
          <Members group={group} onChanged={groups.reload} />
        </section>
      ))}
    </>
  );
}
