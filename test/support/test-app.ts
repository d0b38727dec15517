import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import type { RuntimeConfig } from '../../src/config/app-config';
import { startAppOnDatabase } from './app-on-database';
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
 * template, listening on a random loopback port. Call close() in afterAll: it also drops the database.
 */
export async function startTestApp(overrides: Partial<RuntimeConfig> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const t = await startAppOnDatabase(database.url, overrides);
  return {
    ...t,
    close: async () => {
      await t.close();
      await database.drop();
    },
  };
}
