import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup';
import { loadConfig, RuntimeConfig } from '../../src/config/app-config';
import { TEST_JWT_SECRET, TestApp } from './test-app';

/**
 * The configuration the tests use, pointed at the given database. Logs show only errors (the
 * unexpected: 5xx other than 503, with their stack) unless LOG_LEVEL asks for more.
 */
export function testConfigFor(databaseUrl: string, overrides: Partial<RuntimeConfig> = {}): RuntimeConfig {
  const logging = { LOG_LEVEL: process.env.LOG_LEVEL || 'error', LOG_FORMAT: process.env.LOG_FORMAT };
  return { ...loadConfig(logging), bcryptRounds: 4, jwtSecret: TEST_JWT_SECRET, ...overrides, databaseUrl };
}

/** Listens on a random loopback port and wraps the app as a TestApp; close() only closes the app. */
export async function listenForTests(app: NestExpressApplication, config: RuntimeConfig): Promise<TestApp> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    server: app.getHttpServer(),
    baseUrl: `http://127.0.0.1:${address.port}`,
    config,
    dataSource: app.get(DataSource),
    close: () => app.close(),
  };
}

/**
 * The real app (same createApp as main.ts, migrations run at start) on a database the caller
 * owns, e.g. a scratch server; unlike startTestApp it neither creates nor drops the database.
 */
export async function startAppOnDatabase(
  databaseUrl: string,
  overrides: Partial<RuntimeConfig> = {},
): Promise<TestApp> {
  const config = testConfigFor(databaseUrl, overrides);
  return listenForTests(await createApp(config), config);
}
