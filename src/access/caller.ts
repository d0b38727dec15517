import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user';
import type { RuntimeConfig } from '../config/app-config';

/** The facts about a caller the access rule needs. */
export interface Caller {
  userId: string;
  /** The user's name when the request came in: copied into history and audit records. */
  name: string;
  /** How the caller signed in: a sign-in token (JWT or its cookie) or an API key (audit's `via`). */
  via: 'token' | 'key';
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
    name: user.name,
    via: user.apiKey ? 'key' : 'token',
    groupIds: user.groupIds,
    isAdmin,
    bypass: isAdmin && config.bypassAdminAccessControl,
    keyGroupId: user.apiKey?.groupId ?? null,
    keyModels: user.apiKey?.models ?? null,
    readOnly: user.apiKey?.readOnly ?? false,
  };
}

/** The request fields the global guard sets once it has authenticated the caller. */
export interface AuthenticatedRequest {
  user?: AuthUser;
  caller?: Caller;
}

/**
 * The caller as the access rule sees it, built once by the global guard. A @Public() route has no
 * caller: using this there is a programming error, not the client's, so it fails loudly.
 */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (caller === undefined) {
    throw new Error('@CurrentCaller() on a route without an authenticated caller (is the route @Public()?)');
  }
  return caller;
});
