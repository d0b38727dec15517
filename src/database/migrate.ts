import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The advisory lock key every instance takes around its migrations ("regi" in ASCII): two
 * instances starting at once run them one after the other, and the second finds nothing to do.
 */
export const MIGRATION_LOCK_KEY = 0x72656769;

/** The database was migrated by a newer version of the registry: this one must not serve it. */
export class SchemaNewerError extends Error {}

/**
 * Runs the pending migrations while holding the migration lock, after refusing a schema newer
 * than this code. The lock is held on a connection of its own (not from the pool, which may
 * have one connection) and goes with it if this process dies.
 */
export async function migrateUnderLock(dataSource: DataSource, url: string): Promise<void> {
  const lock = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  lock.on('error', () => undefined); // A lost lock connection fails the queries below instead.
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await refuseNewerSchema(dataSource);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lock.end().catch(() => undefined);
  }
}

interface AppliedMigration {
  name: string;
  timestamp: number;
}

/** Throws SchemaNewerError when the database holds a migration later than any this code has. */
export async function refuseNewerSchema(dataSource: DataSource): Promise<void> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const found: { exists: boolean }[] = await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  if (!found[0].exists) return;
  const applied: AppliedMigration[] = await dataSource.query(
    `SELECT name, "timestamp" FROM ${dataSource.driver.escape(table)} ORDER BY "timestamp"`,
  );
  const known = new Set(dataSource.migrations.map((migration) => migration.name));
  // TypeORM takes a migration's timestamp from the last 13 digits of its name.
  const newest = Math.max(0, ...[...known].map((name) => Number(/\d{13}$/.exec(name ?? '')?.[0] ?? 0)));
  const newer = applied.filter((row) => !known.has(row.name) && row.timestamp > newest);
  if (newer.length > 0) {
    throw new SchemaNewerError(
      `the database schema is newer than this version of the registry (it has migration ${newer.map((row) => row.name).join(', ')}, ` +
        'which this code does not know): start the newer version, or revert those migrations with it, before starting this one',
    );
  }
}
