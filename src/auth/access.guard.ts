import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthenticatedRequest, callerOf } from '../access/caller';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { authenticate, Authenticators, authorize, routeAccess, takeHandedOver } from './access-decision';
import { ApiKeyStrategy } from './api-key.strategy';
import { JwtStrategy } from './jwt.strategy';

/**
 * The one global guard, deny by default: a route is open only with @Public(); every other route
 * needs a sign-in token or an API key (401), an approved account unless @AllowPending() (403),
 * and one of the @Roles() when it names some (403). An API key never has more power than it says
 * (docs/access.md): it may not use @SignInTokenOnly() routes, may write only on @ApiKeysMayWrite()
 * routes, and a read-only key may not write at all (403, before any lookup). It leaves the user
 * and the access rule's view of them (@CurrentUser(), @CurrentCaller()) on the request. Credentials
 * in order of precedence: an API key, a Bearer sign-in token, the session cookie; a request that
 * changes something with only the cookie must come from this service's own pages or CORS_ORIGINS
 * (403, docs/access.md). The decisions live in access-decision.ts, shared with the revalidation lane.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  readonly authenticators: Authenticators;

  constructor(
    private readonly reflector: Reflector,
    jwtStrategy: JwtStrategy,
    apiKeyStrategy: ApiKeyStrategy,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.authenticators = { jwt: jwtStrategy, apiKey: apiKeyStrategy, config };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context.getHandler(), context.getClass());
    if (access.isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const user = await (takeHandedOver(request) ?? authenticate(request, this.authenticators));
    request.user = user;
    request.caller = callerOf(user, this.config);
    authorize(user, request.method, access);
    return true;
  }
}
