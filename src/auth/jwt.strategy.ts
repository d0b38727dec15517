import { createSecretKey } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/auth-user';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuthUserLoader } from './auth-user.loader';
import { bearerToken } from './credentials';
import { sessionCookie } from './session-cookie';

export interface JwtPayload {
  sub: string;
  iat: number;
  exp: number;
}

/**
 * Sign-in tokens: HS256 only (no `none`, no algorithm confusion), expiry enforced. The token is
 * the Bearer header's, else the session cookie's (the guard decides which one a request uses).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: RuntimeConfig,
    private readonly loader: AuthUserLoader,
  ) {
    super({
      jwtFromRequest: (request: Request) => bearerToken(request) ?? sessionCookie(request),
      // A KeyObject, not the string: given a string, jsonwebtoken tries to parse it as a PEM public
      // key on every verify (and fails), which cost more than the rest of a 304. jsonwebtoken takes
      // KeyObjects; passport-jwt hands the value over untouched, its types only list string | Buffer.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: Partial<JwtPayload>): Promise<AuthUser> {
    const user = typeof payload.sub === 'string' ? await this.loader.byUserId(payload.sub) : null;
    if (!user) throw new UnauthorizedException('The account of this token no longer exists; sign in again');
    return user;
  }
}
