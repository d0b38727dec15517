import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.setup';
import { dataSourceOptions } from '../src/database/data-source-options';
import { MIGRATION_LOCK_KEY } from '../src/database/migrate';
import { MIGRATIONS } from '../src/database/migrations';
import { testConfigFor } from './support/app-on-database';
import { spawnMain } from './support/main-process';
import { createTestDatabase, databaseUrl, uniqueName, withAdminClient } from './support/test-database';

/** Migrations with several instances: one migrates at a time, and old code refuses a newer schema. */
const serverUrl = (): string => process.env.REGISTRY_TEST_ADMIN_URL!;

async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<unknown> }> {
  const name = uniqueName('registry_empty');
  await withAdminClient(serverUrl(), (client) => client.query(`CREATE DATABASE ${name}`));
  const drop = () => withAdminClient(serverUrl(), (client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`));
  return { url: databaseUrl(serverUrl(), name), drop };
}

describe('two instances starting at once on an empty database', () => {
  it('both start; the migrations ran once, one instance after the other', async () => {
    const database = await emptyDatabase();
    try {
      // Without the lock both would create the same tables at once and one would fail to start.
      const apps = await Promise.all([1, 2].map(() => createApp(testConfigFor(database.url, { dbPoolSize: 1 }))));
      const rows: { name: string; runs: number }[] = await apps[0]
        .get(DataSource)
        .query('SELECT name, count(*)::int AS runs FROM migrations GROUP BY name ORDER BY name');
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect(rows.every((row) => row.runs === 1)).toBe(true);
      await Promise.all(apps.map((app) => app.close()));
    } finally {
      await database.drop();
    }
  });
});

describe('an instance starting while another holds the migration lock', () => {
  it('waits for the lock before migrating, then migrates', async () => {
    const database = await emptyDatabase();
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const starting = createApp(testConfigFor(database.url));
      // Deterministic: wait until PostgreSQL shows the new instance queued on the lock.
      while ((await waitersOnLock(holder)) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const table: { found: boolean }[] = (await holder.query("SELECT to_regclass('migrations') IS NOT NULL AS found"))
        .rows;
      expect(table).toEqual([{ found: false }]);
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      const app = await starting;
      const applied = await holder.query('SELECT count(*)::int AS n FROM migrations');
      expect(applied.rows).toEqual([{ n: MIGRATIONS.length }]);
      await app.close();
    } finally {
      await holder.end();
      await database.drop();
    }
  });
});

async function waitersOnLock(client: Client): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return (rows[0] as { n: number }).n;
}

describe('an instance on a schema newer than its code', () => {
  let database: { url: string; drop: () => Promise<void> };
  const future = 'FromANewerVersion9999999999999';
  beforeAll(async () => {
    database = await createTestDatabase();
    const dataSource = await new DataSource(dataSourceOptions(database.url, 1)).initialize();
    await dataSource.query('INSERT INTO migrations ("timestamp", name) VALUES ($1, $2)', [9999999999999, future]);
    await dataSource.destroy();
  });
  afterAll(() => database.drop());

  it('refuses to start, naming the unknown migration', async () => {
    await expect(createApp(testConfigFor(database.url, { logLevel: 'silent' }))).rejects.toThrow(
      `the database schema is newer than this version of the registry (it has migration ${future}`,
    );
  });

  it('says so in one line from npm start and exits 1', async () => {
    const main = spawnMain({ DATABASE_URL: database.url, PORT: '0' });
    expect(await main.exited).toEqual({ code: 1, signal: null });
    expect(main.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Failed to start: the database schema is newer than this version of the registry \(it has migration FromANewerVersion9999999999999, which this code does not know\): start the newer version/,
      ),
    ]);
  });

  it('a migration older than the newest it knows is not "newer": the instance starts', async () => {
    const other = await createTestDatabase();
    try {
      const dataSource = await new DataSource(dataSourceOptions(other.url, 1)).initialize();
      await dataSource.query('INSERT INTO migrations ("timestamp", name) VALUES ($1, $2)', [
        1000000000000,
        'Old1000000000000',
      ]);
      await dataSource.destroy();
      const app = await createApp(testConfigFor(other.url));
      await app.close();
    } finally {
      await other.drop();
    }
  });
});
