import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unfiltered list's private share, counted from kept numbers (README "Performance", docs/scaling.md
 * "Maintained counts"): `private_grant_counts` holds how many private custom grants each principal
 * has per `groups_before` set, so the typical company user's count adds ~1,300 rows instead of
 * reading 28,000 grants (18,000 untested, 9,700 tested by a uuid overlap). Its rows are deltas:
 * statement triggers with transition tables on access_grants add, in the writer's transaction, what
 * the statement changed per (principal, groups_before); the sum of a key's rows is exactly its count
 * of grants in any snapshot.
 *
 * The same trigger folds the key's committed rows into one, taking only rows no other transaction
 * holds (FOR UPDATE SKIP LOCKED): a writer never waits on this table (no unique key, no update),
 * so it cannot deadlock, and a folded row is the sum of exactly the rows it removed.
 */
export class PrivateGrantCounts1796120000000 implements MigrationInterface {
  name = 'PrivateGrantCounts1796120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`CREATE TABLE private_grant_counts (
        principal_type text NOT NULL,
        principal_id text NOT NULL,
        groups_before uuid[] NOT NULL,
        n bigint NOT NULL
      )`);
    await q.query(FUNCTIONS);
    // The triggers lock access_grants against writes until this transaction ends, so the counts
    // taken next miss no concurrent write.
    for (const { event, rows } of EVENTS) {
      await q.query(`CREATE TRIGGER access_grants_${event}s_count AFTER ${event.toUpperCase()} ON access_grants
        REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION count_private_grant_changes()`);
    }
    await q.query(`CREATE TRIGGER access_grants_truncates_count AFTER TRUNCATE ON access_grants
        FOR EACH STATEMENT EXECUTE FUNCTION count_private_grants_truncated()`);
    await q.query(`INSERT INTO private_grant_counts (principal_type, principal_id, groups_before, n)
        SELECT principal_type, principal_id, groups_before, count(*) FROM access_grants
         WHERE private_custom GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    await q.query(
      `CREATE INDEX private_grant_counts_principal_idx ON private_grant_counts (principal_type, principal_id, groups_before)
         INCLUDE (n)`,
    );
    await q.query(`ANALYZE private_grant_counts`);
    await q.query(`SET LOCAL statement_timeout TO DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { event } of EVENTS) await q.query(`DROP TRIGGER access_grants_${event}s_count ON access_grants`);
    await q.query(`DROP TRIGGER access_grants_truncates_count ON access_grants`);
    await q.query(`DROP FUNCTION count_private_grant_changes()`);
    await q.query(`DROP FUNCTION count_private_grants_truncated()`);
    await q.query(`DROP TABLE private_grant_counts`);
  }
}

const EVENTS = [
  { event: 'insert', rows: 'NEW TABLE AS new_rows' },
  { event: 'update', rows: 'OLD TABLE AS old_rows NEW TABLE AS new_rows' },
  { event: 'delete', rows: 'OLD TABLE AS old_rows' },
];

/**
 * The statement's difference per key (its new private grants less its old ones; a nested
 * refresh_model_access rewriting groups_before counts its own difference, so they add up), folded
 * with the key's committed rows that nobody else holds. Statements that change no key (most
 * updates: permissions, renamed models) write nothing.
 */
const KEY = `principal_type, principal_id, groups_before`;

/** The private grants of `rows` per key, counted `sign` times. */
const changes = (rows: string, sign: string) =>
  `SELECT r.principal_type, r.principal_id, r.groups_before, ${sign} AS n FROM ${rows} r WHERE r.private_custom`;

/**
 * Adds the statement's difference per key (`delta`) to the key's committed rows that no other
 * transaction holds, as one row per key; nothing where the difference is zero.
 */
const fold = (delta: string) => `
  WITH delta AS (SELECT ${KEY}, sum(n) AS n FROM (${delta}) d GROUP BY ${KEY} HAVING sum(n) <> 0),
  folded AS (
    DELETE FROM private_grant_counts c
     WHERE c.ctid = ANY(ARRAY(
       SELECT k.ctid FROM private_grant_counts k
         JOIN delta d ON (k.principal_type, k.principal_id, k.groups_before) = (d.principal_type, d.principal_id, d.groups_before)
          FOR UPDATE OF k SKIP LOCKED))
    RETURNING c.principal_type, c.principal_id, c.groups_before, c.n)
  INSERT INTO private_grant_counts (${KEY}, n)
    SELECT ${KEY}, sum(n) FROM (SELECT * FROM delta UNION ALL SELECT * FROM folded) x
     GROUP BY ${KEY} HAVING sum(n) <> 0`;

/**
 * The statement's difference per key: its new private grants less its old ones (a nested
 * refresh_model_access rewriting groups_before counts its own difference, so they add up).
 * Statements that change no key (permissions, renamed models) write nothing.
 */
const FUNCTIONS = `
CREATE FUNCTION count_private_grant_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${fold(changes('new_rows', '1'))};
  ELSIF TG_OP = 'DELETE' THEN
    ${fold(changes('old_rows', '-1'))};
  ELSE
    ${fold(`${changes('new_rows', '1')} UNION ALL ${changes('old_rows', '-1')}`)};
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION count_private_grants_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE private_grant_counts;
  RETURN NULL;
END $$;
`;
