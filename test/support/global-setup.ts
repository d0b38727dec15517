import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { ADMIN_URL_ENV, TEMPLATE_ENV, databaseUrl, uniqueName, withAdminClient } from './test-database';

declare global {
  var __registryTestTeardown: (() => Promise<void>) | undefined;
}

/** A free port for the embedded server, away from the usual 5432. */
function embeddedPort(): number {
  return 55000 + Math.floor(Math.random() * 5000);
}

/**
 * Finds the PostgreSQL server for this run (TEST_DATABASE_URL, DATABASE_URL, else a new embedded
 * one in a temporary folder), and builds a migrated template database the test files clone.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopServer: () => Promise<void> = () => Promise.resolve();
  if (!serverUrl) {
    // /tmp, not ./.data: when run as root PostgreSQL runs as `postgres`, which must reach the folder.
    const dir = mkdtempSync(join(tmpdir(), 'registry-test-pg-'));
    chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres(dir, embeddedPort(), 'postgres');
    serverUrl = embedded.url;
    stopServer = () => embedded.stop();
  }
  const template = uniqueName('registry_template');
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  const dataSource = new DataSource(dataSourceOptions(databaseUrl(serverUrl, template), 1));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();

  process.env[ADMIN_URL_ENV] = serverUrl;
  process.env[TEMPLATE_ENV] = template;
  process.env.NODE_ENV = 'test';
  const url = serverUrl;
  globalThis.__registryTestTeardown = async () => {
    await withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    await stopServer();
  };
}
