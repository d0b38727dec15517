import type { UserRole } from '../common/user-role';
import type { UserPermissionsDto } from './dto/caller.dto';

/**
 * The caller's permissions, derived from the rules this service enforces (not stored): every
 * approved account may list, export and share what it can write; creating models, and so
 * importing them, follows USER_CAN_CREATE_MODELS; public grants are for admins; pending
 * accounts may do none of it. A read-only API key writes nothing, so it may only read: no
 * import, no export (export lists what the caller can write), no sharing. The routes enforce
 * the same rules: this only tells a client which buttons to show.
 */
export function userPermissions(role: UserRole, userCanCreateModels: boolean, readOnlyKey = false): UserPermissionsDto {
  const approved = role !== 'pending';
  const writer = approved && !readOnlyKey;
  const admin = role === 'admin' && !readOnlyKey;
  return {
    workspace: {
      models: approved,
      models_import: admin || (writer && userCanCreateModels),
      models_export: writer,
    },
    sharing: { models: writer, public_models: admin },
    access_grants: { allow_users: writer, allow_groups: writer },
  };
}
