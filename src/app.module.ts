import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AnswerCache } from './common/answer-cache';
import { RevalidationInterceptor } from './common/revalidation.interceptor';
import { RuntimeConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { GatewayModule } from './gateway/gateway.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';
import { ModelsModule } from './models/models.module';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.databaseUrl, config.dbPoolSize),
          migrationsRun: true,
          retryAttempts: 2,
          retryDelay: 1000,
        }),
        HealthModule,
        AuthModule,
        UsersModule,
        AuditModule,
        GroupsModule,
        ApiKeysModule,
        ModelsModule,
        GatewayModule,
      ],
      // ETags, 304s and the answer cache of every @Revalidated() route (docs/api.md, "Revalidation").
      providers: [AnswerCache, { provide: APP_INTERCEPTOR, useClass: RevalidationInterceptor }],
    };
  }
}
