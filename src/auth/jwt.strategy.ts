import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/auth-user';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AuthUserLoader } from './auth-user.loader';

export interface JwtPayload {
  sub: string;
  iat: number;
  exp: number;
}

/** Sign-in tokens: HS256 only (no `none`, no algorithm confusion), expiry enforced. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: RuntimeConfig,
    private readonly loader: AuthUserLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
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
