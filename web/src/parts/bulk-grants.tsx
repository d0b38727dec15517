import { useSession } from '../session';
import { PrincipalPicker, useShareGroups, type PickedPrincipal } from './principal-picker';
import { ErrorText } from './form-parts';

export interface BulkPrincipal extends PickedPrincipal {
  permission: 'read' | 'write';
}

/** The public grant (`user:*`) as a principal of the list: read only, chosen with its own switch. */
const EVERYONE: BulkPrincipal = {
  type: 'user',
  id: '*',
  name: 'Everyone signed in',
  detail: 'public',
  permission: 'read',
};
const isEveryone = (p: BulkPrincipal) => p.type === 'user' && p.id === '*';

/** The grants of a bulk share (each principal read, or read + write) or unshare (every grant of each). */
export function bulkGrants(principals: BulkPrincipal[], action: 'share' | 'unshare') {
  return principals.flatMap((p) => {
    if (action === 'unshare') return [{ principal_type: p.type, principal_id: p.id }];
    const read = { principal_type: p.type, principal_id: p.id, permission: 'read' as const };
    return p.permission === 'write' ? [read, { ...read, permission: 'write' as const }] : [read];
  });
}

interface Props {
  action: 'share' | 'unshare';
  principals: BulkPrincipal[];
  onChange: (principals: BulkPrincipal[]) => void;
}

/** Whom a bulk share adds (with read or edit) or a bulk unshare removes, picked as in the share dialog. */
export function BulkGrants({ action, principals, onChange }: Props) {
  const { me } = useSession();
  const groups = useShareGroups();
  const everyone = principals.some(isEveryone);
  return (
    <fieldset>
      <legend>{action === 'share' ? 'Share with' : 'Stop sharing with'}</legend>
      {principals.length === 0 ? <p class="hint">Nobody chosen yet: add people or a group below.</p> : null}
      <ul class="grants" aria-label={action === 'share' ? 'Share with' : 'Stop sharing with'}>
        {principals.map((p) => (
          <li key={`${p.type}:${p.id}`}>
            <span>
              <strong>{p.name}</strong> <span class="hint">{p.detail}</span>
            </span>
            {action === 'share' && !isEveryone(p) ? (
              <select
                aria-label={`Permission of ${p.name}`}
                value={p.permission}
                onChange={(e) =>
                  onChange(
                    principals.map((q) =>
                      q === p ? { ...q, permission: e.currentTarget.value as BulkPrincipal['permission'] } : q,
                    ),
                  )
                }
              >
                <option value="read">can read</option>
                <option value="write">can edit</option>
              </select>
            ) : null}
            <button
              type="button"
              class="ghost"
              aria-label={`Remove ${p.name}`}
              onClick={() => onChange(principals.filter((q) => q !== p))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {/* Giving public access is for admins (as in the share dialog); any writer may take it away. */}
      {me.role === 'admin' || action === 'unshare' ? (
        <label class="check">
          <input
            type="checkbox"
            checked={everyone}
            onChange={(e) =>
              onChange(e.currentTarget.checked ? [...principals, EVERYONE] : principals.filter((p) => !isEveryone(p)))
            }
          />
          Everyone signed in (public)
        </label>
      ) : null}
      <ErrorText error={groups.error} />
      <PrincipalPicker
        idPrefix="bulk"
        groups={groups.data ?? []}
        chosen={principals}
        onAdd={(principal) =>
          onChange(
            principals.some((p) => p.type === principal.type && p.id === principal.id)
              ? principals
              : [...principals, { ...principal, permission: 'read' }],
          )
        }
      />
    </fieldset>
  );
}
