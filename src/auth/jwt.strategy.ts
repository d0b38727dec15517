import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import type { Request } from 'express';
import type { AuthUser } from '../common/auth-user';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuthUserLoader } from './auth-user.loader';
import { bearerToken } from './credentials';
import { sessionCookie } from './session-cookie';
import { VerifiedTokens } from './verified-tokens';

/** What a sign-in token says (auth.service.ts signs it). */
export interface JwtPayload {
  sub: string;
  iat: number;
  exp: number;
}

/** Why a token was refused, in words a client can act on. */
function refusal(error: unknown): string {
  return error instanceof Error && error.name === 'TokenExpiredError'
    ? 'Token has expired; sign in again'
    : 'Invalid token';
}

/**
 * Sign-in tokens: HS256 only (no `none`, no algorithm confusion), expiry enforced. The token is
 * the Bearer header's, else the session cookie's (the guard decides which one a request uses).
 * Called directly by the guard and the revalidation lane (access-decision.ts): passport's
 * per-request wrapping cost more than the check itself.
 */
@Injectable()
export class JwtStrategy {
  // A key object made once. Given the string, jsonwebtoken tries it as a PEM public key
  // (createPublicKey, which throws) before using it as the HMAC secret, on every request.
  private readonly tokens: VerifiedTokens;

  constructor(
    @Inject(APP_CONFIG) config: RuntimeConfig,
    private readonly loader: AuthUserLoader,
  ) {
    this.tokens = new VerifiedTokens(createSecretKey(Buffer.from(config.jwtSecret, 'utf8')));
  }

  async authenticate(request: Request): Promise<AuthUser> {
    const token = bearerToken(request) ?? sessionCookie(request);
    if (token === null) throw new UnauthorizedException('Invalid token');
    let sub: unknown;
    try {
      sub = this.tokens.verify(token).sub;
    } catch (error) {
      throw new UnauthorizedException(refusal(error));
    }
    const user = typeof sub === 'string' ? await this.loader.byUserId(sub) : null;
    if (!user) throw new UnauthorizedException('The account of this token no longer exists; sign in again');
    return user;
  }
}
