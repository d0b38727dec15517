import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The sign-in throttle's table (migration SignInFailures), shared by every instance. */
export const SIGN_IN_FAILURES_TABLE = 'sign_in_failures';

/** The primary's connection pool under a DataSource, for libraries that take a `pg` Pool. */
export function primaryPool(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}
