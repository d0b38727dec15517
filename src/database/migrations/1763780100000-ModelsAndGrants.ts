import { MigrationInterface, QueryRunner } from 'typeorm';

export class ModelsAndGrants1763780100000 implements MigrationInterface {
  name = 'ModelsAndGrants1763780100000';

  async up(q: QueryRunner): Promise<void> {
    // Ids compare byte-wise (COLLATE "C") so the id tiebreak is the same on every server locale.
    await q.query(`
      CREATE TABLE models (
        id text COLLATE "C" PRIMARY KEY,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        base_model_id text COLLATE "C",
        name text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        meta jsonb NOT NULL DEFAULT '{}',
        is_active boolean NOT NULL DEFAULT true,
        owned_by text,
        supported_endpoint_types text[],
        pricing jsonb,
        context_length integer,
        max_output_tokens integer,
        tags text[] NOT NULL DEFAULT '{}',
        search text NOT NULL DEFAULT '',
        name_sort text COLLATE "C" NOT NULL,
        is_public boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    // Sorts of the workspace list (custom models only), each with the id tiebreak.
    await q.query(`CREATE INDEX models_custom_created_idx ON models (created_at, id) WHERE base_model_id IS NOT NULL`);
    await q.query(`CREATE INDEX models_custom_updated_idx ON models (updated_at, id) WHERE base_model_id IS NOT NULL`);
    await q.query(`CREATE INDEX models_custom_name_idx ON models (name_sort, id) WHERE base_model_id IS NOT NULL`);
    // Public custom models are most of what a regular user sees: their own sorted path.
    await q.query(
      `CREATE INDEX models_public_created_idx ON models (created_at, id) WHERE is_public AND base_model_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX models_user_idx ON models (user_id, created_at, id)`);
    await q.query(`CREATE INDEX models_base_model_idx ON models (base_model_id)`);
    await q.query(`CREATE INDEX models_search_trgm_idx ON models USING gin (search gin_trgm_ops)`);
    await q.query(`CREATE INDEX models_tags_idx ON models USING gin (tags)`);

    await q.query(`
      CREATE TABLE access_grants (
        model_id text COLLATE "C" NOT NULL REFERENCES models (id) ON DELETE CASCADE ON UPDATE CASCADE,
        principal_type text NOT NULL CHECK (principal_type IN ('user', 'group')),
        principal_id text NOT NULL,
        permission text NOT NULL CHECK (permission IN ('read', 'write')),
        PRIMARY KEY (model_id, principal_type, principal_id)
      )`);
    await q.query(
      `CREATE INDEX access_grants_principal_idx ON access_grants (principal_type, principal_id, model_id) INCLUDE (permission)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_grants`);
    await q.query(`DROP TABLE models`);
  }
}
