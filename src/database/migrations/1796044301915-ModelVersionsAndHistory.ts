import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every model gets a version (1 at creation, +1 on every change) and a history: one row per kept
 * version holding the model as that version left it, fields and grants (docs/history.md). Models
 * that exist already get their current state as version 1 (changed_by unknown: null), so the
 * first change after this migration still keeps what came before it.
 */
export class ModelVersionsAndHistory1796044301915 implements MigrationInterface {
  name = 'ModelVersionsAndHistory1796044301915';

  async up(q: QueryRunner): Promise<void> {
    // A constant default: no table rewrite, even at 100,000 models.
    await q.query(`ALTER TABLE models ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE model_history (
        model_id text COLLATE "C" NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        version integer NOT NULL,
        changed_at bigint NOT NULL,
        changed_by uuid,
        changed_by_name text,
        action text NOT NULL
          CHECK (action IN ('create', 'update', 'access', 'toggle', 'import', 'restore', 'transfer')),
        snapshot jsonb NOT NULL,
        PRIMARY KEY (model_id, version)
      )`);
    // Frozen copy of the snapshot src/history/model-history.sql.ts takes (a migration never changes).
    await q.query(`
      INSERT INTO model_history (model_id, version, changed_at, action, snapshot)
      SELECT m.id, m.version, m.updated_at, 'create', jsonb_build_object(
        'id', m.id, 'user_id', m.user_id, 'base_model_id', m.base_model_id, 'name', m.name,
        'params', m.params, 'meta', m.meta, 'is_active', m.is_active, 'owned_by', m.owned_by,
        'supported_endpoint_types', to_jsonb(m.supported_endpoint_types), 'pricing', m.pricing,
        'context_length', m.context_length, 'max_output_tokens', m.max_output_tokens,
        'access_grants', COALESCE((
          SELECT jsonb_agg(jsonb_build_object('principal_type', g.principal_type,
                   'principal_id', g.principal_id, 'permission', g.permission)
                 ORDER BY g.principal_type, g.principal_id)
          FROM access_grants g WHERE g.model_id = m.id), '[]'::jsonb))
      FROM models m`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_history`);
    await q.query(`ALTER TABLE models DROP COLUMN version`);
  }
}
