import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
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
      // A key object made once. Given the string, jsonwebtoken tries it as a PEM public key
      // (createPublicKey, which throws) before using it as the HMAC secret, on every request:
      // ~9 % of the service's CPU on a list page (README, Performance).
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as Buffer,
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
