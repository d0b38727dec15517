import type { AuthUser } from '../common/auth-user';
import type { RuntimeConfig } from '../config/app-config';

/** The facts about a caller the access rule needs. */
export interface Caller {
  userId: string;
  groupIds: string[];
  isAdmin: boolean;
  /** Admin with BYPASS_ADMIN_ACCESS_CONTROL on: reads and writes every model (within its key's narrowing). */
  bypass: boolean;
  /** When the request came with an API key: its token group and allow-list, which narrow every read. */
  keyGroupId: string | null;
  keyModels: string[] | null;
  /** The credential may not write (a read-only API key): the caller is a reader everywhere. */
  readOnly: boolean;
}

export function callerOf(user: AuthUser, config: Pick<RuntimeConfig, 'bypassAdminAccessControl'>): Caller {
  const isAdmin = user.role === 'admin';
  return {
    userId: user.id,
    groupIds: user.groupIds,
    isAdmin,
    bypass: isAdmin && config.bypassAdminAccessControl,
    keyGroupId: user.apiKey?.groupId ?? null,
    keyModels: user.apiKey?.models ?? null,
    readOnly: user.apiKey?.readOnly ?? false,
  };
}
