import { api } from '../api';
import { useLatest } from '../use-latest';
import { UserPicker } from './user-picker';

export interface GroupItem {
  id: string;
  name: string;
  member_count: number;
}

/** A person or group to share with, named for the screen. */
export interface PickedPrincipal {
  type: 'user' | 'group';
  id: string;
  name: string;
  detail: string;
}

/** The groups one may share with (`GET /api/groups?share=true`), with their sizes. */
export function useShareGroups() {
  return useLatest('share-groups', (signal) => api<GroupItem[]>('/api/groups?share=true', { signal }));
}

export const groupDetail = (group: GroupItem) => `group, ${group.member_count} members`;

interface PickerProps {
  /** Prefix of the fields' ids, unique on the page. */
  idPrefix: string;
  groups: GroupItem[];
  /** Already chosen: not offered again. */
  chosen: { type: string; id: string }[];
  disabled?: boolean;
  onAdd: (principal: PickedPrincipal) => void;
}

/**
 * "Add people" (searched by name, username or email: the shared `UserPicker`, also used by transfer
 * and "who can see this and why") and "Add a group" (picked from the list): used by the share dialog and by bulk sharing.
 */
export function PrincipalPicker({ idPrefix, groups, chosen, disabled, onAdd }: PickerProps) {
  const unused = groups.filter((group) => !chosen.some((p) => p.type === 'group' && p.id === group.id));
  return (
    <>
      <UserPicker
        id={`${idPrefix}-people`}
        label="Add people"
        verb="Add"
        results="People found"
        disabled={disabled}
        onPick={(user) => onAdd({ type: 'user', id: user.id, name: user.name, detail: user.email })}
      />
      <div class="field">
        <label for={`${idPrefix}-group`}>Add a group</label>
        <select
          disabled={disabled}
          id={`${idPrefix}-group`}
          value=""
          onChange={(e) => {
            const group = unused.find((g) => g.id === e.currentTarget.value);
            if (group) onAdd({ type: 'group', id: group.id, name: group.name, detail: groupDetail(group) });
          }}
        >
          <option value="">Choose a group…</option>
          {unused.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name} ({group.member_count})
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
