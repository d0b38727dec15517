import { MigrationInterface, QueryRunner } from 'typeorm';

/** Counter rows; a writer bumps the one its backend maps to (src/database/change-tracking.ts). */
const SLOTS = 16;

/** Tables whose changes can change a list or model answer, and which statements count. */
const TRACKED = [
  { table: 'models', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
  { table: 'access_grants', events: 'INSERT OR UPDATE OR DELETE OR TRUNCATE' },
  // Answers show each model's owner (name, email, username, role); sign-ins and password changes do not count.
  { table: 'users', events: 'UPDATE OF name, email, username, role OR DELETE' },
];

/**
 * Change tracking for ETags and answer caches (docs/api.md, "Revalidation"): every statement that
 * may change what some caller is shown bumps a counter in the same transaction, so the sum of the
 * counters moves exactly when such a change commits, on every instance. Why several rows and a
 * table rather than a sequence: src/database/change-tracking.ts.
 */
export class ChangeTracking1796044313970 implements MigrationInterface {
  name = 'ChangeTracking1796044313970';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE change_counters (slot smallint PRIMARY KEY, version bigint NOT NULL DEFAULT 0)`);
    await q.query(`INSERT INTO change_counters (slot) SELECT generate_series(0, ${SLOTS - 1})`);
    await q.query(`
      CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE change_counters SET version = version + 1 WHERE slot = pg_backend_pid() % ${SLOTS};
        RETURN NULL;
      END $$`);
    for (const { table, events } of TRACKED) {
      await q.query(
        `CREATE TRIGGER ${table}_change_tracking AFTER ${events} ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of TRACKED) await q.query(`DROP TRIGGER ${table}_change_tracking ON ${table}`);
    await q.query(`DROP FUNCTION bump_change_counter()`);
    await q.query(`DROP TABLE change_counters`);
  }
}
