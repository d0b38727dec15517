import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from './app-config';

/** Makes the validated runtime configuration injectable as APP_CONFIG everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
