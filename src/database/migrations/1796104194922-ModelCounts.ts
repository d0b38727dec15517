import { MigrationInterface, QueryRunner } from 'typeorm';

/** As many rows as change_counters has per scope, picked the same way (see the class comment). */
const SLOTS = 16;

/**
 * Exact counts of the custom models and of the public custom models (docs/scaling.md, "Maintained
 * counts"), so that an unfiltered list takes its total, or the public share of it, from 16 rows
 * instead of counting every model (65 ms at a million models for the admin's list, 42 ms for the
 * public share of a user's). `model_counts` holds one row per slot; statement triggers with
 * transition tables add each statement's difference to the row of its backend's slot, in the same
 * transaction, so the sum of the rows is exactly the count in the reading statement's snapshot.
 *
 * Why this never waits for another writer (and so cannot deadlock): the triggers sort after the
 * change tracking's (models_inserts < models_inserts_count, and so on), which has already taken
 * change_counters' row ('admin', the same slot) for this transaction; so whoever holds a slot's
 * count row holds that row too, and a writer reaching the count row holds it already.
 */
export class ModelCounts1796104194922 implements MigrationInterface {
  name = 'ModelCounts1796104194922';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE model_counts (
        slot smallint PRIMARY KEY,
        custom bigint NOT NULL,
        public_custom bigint NOT NULL
      )`);
    await q.query(FUNCTIONS);
    // The triggers lock models against writes until this transaction ends, so the counts taken
    // next miss no concurrent write (about 0.3 s at a million models).
    for (const { event, rows } of EVENTS) {
      await q.query(`CREATE TRIGGER models_${event}s_count AFTER ${event.toUpperCase()} ON models
        REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION count_model_changes()`);
    }
    await q.query(`CREATE TRIGGER models_truncates_count AFTER TRUNCATE ON models
        FOR EACH STATEMENT EXECUTE FUNCTION count_models_truncated()`);
    await q.query(`INSERT INTO model_counts (slot, custom, public_custom)
        SELECT 0, count(*) FILTER (WHERE base_model_id IS NOT NULL),
               count(*) FILTER (WHERE base_model_id IS NOT NULL AND is_public)
          FROM models`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { event } of EVENTS) await q.query(`DROP TRIGGER models_${event}s_count ON models`);
    await q.query(`DROP TRIGGER models_truncates_count ON models`);
    await q.query(`DROP FUNCTION count_model_changes()`);
    await q.query(`DROP FUNCTION count_models_truncated()`);
    await q.query(`DROP TABLE model_counts`);
  }
}

const EVENTS = [
  { event: 'insert', rows: 'NEW TABLE AS new_rows' },
  { event: 'update', rows: 'OLD TABLE AS old_rows NEW TABLE AS new_rows' },
  { event: 'delete', rows: 'OLD TABLE AS old_rows' },
];

/**
 * The statement's difference: what its new rows count less what its old rows counted. A nested
 * statement (refresh_model_access rewriting a row the outer statement wrote) counts its own
 * difference from the row as the outer one left it, so the differences add up. A statement that
 * changes neither count (most edits) writes nothing.
 */
const FUNCTIONS = `
CREATE FUNCTION count_model_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  custom bigint := 0;
  public_custom bigint := 0;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    SELECT count(*) FILTER (WHERE r.base_model_id IS NOT NULL),
           count(*) FILTER (WHERE r.base_model_id IS NOT NULL AND r.is_public)
      INTO custom, public_custom FROM new_rows r;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    SELECT custom - count(*) FILTER (WHERE r.base_model_id IS NOT NULL),
           public_custom - count(*) FILTER (WHERE r.base_model_id IS NOT NULL AND r.is_public)
      INTO custom, public_custom FROM old_rows r;
  END IF;
  IF custom <> 0 OR public_custom <> 0 THEN
    INSERT INTO model_counts AS c (slot, custom, public_custom)
      VALUES (pg_backend_pid() % ${SLOTS}, custom, public_custom)
      ON CONFLICT (slot) DO UPDATE
        SET custom = c.custom + EXCLUDED.custom, public_custom = c.public_custom + EXCLUDED.public_custom;
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION count_models_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE model_counts;
  RETURN NULL;
END $$;
`;
