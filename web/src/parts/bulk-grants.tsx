import { useSession } from '../session';
import { ChosenPrincipals, grantsOf, withPrincipal, type ChosenPrincipal } from './chosen-principals';
import { PrincipalPicker, useShareGroups } from './principal-picker';
import { ErrorText } from './form-parts';

export type BulkPrincipal = ChosenPrincipal;

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
  if (action === 'share') return grantsOf(principals);
  return principals.map((p) => ({ principal_type: p.type, principal_id: p.id }));
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
  const label = action === 'share' ? 'Share with' : 'Stop sharing with';
  return (
    <fieldset>
      <legend>{label}</legend>
      {principals.length === 0 ? <p class="hint">Nobody chosen yet: add people or a group below.</p> : null}
      <ChosenPrincipals
        label={label}
        principals={principals}
        hasPermission={(p) => action === 'share' && !isEveryone(p)}
        onChange={onChange}
      />
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
        onAdd={(principal) => onChange(withPrincipal(principals, principal))}
      />
    </fieldset>
  );
}
