import type { UserRole } from '../common/user-role';
import type { UserPermissionsDto } from './dto/caller.dto';

/**
 * The caller's permissions, derived from the rules this service enforces (not stored): every
 * approved account may list, export and share what it can write; creating models, and so
 * importing them, follows USER_CAN_CREATE_MODELS; public grants are for admins; pending
 * accounts may do none of it. The routes enforce the same rules: this only tells a client
 * which buttons to show.
 */
export function userPermissions(role: UserRole, userCanCreateModels: boolean): UserPermissionsDto {
  const approved = role !== 'pending';
  const admin = role === 'admin';
  return {
    workspace: { models: approved, models_import: admin || (approved && userCanCreateModels), models_export: approved },
    sharing: { models: approved, public_models: admin },
    access_grants: { allow_users: approved, allow_groups: approved },
  };
}
