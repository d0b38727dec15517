import type { Grant } from '../types';
import type { PickedPrincipal } from './principal-picker';

/** A person or group chosen to share with, and with what. */
export interface ChosenPrincipal extends PickedPrincipal {
  permission: Grant['permission'];
}

/** The grants that give each principal its permission: read, or read + write (as answers list a write grant). */
export function grantsOf(principals: ChosenPrincipal[]): Grant[] {
  return principals.flatMap((p) => {
    const read = { principal_type: p.type, principal_id: p.id, permission: 'read' as const };
    return p.permission === 'write' ? [read, { ...read, permission: 'write' as const }] : [read];
  });
}

/** The list with `principal` added, reading, unless it is chosen already. */
export function withPrincipal(list: ChosenPrincipal[], principal: PickedPrincipal): ChosenPrincipal[] {
  return list.some((p) => p.type === principal.type && p.id === principal.id)
    ? list
    : [...list, { ...principal, permission: 'read' }];
}

interface Props {
  /** The list's name for screen readers. */
  label: string;
  principals: ChosenPrincipal[];
  /** Whether a principal's permission can be chosen here (else only its name and Remove). */
  hasPermission: (principal: ChosenPrincipal) => boolean;
  onChange: (principals: ChosenPrincipal[]) => void;
}

/** The chosen people and groups, each with "can read / can edit" and Remove: the share dialog's and bulk sharing's. */
export function ChosenPrincipals({ label, principals, hasPermission, onChange }: Props) {
  return (
    <ul class="grants" aria-label={label}>
      {principals.map((p) => (
        <li key={`${p.type}:${p.id}`}>
          <span>
            <strong>{p.name}</strong> <span class="hint">{p.detail}</span>
          </span>
          {hasPermission(p) ? (
            <select
              aria-label={`Permission of ${p.name}`}
              value={p.permission}
              onChange={(e) =>
                onChange(
                  principals.map((q) =>
                    q === p ? { ...q, permission: e.currentTarget.value as ChosenPrincipal['permission'] } : q,
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
  );
}
