import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthUser } from '../common/auth-user';
import { ALLOW_PENDING, API_KEYS, ApiKeyUse, IS_PUBLIC, ROLES } from '../common/decorators';
import type { UserRole } from '../common/user-role';
import type { RuntimeConfig } from '../config/app-config';
import { bearerToken, hasGatewayOnlyKey, readApiKey } from './credentials';
import { crossSiteRefusal } from './request-origin';
import { sessionCookie } from './session-cookie';

/**
 * Who may call a route, from its decorators (docs/access.md). The one rule both callers apply:
 * the global guard (AccessGuard) and the revalidation lane ahead of Nest's router.
 */
export interface RouteAccess {
  isPublic: boolean;
  allowPending: boolean;
  roles: UserRole[] | undefined;
  apiKeys: ApiKeyUse;
}

/** A route's access rules; a method's own decorator overrides its controller's. */
export function routeAccess(reflector: Reflector, handler: object, controller: object): RouteAccess {
  const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
  const get = <T>(key: string): T | undefined => reflector.getAllAndOverride<T | undefined>(key, targets);
  return {
    isPublic: get<boolean>(IS_PUBLIC) === true,
    allowPending: get<boolean>(ALLOW_PENDING) === true,
    roles: get<UserRole[]>(ROLES),
    apiKeys: get<ApiKeyUse>(API_KEYS) ?? 'read',
  };
}

/** Reads the caller of a request from one kind of credential (jwt.strategy.ts, api-key.strategy.ts), or throws the 401/403. */
export interface Authenticator {
  authenticate(request: Request): Promise<AuthUser>;
}

export interface Authenticators {
  jwt: Authenticator;
  apiKey: Authenticator;
  config: Pick<RuntimeConfig, 'corsOrigins'>;
}

/**
 * The caller of a request, or a 401/403: an API key, a Bearer sign-in token, the session cookie,
 * in that order; the cookie only from this service's own pages or CORS_ORIGINS.
 */
export function authenticate(request: Request, by: Authenticators): Promise<AuthUser> {
  if (readApiKey(request) !== null) return by.apiKey.authenticate(request);
  if (bearerToken(request) !== null) return by.jwt.authenticate(request);
  if (hasGatewayOnlyKey(request)) {
    throw new UnauthorizedException(
      '?key= and x-goog-api-key work only on /v1 and /v1beta (model lists for Gemini clients); ' +
        'on /api send the key as Authorization: Bearer sk-… or x-api-key',
    );
  }
  if (sessionCookie(request) !== null) {
    // Before the token is checked: a cross-site request is refused without a database lookup.
    const refusal = crossSiteRefusal(request, by.config.corsOrigins);
    if (refusal !== null) throw new ForbiddenException(refusal);
    return by.jwt.authenticate(request);
  }
  throw new UnauthorizedException(
    'Not signed in: send Authorization: Bearer <token from sign-in>, or an API key (Bearer sk-… or x-api-key)',
  );
}

/** Methods that never change anything: the only ones a read-only key may use. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Throws the 403 that refuses this caller this route, if any. */
export function authorize(user: AuthUser, method: string, access: RouteAccess): void {
  if (user.role === 'pending' && !access.allowPending) {
    throw new ForbiddenException('Your account is pending approval by an administrator');
  }
  if (access.roles && !access.roles.includes(user.role)) {
    throw new ForbiddenException(`This route requires the role ${access.roles.join(' or ')}`);
  }
  if (user.apiKey) authorizeKey(user.apiKey.readOnly, method, access.apiKeys);
}

function authorizeKey(readOnly: boolean, method: string, use: ApiKeyUse): void {
  const writing = !READ_METHODS.has(method);
  if (writing && readOnly) {
    throw new ForbiddenException(
      'This API key is read-only (created with read_only, a group_id or models): only GET and HEAD requests',
    );
  }
  if (use === 'none' || (writing && use !== 'write')) {
    throw new ForbiddenException(
      'This route needs a sign-in token: API keys cannot manage accounts, groups, passwords or API keys',
    );
  }
}

const AUTHENTICATED = Symbol('authenticated');
type WithAuthenticated = Request & { [AUTHENTICATED]?: Promise<AuthUser> };

/**
 * The lane authenticated this request and did not answer it: the guard takes that outcome (the
 * user, or the refusal) instead of reading the caller again, and still applies every
 * authorization decision. A symbol, so nothing a client sends can set it.
 */
export function handOver(request: Request, authenticated: Promise<AuthUser>): void {
  (request as WithAuthenticated)[AUTHENTICATED] = authenticated;
}

export function takeHandedOver(request: Request): Promise<AuthUser> | undefined {
  const authenticated = (request as WithAuthenticated)[AUTHENTICATED];
  (request as WithAuthenticated)[AUTHENTICATED] = undefined;
  return authenticated;
}
