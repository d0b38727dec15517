import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sign-in throttle's counts, shared by every instance (rate-limiter-flexible's Postgres store,
 * told the table exists: it never creates tables at run time). Columns in the order its INSERT
 * names them: key (a hash of the email), points (failures), expire (unix ms).
 */
export class SignInFailures1796044313235 implements MigrationInterface {
  name = 'SignInFailures1796044313235';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE sign_in_failures (key text PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    // The store deletes rows that expired over an hour ago every 5 minutes.
    await q.query(`CREATE INDEX sign_in_failures_expire_idx ON sign_in_failures (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sign_in_failures`);
  }
}
