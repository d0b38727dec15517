import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup';
import { loadConfig, RuntimeConfig } from '../../src/config/app-config';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  /** The HTTP server, for supertest: request(t.server). */
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  /** http://127.0.0.1:<port>, for SDK clients. */
  baseUrl: string;
  config: RuntimeConfig;
  dataSource: DataSource;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * The real app (same createApp as main.ts) on its own fresh database cloned from the migrated
 * template, listening on a random loopback port. Call close() in afterAll.
 */
export async function startTestApp(overrides: Partial<RuntimeConfig> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: RuntimeConfig = {
    ...loadConfig({}),
    bcryptRounds: 4,
    ...overrides,
    databaseUrl: database.url,
    jwtSecret: overrides.jwtSecret ?? TEST_JWT_SECRET,
  };
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    server: app.getHttpServer(),
    baseUrl: `http://127.0.0.1:${address.port}`,
    config,
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
