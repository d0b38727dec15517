import type { Permission, PrincipalType } from './access-grant.entity';

/** One grant of a model as stored and as shown to its writers. */
export interface GrantRow {
  principal_type: PrincipalType;
  principal_id: string;
  permission: Permission;
}

/**
 * Grants as answers show them (Open WebUI's shape): a `write` grant is listed as two entries,
 * `read` and `write`, for that principal, so its editor shows and toggles write correctly.
 */
export function answeredGrants(grants: GrantRow[]): GrantRow[] {
  return grants.flatMap((grant) =>
    grant.permission === 'write' ? [{ ...grant, permission: 'read' as const }, grant] : [grant],
  );
}
