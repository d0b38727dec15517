import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from '../support/free-port';
import { RunFolder } from '../support/run-folder';
import { requireChromium } from './browser';

/** Where the spec files create their databases (a server URL; each file makes its own database). */
export const PG_SERVER_ENV = 'REGISTRY_WEB_TEST_PG';

/**
 * Checks Chromium is there, then finds the PostgreSQL server for the run: TEST_DATABASE_URL or
 * DATABASE_URL, else an embedded one in the run's temporary folder (as the jest suite does).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  requireChromium();
  const run = RunFolder.create();
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stop = () => Promise.resolve();
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(run.ownFolder('embedded-pg'), await freePort(), 'postgres');
    serverUrl = embedded.url;
    stop = () => embedded.stop();
  }
  process.env[PG_SERVER_ENV] = serverUrl;
  return async () => {
    await stop();
    run.removeAndCheck();
  };
}
