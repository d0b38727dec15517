import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from './free-port';
import { RunFolder } from './run-folder';
import { ADMIN_URL_ENV, TEMPLATE_ENV, databaseUrl, uniqueName, withAdminClient } from './test-database';

declare global {
  var __registryTestTeardown: (() => Promise<void>) | undefined;
}

/**
 * Builds the web app, finds the PostgreSQL server for this run (TEST_DATABASE_URL, DATABASE_URL, else a new embedded
 * one in the run's temporary folder), and builds a migrated template database the test files clone.
 */
export default async function globalSetup(): Promise<void> {
  // The service serves the built web app at `/`: build it once here (a no-op when up to date), so no
  // two test files build it at the same time.
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'web', 'build.mjs')], { stdio: 'pipe' });
  const run = RunFolder.create();
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopServer: () => Promise<void> = () => Promise.resolve();
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(run.ownFolder('embedded-pg'), await freePort(), 'postgres');
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
    run.removeAndCheck();
  };
}
