import type { Permission, PrincipalType } from './access-grant.entity';

/** One grant of a model as stored and as shown to its writers. */
export interface GrantRow {
  principal_type: PrincipalType;
  principal_id: string;
  permission: Permission;
}
