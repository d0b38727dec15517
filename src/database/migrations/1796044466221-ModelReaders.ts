import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may read and write a model, kept on its row (docs/access.md, README "Designs measured for
 * the access rule"): `readers` holds a principal per grant ('*' for user:*, 'u:<user id>',
 * 'g:<group id>'), `writers` those of write grants, and `is_public` is '*' in `readers`. The
 * rule (src/access/access-rules.ts) matches a caller by array overlap with its own principals, so
 * reading a model costs the same however much is shared with the caller, and the GIN index on
 * `readers` joins the trigram and tag indexes in one bitmap. Grants stay the source: triggers
 * on access_grants recompute the columns of the models whose grants changed, in the same
 * statement. Membership is not expanded: adding someone to a group changes no model.
 *
 * `access_grants.private_custom` (the granted model is a custom model without user:*) and
 * `readers_before` (the model's readers that sort before this grant's principal; since migration
 * GroupsBefore only the groups among them, as `groups_before`) let the
 * unfiltered list count a caller's private share from one partial index instead of the models:
 * a model granted to several of the caller's principals counts once, at the first of them, so
 * the count needs no set of ids to remove duplicates from.
 */
export class ModelReaders1796044466221 implements MigrationInterface {
  name = 'ModelReaders1796044466221';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN readers text[] NOT NULL DEFAULT '{}',
                                      ADD COLUMN writers text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE access_grants ADD COLUMN private_custom boolean NOT NULL DEFAULT false,
                                             ADD COLUMN readers_before text[] NOT NULL DEFAULT '{}'`);
    await q.query(REFRESH_FUNCTIONS);
    await q.query(`SELECT refresh_model_access(ARRAY(SELECT id FROM models))`);
    await q.query(`CREATE INDEX models_readers_idx ON models USING gin (readers)`);
    await q.query(
      `CREATE INDEX access_grants_private_idx ON access_grants (principal_type, principal_id) INCLUDE (readers_before)
         WHERE private_custom`,
    );
    await q.query(TRIGGERS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER access_grants_inserted ON access_grants`);
    await q.query(`DROP TRIGGER access_grants_deleted ON access_grants`);
    await q.query(`DROP TRIGGER access_grants_updated ON access_grants`);
    await q.query(`DROP TRIGGER access_grants_truncated ON access_grants`);
    await q.query(`DROP TRIGGER models_kind_changed ON models`);
    await q.query(`DROP FUNCTION access_grants_changed_rows()`);
    await q.query(`DROP FUNCTION access_grants_changed_row()`);
    await q.query(`DROP FUNCTION access_grants_truncated()`);
    await q.query(`DROP FUNCTION models_kind_changed()`);
    await q.query(`DROP FUNCTION refresh_model_access(text[])`);
    await q.query(`DROP FUNCTION model_principal(text, text)`);
    await q.query(`DROP INDEX access_grants_private_idx`);
    await q.query(`DROP INDEX models_readers_idx`);
    await q.query(`ALTER TABLE access_grants DROP COLUMN private_custom, DROP COLUMN readers_before`);
    await q.query(`ALTER TABLE models DROP COLUMN readers, DROP COLUMN writers`);
  }
}

/**
 * `refresh_model_access(ids)`: the models' readers, writers and is_public from their grants,
 * then each grant's private_custom and the per-grant column `grantsColumn` names (`readers_before`
 * here; `groups_before` since migration GroupsBefore), set to `grantsColumn.value`, an expression
 * over the model's `m.readers` and the grant `g2`.
 */
export function refreshModelAccess(grantsColumn: { name: string; value: string }): string {
  return `CREATE FUNCTION refresh_model_access(ids text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE models m SET readers = a.readers, writers = a.writers, is_public = '*' = ANY(a.readers)
    FROM (SELECT m2.id,
                 ARRAY(SELECT model_principal(g.principal_type, g.principal_id) COLLATE "C" FROM access_grants g
                        WHERE g.model_id = m2.id ORDER BY 1) AS readers,
                 ARRAY(SELECT model_principal(g.principal_type, g.principal_id) COLLATE "C" FROM access_grants g
                        WHERE g.model_id = m2.id AND g.permission = 'write' ORDER BY 1) AS writers
            FROM models m2 JOIN (SELECT DISTINCT unnest(ids) AS id) i ON i.id = m2.id) a
   WHERE m.id = a.id
     AND (m.readers, m.writers, m.is_public) IS DISTINCT FROM (a.readers, a.writers, '*' = ANY(a.readers));
  UPDATE access_grants g SET private_custom = x.private_custom, ${grantsColumn.name} = x.${grantsColumn.name}
    FROM (SELECT g2.model_id, g2.principal_type, g2.principal_id,
                 NOT m.is_public AND m.base_model_id IS NOT NULL AS private_custom,
                 ${grantsColumn.value} AS ${grantsColumn.name}
            FROM (SELECT DISTINCT unnest(ids) AS id) i JOIN models m ON m.id = i.id
            JOIN access_grants g2 ON g2.model_id = m.id) x
   WHERE (g.model_id, g.principal_type, g.principal_id) = (x.model_id, x.principal_type, x.principal_id)
     AND (g.private_custom, g.${grantsColumn.name}) IS DISTINCT FROM (x.private_custom, x.${grantsColumn.name});
$$`;
}

/** The model's readers that sort before the grant's own principal. */
export const READERS_BEFORE = {
  name: 'readers_before',
  value: `ARRAY(SELECT r FROM unnest(m.readers) r
                        WHERE r COLLATE "C" < model_principal(g2.principal_type, g2.principal_id)
                        ORDER BY r COLLATE "C")`,
};

/**
 * `refresh_model_access(ids)` recomputes readers, writers and is_public of those models from
 * their grants (joined to the ids, so 20,000 ids cost as much as 20,000 rows, not 20,000 each), then the grants' private_custom and readers_before. Rows
 * already right are not rewritten, so a refresh that changes nothing writes nothing. Principals
 * compare byte-wise (COLLATE "C"), so "first" is the same on every server.
 */
const REFRESH_FUNCTIONS = `
CREATE FUNCTION model_principal(principal_type text, principal_id text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN principal_type = 'user' AND principal_id = '*' THEN '*'
              ELSE left(principal_type, 1) || ':' || principal_id END COLLATE "C"
$$;
${refreshModelAccess(READERS_BEFORE)}`;

/**
 * Inserts and deletes (replace, user and group deletion, import) refresh once per statement over
 * the models they touched. Updates of a grant's own fields (a model renamed through ON UPDATE
 * CASCADE) are rare and handled per row; the refresh's own private_custom update fires nothing.
 * A model turning custom or base changes whether its grants count as private.
 */
const TRIGGERS = `
CREATE FUNCTION access_grants_changed_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_model_access(ARRAY(SELECT DISTINCT model_id FROM changed));
  RETURN NULL;
END $$;
CREATE FUNCTION access_grants_changed_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_model_access(ARRAY[OLD.model_id, NEW.model_id]);
  RETURN NULL;
END $$;
CREATE FUNCTION access_grants_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE models SET readers = '{}', writers = '{}', is_public = false
   WHERE readers <> '{}' OR writers <> '{}' OR is_public;
  RETURN NULL;
END $$;
CREATE FUNCTION models_kind_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_model_access(ARRAY[NEW.id]);
  RETURN NULL;
END $$;
CREATE TRIGGER access_grants_inserted AFTER INSERT ON access_grants
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION access_grants_changed_rows();
CREATE TRIGGER access_grants_deleted AFTER DELETE ON access_grants
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION access_grants_changed_rows();
CREATE TRIGGER access_grants_updated AFTER UPDATE OF model_id, principal_type, principal_id, permission
  ON access_grants FOR EACH ROW EXECUTE FUNCTION access_grants_changed_row();
CREATE TRIGGER access_grants_truncated AFTER TRUNCATE ON access_grants
  FOR EACH STATEMENT EXECUTE FUNCTION access_grants_truncated();
CREATE TRIGGER models_kind_changed AFTER UPDATE OF base_model_id ON models
  FOR EACH ROW WHEN ((OLD.base_model_id IS NULL) IS DISTINCT FROM (NEW.base_model_id IS NULL))
  EXECUTE FUNCTION models_kind_changed();
`;
