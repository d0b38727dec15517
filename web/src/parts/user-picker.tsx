import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { useLatest } from '../use-latest';
import { ErrorText } from './form-parts';

export interface FoundUser {
  id: string;
  name: string;
  email: string;
}

interface PickerProps {
  /** The search box's id and label. */
  id: string;
  label: string;
  /** The text of each found person's button, e.g. "Add" → "Add Grace Hopper". */
  verb: string;
  /** The list of people found, for screen readers. */
  results: string;
  disabled?: boolean;
  /** Ids of people not to offer (e.g. a group's members). */
  exclude?: readonly string[];
  /** Empty the search box once someone is picked. */
  clearOnPick?: boolean;
  onPick: (user: FoundUser) => void;
}

/**
 * Finds people by name, username or email (`GET /api/users/search`) as the user types, 250 ms after
 * the last keystroke, and offers each as a button. Used by sharing, transfer, "why can they see it" and
 * a group's members.
 */
export function UserPicker({ id, label, verb, results, disabled, exclude, clearOnPick, onPick }: PickerProps) {
  const [search, setSearch] = useState('');
  const found = useLatest(`people:${search}`, async (signal) => {
    if (!search.trim()) return { users: [] };
    await new Promise((resolve) => setTimeout(resolve, 250));
    return api<{ users: FoundUser[] }>(`/api/users/search${query({ query: search })}`, { signal });
  });
  return (
    <>
      <div class="field">
        <label for={id}>{label}</label>
        <input
          disabled={disabled}
          id={id}
          type="search"
          value={search}
          placeholder="Name, username or email"
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      </div>
      <ErrorText error={found.error} />
      <ul class="found" aria-label={results}>
        {(found.data?.users ?? [])
          .filter((user) => !exclude?.includes(user.id))
          .map((user) => (
            <li key={user.id}>
              <button
                type="button"
                onClick={() => {
                  if (clearOnPick) setSearch('');
                  onPick(user);
                }}
              >
                {verb} {user.name} <span class="hint">{user.email}</span>
              </button>
            </li>
          ))}
      </ul>
    </>
  );
}
