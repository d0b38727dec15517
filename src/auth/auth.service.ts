import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { nowSeconds } from '../common/time';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { PasswordHasher } from '../users/password-hasher';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { SessionResponseDto, SignInDto, SignUpDto } from './dto/auth.dto';
import { CallerResponseDto } from './dto/caller.dto';
import type { JwtPayload } from './jwt.strategy';
import { SignInThrottle } from './sign-in-throttle';
import { userPermissions } from './user-permissions';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async signUp(dto: SignUpDto): Promise<SessionResponseDto> {
    if (!this.config.enableSignup) throw new ForbiddenException('Sign-up is disabled on this server');
    return this.session(await this.users.signUp(dto));
  }

  /**
   * One answer for an unknown email and a wrong password, after the same bcrypt work.
   * `onThrottled` receives the seconds to wait (for a Retry-After header) before the 429.
   */
  async signIn(dto: SignInDto, onThrottled: (retryAfterSeconds: number) => void): Promise<SessionResponseDto> {
    const wait = this.throttle.retryAfterSeconds(dto.email);
    if (wait > 0) {
      onThrottled(wait);
      const message = `Too many failed sign-in attempts for this email; try again in ${wait} seconds`;
      throw new HttpException(message, HttpStatus.TOO_MANY_REQUESTS);
    }
    const account = await this.users.findCredentials(dto.email);
    const valid = await this.passwords.verify(dto.password, account?.passwordHash ?? null);
    if (!account || !valid) {
      this.throttle.recordFailure(dto.email);
      throw new UnauthorizedException('Invalid email or password');
    }
    this.throttle.reset(dto.email);
    return this.session(account.user);
  }

  /**
   * The caller's account, with the permissions a client shows or hides its buttons by; with a
   * read-only API key, those of the key (no writes).
   */
  async caller(id: string, options: { readOnlyKey: boolean }): Promise<CallerResponseDto> {
    const user = await this.users.get(id);
    const permissions = userPermissions(user.role, this.config.userCanCreateModels, options.readOnlyKey);
    return { ...user, permissions };
  }

  private session(user: UserEntity): SessionResponseDto {
    const iat = nowSeconds();
    const payload: JwtPayload = { sub: user.id, iat, exp: iat + this.config.jwtExpiresInSeconds };
    return {
      token: this.jwt.sign(payload),
      token_type: 'Bearer',
      expires_at: payload.exp,
      user: UserResponseDto.from(user),
    };
  }
}
