import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from './user-role';
import type { AuthUser } from './auth-user';

export const IS_PUBLIC = 'isPublic';
export const ROLES = 'roles';
export const ALLOW_PENDING = 'allowPending';
export const API_KEYS = 'apiKeys';

/**
 * What an API key may do on a route (docs/access.md): `read` (the default: GET/HEAD only), `write`
 * (full keys may also change things here), or `none` (sign-in tokens only, reads included).
 */
export type ApiKeyUse = 'none' | 'read' | 'write';

/** The route needs no credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only callers with one of these roles. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

/** `pending` users may call this route (by default they get 403 everywhere). */
export const AllowPending = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_PENDING, true);

/**
 * No API key may use this route, not even to read: accounts and credentials are managed with a
 * sign-in token only, so a leaked key cannot mint keys or change who may do what.
 */
export const SignInTokenOnly = (): MethodDecorator & ClassDecorator => SetMetadata<string, ApiKeyUse>(API_KEYS, 'none');

/**
 * Full (not read-only) API keys may change things through this route. Writes with a key are
 * refused everywhere else, so a new route that changes accounts or credentials is closed to keys
 * until someone decides otherwise.
 */
export const ApiKeysMayWrite = (): MethodDecorator & ClassDecorator =>
  SetMetadata<string, ApiKeyUse>(API_KEYS, 'write');

/** The authenticated caller, as set by the global guard. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
