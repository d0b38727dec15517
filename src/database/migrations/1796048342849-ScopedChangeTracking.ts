import { MigrationInterface, QueryRunner } from 'typeorm';

const SLOTS = 16;

/**
 * Change counters per scope (src/database/change-tracking.ts): a change bumps only the scopes of the
 * callers who may see it, so a caller's ETag survives changes it cannot see. Scopes: `u:<user id>`
 * (owner and user grantees), `g:<group id>` (group grantees), `public` (public models), `admin`
 * (admins, who may bypass the rule; bumped by every change), `all` (base models, whose values
 * custom models inherit, and owners' names shown everywhere). Every bump takes the caller's
 * `admin` row first, so two writers on one slot never lock counter rows in opposite orders.
 */
const GRANT_SCOPE = `CASE WHEN g.principal_id = '*' THEN 'public'
  WHEN g.principal_type = 'user' THEN 'u:' || g.principal_id ELSE 'g:' || g.principal_id END`;

/** Who may see the changed models (rows): owners, grantees, everyone when public or a base model. Set-based. */
function modelScopes(rows: string): string {
  return `WITH r AS (${rows})
    SELECT 'all' FROM r WHERE r.base_model_id IS NULL
    UNION SELECT 'public' FROM r WHERE r.is_public
    UNION SELECT 'u:' || r.user_id FROM r WHERE r.user_id IS NOT NULL
    UNION SELECT ${GRANT_SCOPE} FROM access_grants g WHERE g.model_id IN (SELECT r.id FROM r)`;
}

/** The changed grants' principals, and everyone who may see their models (writers see the grants). */
function grantScopes(rows: string): string {
  return `WITH r AS (${rows}), m AS (SELECT * FROM models WHERE id IN (SELECT r.model_id FROM r))
    SELECT ${GRANT_SCOPE} FROM r g
    UNION (${modelScopes('SELECT * FROM m')})`;
}

export class ScopedChangeTracking1796048342849 implements MigrationInterface {
  name = 'ScopedChangeTracking1796048342849';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['models', 'access_grants', 'users']) {
      await q.query(`DROP TRIGGER ${table}_change_tracking ON ${table}`);
    }
    await q.query(`DROP FUNCTION bump_change_counter()`);
    await q.query(`DROP TABLE change_counters`);
    await q.query(`
      CREATE TABLE change_counters (
        scope text COLLATE "C" NOT NULL,
        slot smallint NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (scope, slot)
      )`);
    await q.query(`
      CREATE FUNCTION bump_change_scopes(scopes text[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO change_counters (scope, slot, version)
        SELECT s, pg_backend_pid() % ${SLOTS}, 1
        FROM (SELECT DISTINCT unnest(scopes || 'admin'::text) AS s) d ORDER BY s
        ON CONFLICT (scope, slot) DO UPDATE SET version = change_counters.version + 1
      $$`);
    await q.query(`
      CREATE FUNCTION track_model_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM bump_change_scopes(ARRAY(${modelScopes('SELECT * FROM new_rows')}));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM bump_change_scopes(ARRAY(${modelScopes('SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows')}));
        ELSE
          PERFORM bump_change_scopes(ARRAY(${modelScopes('SELECT * FROM old_rows')}));
        END IF;
        RETURN NULL;
      END $$`);
    // A grant changes what its grantee may read, and what the model's writers see of its grants.
    await q.query(`
      CREATE FUNCTION track_grant_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM bump_change_scopes(ARRAY(${grantScopes('SELECT * FROM new_rows')}));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM bump_change_scopes(ARRAY(${grantScopes('SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows')}));
        ELSE
          PERFORM bump_change_scopes(ARRAY(${grantScopes('SELECT * FROM old_rows')}));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION track_everything() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM bump_change_scopes(ARRAY['all']); RETURN NULL; END $$`);
    for (const [table, fn] of [
      ['models', 'track_model_changes'],
      ['access_grants', 'track_grant_changes'],
    ]) {
      await q.query(`CREATE TRIGGER ${table}_inserts AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER ${table}_updates AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER ${table}_deletes AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER ${table}_truncates AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION track_everything()`);
    }
    // Owner fields show on every model the user owns, to everyone who may read one: rare, so all.
    await q.query(`CREATE TRIGGER users_change_tracking AFTER UPDATE OF name, email, username, role OR DELETE ON users
      FOR EACH STATEMENT EXECUTE FUNCTION track_everything()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER users_change_tracking ON users`);
    for (const table of ['models', 'access_grants']) {
      for (const suffix of ['inserts', 'updates', 'deletes', 'truncates']) {
        await q.query(`DROP TRIGGER ${table}_${suffix} ON ${table}`);
      }
    }
    for (const fn of ['track_everything()', 'track_grant_changes()', 'track_model_changes()']) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    await q.query(`DROP FUNCTION bump_change_scopes(text[])`);
    await q.query(`DROP TABLE change_counters`);
    await q.query(`CREATE TABLE change_counters (slot smallint PRIMARY KEY, version bigint NOT NULL DEFAULT 0)`);
    await q.query(`INSERT INTO change_counters (slot) SELECT generate_series(0, ${SLOTS - 1})`);
    await q.query(`
      CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE change_counters SET version = version + 1 WHERE slot = pg_backend_pid() % ${SLOTS};
        RETURN NULL;
      END $$`);
    for (const [table, events] of [
      ['models', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
      ['access_grants', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
      ['users', 'UPDATE OF name, email, username, role OR DELETE'],
    ]) {
      await q.query(`CREATE TRIGGER ${table}_change_tracking AFTER ${events} ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter()`);
    }
  }
}
