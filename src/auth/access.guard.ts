import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthenticatedRequest, callerOf } from '../access/caller';
import type { AuthUser } from '../common/auth-user';
import { ALLOW_PENDING, API_KEYS, ApiKeyUse, IS_PUBLIC, ROLES } from '../common/decorators';
import type { UserRole } from '../common/user-role';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { ApiKeyStrategy } from './api-key.strategy';
import { bearerToken, hasGatewayOnlyKey, readApiKey } from './credentials';
import { JwtStrategy } from './jwt.strategy';
import { crossSiteRefusal } from './request-origin';
import { runStrategy } from './run-strategy';
import { sessionCookie } from './session-cookie';

/** Methods that never change anything: the only ones a read-only key may use. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The one global guard, deny by default: a route is open only with @Public(); every other route
 * needs a sign-in token or an API key (401), an approved account unless @AllowPending() (403),
 * and one of the @Roles() when it names some (403). An API key never has more power than it says
 * (docs/access.md): it may not use @SignInTokenOnly() routes, may write only on @ApiKeysMayWrite()
 * routes, and a read-only key may not write at all (403, before any lookup). It leaves the user
 * and the access rule's view of them (@CurrentUser(), @CurrentCaller()) on the request. Credentials
 * in order of precedence: an API key, a Bearer sign-in token, the session cookie; a request that
 * changes something with only the cookie must come from this service's own pages or CORS_ORIGINS
 * (403, docs/access.md).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwtStrategy: JwtStrategy,
    private readonly apiKeyStrategy: ApiKeyStrategy,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.metadata<boolean>(IS_PUBLIC, context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const user = await this.authenticate(request, http.getResponse<Response>());
    request.user = user;
    request.caller = callerOf(user, this.config);
    this.authorize(user, request.method, context);
    return true;
  }

  private authenticate(request: Request, response: Response): Promise<AuthUser> {
    if (readApiKey(request) !== null) return runStrategy(this.apiKeyStrategy, request, response);
    if (bearerToken(request) !== null) return runStrategy(this.jwtStrategy, request, response);
    if (hasGatewayOnlyKey(request)) {
      throw new UnauthorizedException(
        '?key= and x-goog-api-key work only on /v1 and /v1beta (model lists for Gemini clients); ' +
          'on /api send the key as Authorization: Bearer sk-… or x-api-key',
      );
    }
    if (sessionCookie(request) !== null) {
      // Before the token is checked: a cross-site request is refused without a database lookup.
      const refusal = crossSiteRefusal(request, this.config.corsOrigins);
      if (refusal !== null) throw new ForbiddenException(refusal);
      return runStrategy(this.jwtStrategy, request, response);
    }
    throw new UnauthorizedException(
      'Not signed in: send Authorization: Bearer <token from sign-in>, or an API key (Bearer sk-… or x-api-key)',
    );
  }

  private authorize(user: AuthUser, method: string, context: ExecutionContext): void {
    if (user.role === 'pending' && !this.metadata<boolean>(ALLOW_PENDING, context)) {
      throw new ForbiddenException('Your account is pending approval by an administrator');
    }
    const roles = this.metadata<UserRole[]>(ROLES, context);
    if (roles && !roles.includes(user.role)) {
      throw new ForbiddenException(`This route requires the role ${roles.join(' or ')}`);
    }
    if (user.apiKey) this.authorizeKey(user.apiKey.readOnly, method, context);
  }

  private authorizeKey(readOnly: boolean, method: string, context: ExecutionContext): void {
    const writing = !READ_METHODS.has(method);
    if (writing && readOnly) {
      throw new ForbiddenException(
        'This API key is read-only (created with read_only, a group_id or models): only GET and HEAD requests',
      );
    }
    const use = this.metadata<ApiKeyUse>(API_KEYS, context) ?? 'read';
    if (use === 'none' || (writing && use !== 'write')) {
      throw new ForbiddenException(
        'This route needs a sign-in token: API keys cannot manage accounts, groups, passwords or API keys',
      );
    }
  }

  /** Route metadata; a method's own decorator overrides its controller's. */
  private metadata<T>(key: string, context: ExecutionContext): T | undefined {
    return this.reflector.getAllAndOverride<T | undefined>(key, [context.getHandler(), context.getClass()]);
  }
}
