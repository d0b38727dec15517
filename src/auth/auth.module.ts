import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AdminBootstrap } from './admin-bootstrap';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthUserLoader } from './auth-user.loader';
import { JwtStrategy } from './jwt.strategy';
import { SignInThrottle } from './sign-in-throttle';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
    UsersModule,
    ApiKeysModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthUserLoader,
    JwtStrategy,
    ApiKeyStrategy,
    SignInThrottle,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AuthModule {}
