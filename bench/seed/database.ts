import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/** Where the embedded server keeps the benchmark data when no URL is given; `npm run bench` uses the same. */
export const EMBEDDED = { dataDir: '.data/bench', port: 54339, database: 'registry_bench' };

export interface Target {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The database at `databaseUrl`, or else `database` on the embedded server (started here). */
export async function openTarget(
  databaseUrl: string | null,
  log: (line: string) => void,
  database = EMBEDDED.database,
): Promise<Target> {
  if (databaseUrl) return { url: databaseUrl, embedded: false, stop: () => Promise.resolve() };
  log(`starting embedded PostgreSQL in ${EMBEDDED.dataDir} on port ${EMBEDDED.port} (database ${database})`);
  const server = await startEmbeddedPostgres(EMBEDDED.dataDir, EMBEDDED.port, database);
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/** The URL with its password masked, for logs. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Drops and recreates the target database; refuses names without "bench" unless forced. */
export async function recreateDatabase(url: string, force: boolean): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!name) throw new Error(`the database URL names no database: ${displayUrl(url)}`);
  if (!name.includes('bench') && !force) {
    throw new Error(`refusing to drop database "${name}": its name does not contain "bench" (use --force)`);
  }
  parsed.pathname = '/postgres';
  const client = new Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    const quoted = client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
}

/** Applies the service's own migrations, so the schema is exactly what it runs on. */
export async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
